package io.understudy.bench;

import io.understudy.servers.DatabaseServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The apply benchmark's two leader mixes ({@link OltpWorkload}, {@link BulkWorkload}) on a MariaDB or a PostgreSQL
 * leader, in a schema of one's choosing, so the same tables can exist twice on one leader: once with capture
 * triggers and once without. <em>oltp</em>: tables {@code sbtest1..4} pre-filled with the same rows, each
 * transaction on one random table makes two index updates ({@code k = k + 1}), one non-index update ({@code c}),
 * and a delete plus re-insert of one id (five row changes). <em>bulk</em>: each transaction is one 1000-row INSERT
 * into {@code items} with new ids. Row values come from {@link BenchRows}. Thread-safe.
 */
final class LeaderMixes {
    static final String OLTP = "oltp";
    static final String BULK = "bulk";
    static final int TABLES = 4;

    private final DatabaseServer leader;
    private final int rowsPerTable;
    private final int threads;
    private final int bulkThreads;

    LeaderMixes(DatabaseServer leader, int rowsPerTable, int threads, int bulkThreads) {
        this.leader = leader;
        this.rowsPerTable = rowsPerTable;
        this.threads = threads;
        this.bulkThreads = bulkThreads;
    }

    /** The tables a mix writes, unqualified. */
    static List<String> tables(String mix) {
        if (BULK.equals(mix)) {
            return List.of("items");
        }
        List<String> tables = new ArrayList<>();
        for (int t = 1; t <= TABLES; t++) {
            tables.add("sbtest" + t);
        }
        return tables;
    }

    /** Creates {@code schema} with both mixes' tables on {@code server} (the leader or a follower) and fills the OLTP ones. */
    static void create(DatabaseServer server, String schema, int rowsPerTable) {
        boolean pg = "postgresql".equals(server.kind());
        server.execute(null, (pg ? "CREATE SCHEMA " : "CREATE DATABASE ") + schema);
        for (String table : concat(tables(OLTP), tables(BULK))) {
            String name = schema + "." + table;
            server.execute(null, pg ? BenchRows.postgresTable(name) : new String[] {BenchRows.mariaTable(name)});
        }
        for (String table : tables(OLTP)) {
            fill(server, schema + "." + table, rowsPerTable);
        }
    }

    private static void fill(DatabaseServer server, String table, int rows) {
        try (Connection c = server.connect(null)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(BenchRows.multiRowInsert(table, BenchRows.ROWS_PER_INSERT))) {
                for (long id = 1; id <= rows; id += BenchRows.ROWS_PER_INSERT) {
                    for (int i = 0; i < BenchRows.ROWS_PER_INSERT; i++) {
                        BenchRows.bind(ps, i, id + i);
                    }
                    ps.executeUpdate();
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot fill " + table + " on " + server.kind() + " port " + server.port()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code mix} on the tables of {@code schema} for {@code window}. */
    TimedRunner.Result run(String mix, String schema, Duration window) throws InterruptedException {
        return BULK.equals(mix) ? bulk(schema, window) : oltp(schema, window);
    }

    private TimedRunner.Result oltp(String schema, Duration window) throws InterruptedException {
        return TimedRunner.run(leader, OLTP, threads, window, (c, thread) -> {
            PreparedStatement[] index = new PreparedStatement[TABLES + 1];
            PreparedStatement[] nonIndex = new PreparedStatement[TABLES + 1];
            PreparedStatement[] delete = new PreparedStatement[TABLES + 1];
            PreparedStatement[] insert = new PreparedStatement[TABLES + 1];
            for (int t = 1; t <= TABLES; t++) {
                String table = schema + ".sbtest" + t;
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
                nonIndex[t].setString(1, BenchRows.c(r.nextLong(1, Long.MAX_VALUE / 64)));
                nonIndex[t].setLong(2, id(r));
                changed += nonIndex[t].executeUpdate();
                long id = id(r);
                delete[t].setLong(1, id);
                changed += delete[t].executeUpdate();
                BenchRows.bind(insert[t], 0, id);
                changed += insert[t].executeUpdate();
                return changed;
            };
        });
    }

    private TimedRunner.Result bulk(String schema, Duration window) throws InterruptedException {
        String table = schema + ".items";
        AtomicLong nextId = new AtomicLong(maxId(table) + 1);
        return TimedRunner.run(leader, BULK, bulkThreads, window, (c, thread) -> {
            PreparedStatement ps = c.prepareStatement(BenchRows.multiRowInsert(table, BenchRows.ROWS_PER_INSERT));
            return () -> {
                long first = nextId.getAndAdd(BenchRows.ROWS_PER_INSERT);
                for (int i = 0; i < BenchRows.ROWS_PER_INSERT; i++) {
                    BenchRows.bind(ps, i, first + i);
                }
                return ps.executeUpdate();
            };
        });
    }

    private long maxId(String table) {
        try (Connection c = leader.connect(null); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the largest id of " + table + " on " + leader.kind() + " port "
                    + leader.port() + ": " + e.getMessage(), e);
        }
    }

    private long id(ThreadLocalRandom r) {
        return 1 + r.nextInt(rowsPerTable);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
