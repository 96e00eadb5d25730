package io.understudy.connector;

import java.util.Objects;

/**
 * The outcome of one prerequisite check.
 *
 * @param name   short check name, e.g. {@code binlog_format}
 * @param ok     whether the prerequisite holds
 * @param detail what was found (host:port and user where useful, never a password)
 * @param fix    what the operator should do; empty when ok
 */
public record CheckResult(String name, boolean ok, String detail, String fix) {
    public CheckResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(detail, "detail");
        fix = fix == null ? "" : fix;
    }

    static CheckResult pass(String name, String detail) {
        return new CheckResult(name, true, detail, "");
    }

    static CheckResult fail(String name, String detail, String fix) {
        return new CheckResult(name, false, detail, fix);
    }
}
