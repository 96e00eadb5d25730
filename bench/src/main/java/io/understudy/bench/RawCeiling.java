package io.understudy.bench;

import io.understudy.servers.DatabaseServer;
import java.sql.Connection;
import java.sql.PreparedStatement;

/**
 * The follower's raw ingest ceiling: the given number of rows of the benchmark shape written straight into a
 * scratch table {@code rawceil.items} with 1000-row INSERT statements, one commit per statement, over one
 * connection. Stateless.
 */
final class RawCeiling {
    private RawCeiling() {
    }

    /** Returns the seconds taken; the scratch table is dropped afterwards. */
    static double measure(DatabaseServer follower, long rows) throws Exception {
        boolean pg = "postgresql".equals(follower.kind());
        if (pg) {
            follower.execute(null, "DROP SCHEMA IF EXISTS rawceil CASCADE", "CREATE SCHEMA rawceil");
            follower.execute(null, BenchRows.postgresTable("rawceil.items"));
        } else {
            follower.execute(null, "DROP DATABASE IF EXISTS rawceil", "CREATE DATABASE rawceil",
                    BenchRows.mariaTable("rawceil.items"));
        }
        long start = System.nanoTime();
        try (Connection c = follower.connect(null)) {
            c.setAutoCommit(false);
            int batch = BenchRows.ROWS_PER_INSERT;
            try (PreparedStatement full = c.prepareStatement(BenchRows.multiRowInsert("rawceil.items", batch))) {
                for (long id = 1; id <= rows; id += batch) {
                    int n = (int) Math.min(batch, rows - id + 1);
                    PreparedStatement ps = n == batch ? full : c.prepareStatement(BenchRows.multiRowInsert("rawceil.items", n));
                    for (int i = 0; i < n; i++) {
                        BenchRows.bind(ps, i, id + i);
                    }
                    ps.executeUpdate();
                    c.commit();
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        follower.execute(null, pg ? "DROP SCHEMA rawceil CASCADE" : "DROP DATABASE rawceil");
        return seconds;
    }
}
