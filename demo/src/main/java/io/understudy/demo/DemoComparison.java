package io.understudy.demo;

import io.understudy.catalog.LeaderCatalog;
import io.understudy.catalog.TableChecksum;
import io.understudy.catalog.TableDef;
import io.understudy.config.DatabaseKind;
import io.understudy.config.TableFilter;
import io.understudy.servers.DatabaseServer;
import java.io.PrintWriter;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares every replicated table of a leader and a follower by row count and a checksum over
 * values normalized across engines; can wait until they are equal (replication is asynchronous).
 */
public final class DemoComparison {
    private DemoComparison() {
    }

    /** One table's comparison. */
    public record TableResult(String table, long leaderRows, long followerRows, boolean equal) {
    }

    /** All tables' comparisons. */
    public record Result(List<TableResult> tables) {
        public boolean equal() {
            return tables.stream().allMatch(TableResult::equal);
        }

        public void print(PrintWriter out) {
            out.printf("  %-16s %12s %14s  %s%n", "TABLE", "LEADER ROWS", "FOLLOWER ROWS", "CHECKSUM");
            for (TableResult t : tables) {
                out.printf("  %-16s %12d %14d  %s%n", t.table(), t.leaderRows(), t.followerRows(), t.equal() ? "equal" : "DIFFERENT");
            }
            out.flush();
        }
    }

    public static Result compare(DatabaseServer leader, DatabaseServer follower, TableFilter filter) throws Exception {
        DatabaseKind leaderKind = DatabaseKind.valueOf(leader.kind().toUpperCase(java.util.Locale.ROOT));
        DatabaseKind kind = DatabaseKind.valueOf(follower.kind().toUpperCase(java.util.Locale.ROOT));
        List<TableResult> results = new ArrayList<>();
        try (Connection l = leader.connect(null); Connection f = follower.connect(null)) {
            for (TableDef t : LeaderCatalog.tables(l, leaderKind, filter)) {
                var a = TableChecksum.of(l, leaderKind, t.id(), t.primaryKey(), t.columnNames());
                var b = TableChecksum.of(f, kind, t.id(), t.primaryKey(), t.columnNames());
                results.add(new TableResult(t.id().table(), a.rows(), b.rows(), a.equals(b)));
            }
        }
        return new Result(results);
    }

    /** Compares until equal or the timeout passes; returns the last comparison. */
    public static Result awaitEqual(DatabaseServer leader, DatabaseServer follower, TableFilter filter, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Result result = compare(leader, follower, filter);
        while (!result.equal() && System.nanoTime() < deadline) {
            Thread.sleep(500);
            result = compare(leader, follower, filter);
        }
        return result;
    }
}
