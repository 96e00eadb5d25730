package io.understudy.connector;

import io.understudy.config.CaptureConfig;
import io.understudy.config.Endpoint;
import io.understudy.model.ReplicationException;
import io.understudy.model.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Checks that a MariaDB/MySQL leader can be captured from: reachable, binlog on, ROW format with FULL
 * images, enough privileges, and every replicated table keyed. Used by {@code understudy check} and at
 * daemon start. Stateless and thread-safe; each call opens and closes one connection.
 */
public final class LeaderChecks {
    private static final String SYSTEM_SCHEMAS = "'mysql','information_schema','performance_schema','sys'";

    private LeaderChecks() {
    }

    public static List<CheckResult> run(Endpoint leader, CaptureConfig capture) {
        List<CheckResult> results = new ArrayList<>();
        LeaderSession session;
        try {
            session = LeaderSession.open(leader);
        } catch (ReplicationException e) {
            results.add(CheckResult.fail("reachable", e.getMessage(),
                    "start the leader or fix leader.url, leader.user and leader.password"));
            return results;
        }
        try (session) {
            results.add(CheckResult.pass("reachable", "connected to " + leader.describe()));
            results.add(variable(session, "log_bin", "ON", "enable the binary log (log_bin) on the leader and restart it"));
            results.add(variable(session, "binlog_format", "ROW", "set binlog_format=ROW in the leader's configuration and restart it"));
            results.add(variable(session, "binlog_row_image", "FULL",
                    "set binlog_row_image=FULL in the leader's configuration and restart it"));
            List<TableId> tables = includedTables(session, capture);
            results.add(GrantCheck.replication(session));
            results.add(GrantCheck.select(session, schemas(capture, tables)));
            results.add(tables.isEmpty()
                    ? CheckResult.fail("tables", "no table on " + leader.describe() + " matches capture.tables "
                            + capture.filter().includePatterns() + " minus capture.exclude " + capture.filter().excludePatterns(),
                            "fix the patterns in capture.tables (schema.table, * as wildcard) or create the tables")
                    : CheckResult.pass("tables", tables.size() + " table(s) replicated"));
            results.add(primaryKeys(session, capture, tables));
        } catch (ReplicationException e) {
            results.add(CheckResult.fail("queries", e.getMessage(), "grant the user the privileges listed by `understudy check`"));
        }
        return results;
    }

    /** Schemas named by the include patterns plus those of visible tables (a user without SELECT may see none). */
    private static Set<String> schemas(CaptureConfig capture, List<TableId> tables) {
        Set<String> schemas = new TreeSet<>(capture.filter().literalSchemas());
        tables.forEach(t -> schemas.add(t.schema()));
        return schemas;
    }

    private static CheckResult variable(LeaderSession session, String name, String expected, String fix) {
        String actual = session.variable(name).orElse("(unset)");
        String detail = name + "=" + actual + " on " + session.leader().describe();
        return expected.equalsIgnoreCase(actual) ? CheckResult.pass(name, detail) : CheckResult.fail(name, detail, fix);
    }

    static List<TableId> includedTables(LeaderSession session, CaptureConfig capture) {
        return session.query("SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE'"
                        + " AND TABLE_SCHEMA NOT IN (" + SYSTEM_SCHEMAS + ") ORDER BY 1, 2").stream()
                .map(row -> new TableId(row.get(0), row.get(1)))
                .filter(capture.filter()::includes)
                .toList();
    }

    private static CheckResult primaryKeys(LeaderSession session, CaptureConfig capture, List<TableId> tables) {
        Set<TableId> keyed = session.query("SELECT DISTINCT TABLE_SCHEMA, TABLE_NAME FROM information_schema.STATISTICS"
                        + " WHERE INDEX_NAME = 'PRIMARY'").stream()
                .map(row -> new TableId(row.get(0), row.get(1)))
                .collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>();
        for (TableId table : tables) {
            if (!keyed.contains(table) && !capture.keys().containsKey(table)) {
                missing.add(table.toString());
            }
        }
        if (missing.isEmpty()) {
            return CheckResult.pass("primary keys", "every replicated table has a primary key or configured key columns");
        }
        return CheckResult.fail("primary keys", "without primary key: " + String.join(", ", missing),
                "add a primary key to each, or name unique, non-null key columns in capture.keys (e.g. "
                        + missing.iterator().next() + ": [col]), or exclude them with capture.exclude");
    }
}
