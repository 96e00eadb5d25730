package io.understudy.bench;

import io.understudy.servers.DatabaseServer;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * sysbench-oltp_write_only-like mix on {@code oltp.sbtest1..4}: each transaction picks a table and makes two
 * index updates ({@code k = k + 1}), one non-index update ({@code c}), and a delete plus re-insert of one
 * id — five row changes. Thread-safe: every client has its own connection and statements.
 */
final class OltpWorkload {
    static final String SCHEMA = "oltp";
    static final int TABLES = 4;
    static final int ROWS_PER_TX = 5;

    private final DatabaseServer leader;
    private final int rowsPerTable;
    private final int threads;

    OltpWorkload(DatabaseServer leader, int rowsPerTable, int threads) {
        this.leader = leader;
        this.rowsPerTable = rowsPerTable;
        this.threads = threads;
    }

    /** Creates and fills the tables in one transaction per table. */
    void create() {
        leader.execute(null, "CREATE DATABASE " + SCHEMA);
        for (int t = 1; t <= TABLES; t++) {
            String table = SCHEMA + ".sbtest" + t;
            leader.execute(null, BenchRows.mariaTable(table));
            try (var c = leader.connect(null)) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement(BenchRows.multiRowInsert(table, BenchRows.ROWS_PER_INSERT))) {
                    for (long id = 1; id <= rowsPerTable; id += BenchRows.ROWS_PER_INSERT) {
                        for (int i = 0; i < BenchRows.ROWS_PER_INSERT; i++) {
                            BenchRows.bind(ps, i, 1 + (id - 1 + i) % rowsPerTable);
                        }
                        ps.executeUpdate();
                    }
                }
                c.commit();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("cannot fill " + table + " on leader port " + leader.port() + ": " + e.getMessage(), e);
            }
        }
    }

    /** Runs the mix for {@code duration}; {@code rate} transactions/s in total, or as fast as possible when 0. */
    Counts run(Duration duration, double rate) throws InterruptedException {
        return run(duration, rate, 0);
    }

    /** As above, but at most {@code limit} transactions (0: no limit). */
    Counts run(Duration duration, double rate, long limit) throws InterruptedException {
        return WorkloadRunner.run(leader, "oltp", threads, duration, rate, limit, (c, thread) -> {
            PreparedStatement[] index = new PreparedStatement[TABLES + 1];
            PreparedStatement[] nonIndex = new PreparedStatement[TABLES + 1];
            PreparedStatement[] delete = new PreparedStatement[TABLES + 1];
            PreparedStatement[] insert = new PreparedStatement[TABLES + 1];
            for (int t = 1; t <= TABLES; t++) {
                String table = SCHEMA + ".sbtest" + t;
                index[t] = c.prepareStatement("UPDATE " + table + " SET k = k + 1 WHERE id = ?");
                nonIndex[t] = c.prepareStatement("UPDATE " + table + " SET c = ? WHERE id = ?");
                delete[t] = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?");
                insert[t] = c.prepareStatement(BenchRows.multiRowInsert(table, 1));
            }
            return () -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                int t = 1 + r.nextInt(TABLES);
                int changed = 0;
                for (int i = 0; i < 2; i++) {
                    index[t].setLong(1, id(r));
                    changed += index[t].executeUpdate();
                }
                long id = id(r);
                nonIndex[t].setString(1, BenchRows.c(r.nextLong(1, Long.MAX_VALUE / 64)));
                nonIndex[t].setLong(2, id);
                changed += nonIndex[t].executeUpdate();
                id = id(r);
                delete[t].setLong(1, id);
                changed += delete[t].executeUpdate();
                BenchRows.bind(insert[t], 0, id);
                changed += insert[t].executeUpdate();
                return changed;
            };
        });
    }

    private long id(ThreadLocalRandom r) {
        return 1 + r.nextInt(rowsPerTable);
    }
}
