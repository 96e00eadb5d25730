package io.understudy.applier;

import com.zaxxer.hikari.HikariDataSource;
import io.understudy.config.FollowerConfig;
import io.understudy.model.Op;
import io.understudy.model.Position;
import io.understudy.model.Row;
import io.understudy.model.RowChange;
import io.understudy.model.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a snapshot's copied rows to ONE follower: each chunk (PostgreSQL: COPY; MariaDB: LOAD DATA LOCAL, or
 * batched INSERTs where the follower refuses it; MySQL: multi-row INSERTs; all with the applier's value conversion)
 * in one follower transaction together with the table's row in
 * {@code understudy.snapshot_progress}, so a follower's progress row always describes exactly the rows it holds.
 *
 * <p>Thread safety: {@link #writeChunk} and {@link #restartTable} may run concurrently for DIFFERENT tables
 * (each call takes its own pooled connection); calls for one table must come from one thread at a time.
 * Everything else is thread-safe.
 */
public final class SnapshotWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotWriter.class);
    private static final String COLUMNS = "table_name, snapshot_position, snapshot_description, last_key,"
            + " earlier_segments, rows_copied, state, updated_at";

    private final FollowerRef where;
    private final HikariDataSource pool;
    private final Dialect dialect;
    private final Clock clock;
    private final boolean replicaRole;
    private final PositionStore positions;
    private final Map<TableId, StatementWriter> writers = new ConcurrentHashMap<>();
    private final Map<TableId, StatementWriter> inserters = new ConcurrentHashMap<>();
    private final Map<TableId, PostgresCopy> copies = new ConcurrentHashMap<>();
    private final Map<TableId, MariaDbLoad> loads = new ConcurrentHashMap<>();
    /** Whether MariaDB chunks go through LOAD DATA LOCAL; cleared when the follower refuses it. */
    private volatile boolean load = true;

    private SnapshotWriter(FollowerRef where, HikariDataSource pool, Dialect dialect, Clock clock, boolean replicaRole) {
        this.where = where;
        this.pool = pool;
        this.dialect = dialect;
        this.clock = clock;
        this.replicaRole = replicaRole;
        this.positions = new PositionStore(where, dialect);
    }

    /**
     * Opens a pool of {@code connections} to the follower and creates or upgrades Understudy's tables
     * (position and snapshot progress).
     *
     * @throws io.understudy.model.RetriableException when the follower is unreachable
     * @throws io.understudy.model.ReplicationException for what an operator must fix, saying what to do
     */
    public static SnapshotWriter open(FollowerConfig follower, int connections, Clock clock) {
        FollowerRef where = FollowerRef.of(follower);
        Dialect dialect = Dialect.of(follower.endpoint().kind());
        HikariDataSource pool = FollowerPool.open(where, follower.endpoint(), dialect, Math.max(2, connections));
        try {
            new PositionStore(where, dialect).migrate(pool, follower.endpoint().user());
            boolean replicaRole = dialect instanceof PostgresDialect && SessionProbe.replicaRoleAllowed(where, pool);
            SnapshotWriter writer = new SnapshotWriter(where, pool, dialect, clock, replicaRole);
            if (dialect instanceof MariaDbDialect && !localInfile(pool)) {
                // asked once here: a refused LOAD DATA also makes the driver log an error per copying table
                writer.refuseLoad("local_infile is OFF");
            }
            return writer;
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** The follower's stored streaming position ({@link Position#encode()}), empty if none. */
    public Optional<String> storedPosition() {
        return inTransaction("read the stored position", c -> positions.read(c).map(PositionStore.Stored::encoded));
    }

    /** Records where streaming starts; fails if the follower already has a position. */
    public void initializePosition(Position start) {
        inTransaction("record start position " + start.describe(), c -> {
            positions.initialize(c, start, clock.instant());
            return null;
        });
    }

    /** All rows of {@code understudy.snapshot_progress}. */
    public List<SnapshotProgress> progress() {
        return inTransaction("read understudy.snapshot_progress", c -> {
            List<SnapshotProgress> result = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM understudy.snapshot_progress");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(new SnapshotProgress(TableId.parse(rs.getString(1)), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getLong(6), "done".equals(rs.getString(7))));
                }
            }
            return result;
        });
    }

    /** Deletes every row of {@code table} on the follower and records {@code progress}, in one transaction. */
    public void restartTable(SnapshotProgress progress) {
        inTransaction("restart the copy of " + progress.table(), c -> {
            FollowerTable table = new TableCatalog(where, dialect).table(c, progress.table());
            StatementWriter.run(c, "DELETE FROM " + table.sqlName());
            saveProgress(c, progress);
            return null;
        });
    }

    /**
     * Drops {@code table} on the follower (if it is there) and forgets its snapshot progress, in one call, so that
     * it can be created and copied afresh. PostgreSQL drops it in one transaction with the progress row;
     * MariaDB/MySQL auto-commit the DROP, and a re-run finds no table and no progress row (safe to repeat).
     */
    public void dropTable(TableId table) {
        inTransaction("drop " + table + " for a fresh copy", c -> {
            String name = dialect.qualified(table.schema(), table.table());
            StatementWriter.run(c, "DROP TABLE IF EXISTS " + name);
            try (PreparedStatement del = c.prepareStatement("DELETE FROM understudy.snapshot_progress WHERE table_name = ?")) {
                del.setString(1, table.toString());
                del.executeUpdate();
            }
            return null;
        });
    }

    /** Records {@code progress} alone (for example a table that was found empty). */
    public void saveProgress(SnapshotProgress progress) {
        inTransaction("record snapshot progress of " + progress.table(), c -> {
            saveProgress(c, progress);
            return null;
        });
    }

    /**
     * Upserts {@code rows} (full leader row images identified by {@code keyColumns}) into the follower table
     * and records {@code progress}, in one follower transaction.
     */
    public void writeChunk(TableId table, List<String> keyColumns, List<Row> rows, SnapshotProgress progress) {
        write(table, keyColumns, rows, progress, writers.computeIfAbsent(table,
                t -> new StatementWriter(where, dialect, new TableCatalog(where, dialect))));
    }

    private void write(TableId table, List<String> keyColumns, List<Row> rows, SnapshotProgress progress,
                       StatementWriter writer) {
        write(table, keyColumns, rows, progress, writer, false);
    }

    /** @param distinct whether the rows are known to have distinct keys (a chunk read in key order) */
    private void write(TableId table, List<String> keyColumns, List<Row> rows, SnapshotProgress progress,
                       StatementWriter writer, boolean distinct) {
        List<RowChange> changes = new ArrayList<>(rows.size());
        for (Row row : rows) {
            changes.add(new RowChange(table, Op.INSERT, null, row, keyColumns));
        }
        String what = "snapshot chunk of " + table + " up to key " + progress.lastKey();
        inTransaction("write " + what, c -> {
            writer.write(c, distinct ? ChangePlan.distinctInserts(changes) : ChangePlan.of(changes), what);
            saveProgress(c, progress);
            return null;
        });
    }

    /**
     * Inserts {@code rows} that the follower table does NOT hold and records {@code progress}, in one follower
     * transaction. The caller guarantees absence: the table was emptied by {@link #restartTable} and is copied
     * in increasing key order, or a resumed copy continues strictly after the last committed key. PostgreSQL
     * followers take the rows with COPY, MariaDB followers with LOAD DATA LOCAL ({@link MariaDbLoad}), MySQL
     * followers (and MariaDB ones that refuse LOAD DATA LOCAL) with plain INSERTs: either way a row that exists
     * after all fails the chunk instead of being overwritten or skipped. For values only the driver can bind,
     * this writes like {@link #writeChunk} (PostgreSQL) or with the plain INSERTs (MariaDB).
     */
    public void insertChunk(TableId table, List<String> keyColumns, List<Row> rows, SnapshotProgress progress) {
        if (dialect instanceof MariaDbDialect && load && loadChunk(table, keyColumns, rows, progress)) {
            return;
        }
        if (!(dialect instanceof PostgresDialect)) {
            write(table, keyColumns, rows, progress, inserters.computeIfAbsent(table,
                    t -> new StatementWriter(where, dialect, new TableCatalog(where, dialect), true)), true);
            return;
        }
        PostgresCopy copy = copies.computeIfAbsent(table, t -> new PostgresCopy(where, dialect));
        String what = "snapshot chunk of " + table + " up to key " + progress.lastKey();
        boolean copied = inTransaction("write " + what, c -> {
            if (!copy.copy(c, table, keyColumns, rows, what)) {
                return false;
            }
            saveProgress(c, progress);
            return true;
        });
        if (!copied) {
            writeChunk(table, keyColumns, rows, progress);
        }
    }

    /**
     * MariaDB: the chunk with LOAD DATA LOCAL ({@link MariaDbLoad}) and its progress row in one transaction.
     *
     * @return false when nothing was written: a value needs the driver's binding, or the follower refuses LOAD DATA
     *         LOCAL (then no later chunk tries it either)
     */
    private boolean loadChunk(TableId table, List<String> keyColumns, List<Row> rows, SnapshotProgress progress) {
        MariaDbLoad loader = loads.computeIfAbsent(table, t -> new MariaDbLoad(where, new TableCatalog(where, dialect)));
        String what = "snapshot chunk of " + table + " up to key " + progress.lastKey();
        return inTransaction("write " + what, c -> {
            try {
                if (!loader.load(c, table, keyColumns, rows, what)) {
                    return false;
                }
            } catch (MariaDbLoad.Refused e) {
                refuseLoad(e.getMessage());
                c.rollback();
                return false;
            }
            saveProgress(c, progress);
            return true;
        });
    }

    /** The follower server's {@code local_infile}; true when it cannot be read (a refusal is still caught). */
    private static boolean localInfile(HikariDataSource pool) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@GLOBAL.local_infile")) {
            return !rs.next() || rs.getInt(1) != 0;
        } catch (SQLException e) {
            return true;
        }
    }

    private void refuseLoad(String reason) {
        if (load) {
            load = false;
            LOG.warn("{}: the follower refuses LOAD DATA LOCAL ({}); the snapshot writes batched INSERTs instead,"
                    + " which is slower. To copy faster, SET GLOBAL local_infile = ON on the follower (and do not set"
                    + " allowLocalInfile=false in its URL)", where, reason);
        }
    }

    /** Deletes all snapshot progress rows (once streaming has passed every snapshot position). */
    public void clearProgress() {
        inTransaction("clear understudy.snapshot_progress", c -> {
            StatementWriter.run(c, "DELETE FROM understudy.snapshot_progress");
            return null;
        });
    }

    private void saveProgress(Connection c, SnapshotProgress p) throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM understudy.snapshot_progress WHERE table_name = ?")) {
            del.setString(1, p.table().toString());
            del.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO understudy.snapshot_progress (" + COLUMNS
                + ") VALUES (?,?,?,?,?,?,?,?)")) {
            ps.setString(1, p.table().toString());
            ps.setString(2, p.position());
            ps.setString(3, p.description());
            ps.setString(4, p.lastKey());
            ps.setString(5, p.earlierSegments());
            ps.setLong(6, p.rowsCopied());
            ps.setString(7, p.done() ? "done" : "copying");
            dialect.setInstant(ps, 8, clock.instant());
            ps.executeUpdate();
        }
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T inTransaction(String what, Work<T> work) {
        try (Connection c = pool.getConnection()) {
            try {
                if (dialect instanceof MySqlFamilyDialect) {
                    // parallel tables write their progress rows into one table: without gap locks they never deadlock
                    StatementWriter.run(c, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
                }
                String setup = dialect.transactionSetup(replicaRole);
                if (setup != null) {
                    StatementWriter.run(c, setup);
                }
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw Failures.wrap(where, "cannot " + what, e, "Nothing of it was committed; run the snapshot again"
                    + " once the follower is fixed, it resumes after the last committed chunk.");
        }
    }

    /** Closes the pool; an open chunk transaction is rolled back. */
    @Override
    public void close() {
        pool.close();
    }
}
