package io.understudy.connector;

import java.util.Objects;

/**
 * The outcome of one prerequisite check.
 *
 * @param name   short check name, e.g. {@code binlog_format}
 * @param ok     whether the prerequisite holds
 * @param detail what was found (host:port and user where useful, never a password)
 * @param fix    what the operator should do; empty for a plain pass. A result that is ok but carries a
 *               fix is a warning: replication works, with a caveat the operator should know.
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

    /** True for a passed check that still asks the operator to act. */
    public boolean warning() {
        return ok && !fix.isEmpty();
    }

    static CheckResult warn(String name, String detail, String fix) {
        return new CheckResult(name, true, detail, fix);
    }

    static CheckResult fail(String name, String detail, String fix) {
        return new CheckResult(name, false, detail, fix);
    }
}
