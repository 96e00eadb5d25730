package io.understudy.bench;

import io.understudy.servers.DatabaseServer;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bulk-insert mix: each transaction is one 1000-row INSERT into {@code bulk.items} (new ids, so rows only
 * accumulate). Thread-safe: ids come from one counter, every client has its own connection.
 */
final class BulkWorkload {
    static final String SCHEMA = "bulk";
    static final String TABLE = SCHEMA + ".items";

    private final DatabaseServer leader;
    private final int threads;
    private final AtomicLong nextId = new AtomicLong(1);

    BulkWorkload(DatabaseServer leader, int threads) {
        this.leader = leader;
        this.threads = threads;
    }

    void create() {
        leader.execute(null, "CREATE DATABASE " + SCHEMA, BenchRows.mariaTable(TABLE));
    }

    /** Writes for {@code duration}, at most {@code limit} transactions (0: no limit). */
    Counts run(Duration duration, long limit) throws InterruptedException {
        return WorkloadRunner.run(leader, "bulk", threads, duration, 0, limit, (c, thread) -> {
            PreparedStatement ps = c.prepareStatement(BenchRows.multiRowInsert(TABLE, BenchRows.ROWS_PER_INSERT));
            return () -> {
                long first = nextId.getAndAdd(BenchRows.ROWS_PER_INSERT);
                for (int i = 0; i < BenchRows.ROWS_PER_INSERT; i++) {
                    BenchRows.bind(ps, i, first + i);
                }
                return ps.executeUpdate();
            };
        });
    }
}
