package io.understudy.config;

import java.util.Objects;

/** A credential. Its {@link #toString()} never shows the value, so it cannot leak into logs or errors. */
public record Secret(String value) {
    public Secret {
        Objects.requireNonNull(value, "value");
    }

    /** The clear-text value, for handing to a JDBC driver only. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }
}
