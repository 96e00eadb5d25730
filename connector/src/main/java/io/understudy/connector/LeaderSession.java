package io.understudy.connector;

import io.understudy.config.DatabaseKind;
import io.understudy.config.Endpoint;
import io.understudy.model.BinlogPosition;
import io.understudy.model.ReplicationException;
import io.understudy.model.RetriableException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One JDBC connection to the leader for the queries capture needs besides the binlog stream. Not
 * thread-safe; close it when done.
 */
final class LeaderSession implements AutoCloseable {
    private static final Pattern DML = Pattern.compile(
            "^(?:use\\s+`[^`]*`\\s*;\\s*)?(?:/\\*.*?\\*/\\s*)*(INSERT|UPDATE|DELETE|REPLACE|LOAD\\s+DATA)\\b",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final int MAX_EVENTS = 10_000;

    private final Endpoint leader;
    private final Connection connection;

    private LeaderSession(Endpoint leader, Connection connection) {
        this.leader = leader;
        this.connection = connection;
    }

    static LeaderSession open(Endpoint leader) {
        try {
            return new LeaderSession(leader, DriverManager.getConnection(leader.url(), leader.user(), leader.password().reveal()));
        } catch (SQLException e) {
            throw new RetriableException("cannot connect to leader " + leader.describe() + ": " + e.getMessage()
                    + "; check that it runs and that the user and password are right", e);
        }
    }

    Endpoint leader() {
        return leader;
    }

    /** A global variable's value, or empty when the server does not have it. */
    Optional<String> variable(String name) {
        return query("SHOW GLOBAL VARIABLES LIKE '" + name + "'").stream().findFirst().map(row -> row.get(1));
    }

    /** Each row as a list of strings, columns in order. */
    List<List<String>> query(String sql) {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new RetriableException("query '" + sql + "' on leader " + leader.describe() + " failed: " + e.getMessage(), e);
        }
    }

    /** Refuses a leader whose binlog cannot give full row images. */
    void requireRowImages() {
        require("binlog_format", "ROW");
        require("binlog_row_image", "FULL");
    }

    private void require(String variable, String expected) {
        String actual = variable(variable).orElse("(unset)");
        if (!expected.equalsIgnoreCase(actual)) {
            throw new ReplicationException("leader " + leader.host() + ":" + leader.port() + " has " + variable + "=" + actual
                    + "; Understudy needs " + expected + ". Change the database configuration to use " + variable + "="
                    + expected + " and restart");
        }
    }

    /** The leader's current binlog end as a resume offset {file, pos, gtids?}. */
    BinlogPosition currentPosition() {
        List<List<String>> status = binlogStatus();
        if (status.isEmpty()) {
            throw new ReplicationException("leader " + leader.describe() + " has no binary log (SHOW MASTER STATUS is empty); "
                    + "enable it with log_bin and restart the leader");
        }
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put("file", status.get(0).get(0));
        offset.put("pos", Long.parseLong(status.get(0).get(1)));
        String gtids = leader.kind() == DatabaseKind.MARIADB
                ? query("SELECT @@GLOBAL.gtid_binlog_pos").get(0).get(0)
                : status.get(0).size() > 4 ? status.get(0).get(4) : null;
        if (gtids != null && !gtids.isBlank()) {
            offset.put("gtids", gtids.replace("\n", ""));
        }
        return Offsets.position(offset);
    }

    private List<List<String>> binlogStatus() {
        if (leader.kind() == DatabaseKind.MYSQL) {
            try {
                return query("SHOW BINARY LOG STATUS"); // MySQL 8.2+; 8.4 removed SHOW MASTER STATUS
            } catch (RetriableException e) {
                return query("SHOW MASTER STATUS");
            }
        }
        return query("SHOW MASTER STATUS");
    }

    /**
     * Looks at the transaction that starts at {@code file:pos} and returns its first statement-format DML
     * (a Query event that writes rows), if any.
     */
    Optional<String> statementDml(String file, long pos) {
        if (!FILE_NAME.matcher(file).matches()) {
            throw new ReplicationException("unexpected binlog file name '" + file + "' from leader " + leader.describe());
        }
        List<List<String>> events = query("SHOW BINLOG EVENTS IN '" + file + "' FROM " + pos + " LIMIT " + MAX_EVENTS);
        for (List<String> event : events) {
            String type = event.get(2);
            String info = event.get(5) == null ? "" : event.get(5).trim();
            if ("Xid".equalsIgnoreCase(type) || "Query".equalsIgnoreCase(type) && info.toUpperCase(Locale.ROOT).startsWith("COMMIT")) {
                return Optional.empty();
            }
            if ("Query".equalsIgnoreCase(type) && DML.matcher(info).find()) {
                return Optional.of(info);
            }
        }
        return Optional.empty();
    }

    /** Where the binlog event that starts at {@code file:pos} ends (its End_log_pos). */
    long endOfEvent(String file, long pos) {
        if (!FILE_NAME.matcher(file).matches()) {
            throw new ReplicationException("unexpected binlog file name '" + file + "' from leader " + leader.describe());
        }
        List<List<String>> events = query("SHOW BINLOG EVENTS IN '" + file + "' FROM " + pos + " LIMIT 1");
        if (events.isEmpty()) {
            throw new ReplicationException("leader " + leader.describe() + " has no binlog event at " + file + ":" + pos
                    + "; was the binlog purged? Re-snapshot the follower");
        }
        return Long.parseLong(events.get(0).get(4));
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing a broken connection: nothing left to release
        }
    }
}
