package io.understudy.config;

import java.util.Locale;

/** The database engines Understudy speaks to, as written in the configuration ({@code kind:}). */
public enum DatabaseKind {
    MARIADB, MYSQL, POSTGRESQL;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isMySqlFamily() {
        return this != POSTGRESQL;
    }
}
