package io.understudy.bench;

import io.understudy.servers.DatabaseServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;

/**
 * The durability settings of EVERY server in the apply benchmark: the leader, the native replicas and the
 * Understudy followers always get the same ones, so neither side is favoured. {@link #DEFAULT} is what the
 * engines ship with and what production replicas run: MariaDB flushes its redo log at every commit
 * ({@code innodb_flush_log_at_trx_commit=1}; {@code sync_binlog=0}, also its default), PostgreSQL flushes its WAL
 * at every commit ({@code fsync=on}, {@code synchronous_commit=on}). {@link #RELAXED} is what the test servers
 * use: MariaDB writes the redo log at commit and flushes it once a second ({@code innodb_flush_log_at_trx_commit=2}),
 * PostgreSQL never flushes ({@code fsync=off}, {@code synchronous_commit=off}). Under DEFAULT, native replication
 * pays one log flush per replicated transaction (fewer when parallel threads group their commits), Understudy one
 * per follower commit, which may hold many leader transactions.
 */
enum Durability {
    DEFAULT("1", "on"),
    RELAXED("2", "off");

    private final String innodbFlush;
    private final String postgresFlush;

    Durability(String innodbFlush, String postgresFlush) {
        this.innodbFlush = innodbFlush;
        this.postgresFlush = postgresFlush;
    }

    static Durability parse(String value) {
        for (Durability d : values()) {
            if (d.name().equalsIgnoreCase(value)) {
                return d;
            }
        }
        throw new IllegalArgumentException("--durability must be default or relaxed, got " + value);
    }

    /** mariadbd arguments; they come after the embedded server's own and override them. */
    String[] mariaDbArgs() {
        return new String[] {"--innodb-flush-log-at-trx-commit=" + innodbFlush, "--sync-binlog=0"};
    }

    /** PostgreSQL server settings. */
    Map<String, String> postgresConfig() {
        return Map.of("fsync", postgresFlush, "synchronous_commit", postgresFlush, "full_page_writes", "on");
    }

    /**
     * Reads the settings back from a running server and fails when they are not this mode's, so a report can
     * never carry a label its servers did not run with. Returns them for the log.
     */
    String verify(DatabaseServer server) throws SQLException {
        boolean pg = "postgresql".equals(server.kind());
        String sql = pg ? "SELECT current_setting('fsync') || ' ' || current_setting('synchronous_commit')"
                + " || ' ' || current_setting('full_page_writes')"
                : "SELECT CONCAT(@@innodb_flush_log_at_trx_commit, ' ', @@sync_binlog)";
        String expected = pg ? postgresFlush + " " + postgresFlush + " on" : innodbFlush + " 0";
        try (Connection c = server.connect(null); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            String actual = rs.getString(1);
            String names = pg ? "fsync synchronous_commit full_page_writes" : "innodb_flush_log_at_trx_commit sync_binlog";
            if (!expected.equals(actual)) {
                throw new IllegalStateException(server.kind() + " on port " + server.port() + " runs with " + names + " = "
                        + actual + ", not " + expected + " as --durability " + label() + " requires");
            }
            return server.kind() + ":" + server.port() + " " + names + " = " + actual;
        }
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
