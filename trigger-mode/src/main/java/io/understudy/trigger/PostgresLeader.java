package io.understudy.trigger;

import io.understudy.catalog.PostgresLeaderCatalog;
import io.understudy.catalog.TableDef;
import io.understudy.config.DatabaseKind;
import io.understudy.config.TableFilter;
import io.understudy.model.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * PostgreSQL leaders, the way PgQ/Londiste and Slony do it: every change row carries its top-level transaction id
 * ({@code pg_current_xact_id()}), a tick stores a snapshot ({@code pg_current_snapshot()}), and batch n holds the
 * rows of transactions visible in tick n's snapshot but not in tick n-1's: those that committed between the two,
 * however long they ran. Found through the txid index as "txid in the previous snapshot's in-progress list, or at
 * or above its xmax", so a long transaction never makes a batch scan everything since it began.
 * Stateless and thread-safe.
 */
final class PostgresLeader implements LeaderDialect {
    /** pg_advisory_xact_lock key of the ticker (in the leader database); V2__token.sql names it too. */
    private static final long TICKER_LOCK = 0x756e64657273_74L;
    private static final long PURGE_LOCK = TICKER_LOCK + 1;
    /**
     * Prefix of every trigger Understudy creates. PostgreSQL fires a table's AFTER ROW triggers in name order, and
     * the capture trigger must come first: an application trigger that updates the same row records that update in
     * the change table, and it must follow the change that caused it. "0" sorts before letters and "_".
     */
    static final String TRIGGER_PREFIX = "0understudy_";
    private static final int PURGE_CHUNK = 5000;

    private final PostgresImages images = new PostgresImages();

    @Override
    public DatabaseKind kind() {
        return DatabaseKind.POSTGRESQL;
    }

    @Override
    public String flywayLocation() {
        return "classpath:db/understudy-leader/postgresql";
    }

    @Override
    public List<TableId> tableIds(Connection c, TableFilter filter) throws SQLException {
        return PostgresLeaderCatalog.tableIds(c, filter);
    }

    @Override
    public TableDef table(Connection c, TableId id) throws SQLException {
        return PostgresLeaderCatalog.table(c, id);
    }

    @Override
    public List<String> unsupported(TableDef table) {
        return PostgresImages.unsupported(table);
    }

    /**
     * A deferrable key is checked at commit, not when a row is written, so two transactions can hold the same key
     * value at once (and one statement can swap keys), and the change order no longer orders the key's versions.
     */
    @Override
    public List<String> refusals(Connection c, TableDef table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT conname FROM pg_constraint WHERE conrelid ="
                + " (quote_ident(?) || '.' || quote_ident(?))::regclass AND contype IN ('p', 'u') AND condeferrable")) {
            ps.setString(1, table.id().schema());
            ps.setString(2, table.id().table());
            List<String> problems = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    problems.add("table " + table.id() + " has the DEFERRABLE key " + rs.getString(1) + ": checked only at"
                            + " commit, it lets two transactions (or one statement) hold a key value at once, which trigger"
                            + " capture cannot order; make it NOT DEFERRABLE or exclude the table");
                }
            }
            return problems;
        }
    }

    @Override
    public List<String> serverRefusals(Connection c) {
        return List.of();
    }

    @Override
    public List<String> installSession() {
        return List.of("SET lock_timeout = '10s'");
    }

    @Override
    public ImageDecoder decoder() {
        return images;
    }

    /** Install creates the new triggers and drops the old ones in one transaction: PostgreSQL DDL is transactional. */
    @Override
    public Map<String, String> triggers(CaptureDefinition d) {
        String target = q(d.tableId().schema()) + "." + q(d.tableId().table());
        Map<String, String> triggers = new LinkedHashMap<>();
        String row = TRIGGER_PREFIX + "row_" + d.id();
        String truncate = TRIGGER_PREFIX + "truncate_" + d.id();
        // ENABLE ALWAYS: a session with session_replication_role = replica (another replication tool, pg_restore)
        // still writes the leader's data, and capture must see it
        triggers.put(row, "CREATE TRIGGER " + q(row) + " AFTER INSERT OR UPDATE OR DELETE ON " + target
                + " FOR EACH ROW EXECUTE FUNCTION understudy.capture('" + d.id() + "'); ALTER TABLE " + target
                + " ENABLE ALWAYS TRIGGER " + q(row));
        triggers.put(truncate, "CREATE TRIGGER " + q(truncate) + " AFTER TRUNCATE ON " + target
                + " FOR EACH STATEMENT EXECUTE FUNCTION understudy.capture('" + d.id() + "'); ALTER TABLE " + target
                + " ENABLE ALWAYS TRIGGER " + q(truncate));
        return triggers;
    }

    @Override
    public List<InstalledTrigger> installedTriggers(Connection c) throws SQLException {
        List<InstalledTrigger> found = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname, cl.relname, t.tgname, pg_get_triggerdef(t.oid)"
                + " FROM pg_trigger t JOIN pg_class cl ON cl.oid = t.tgrelid JOIN pg_namespace n ON n.oid = cl.relnamespace"
                + " WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND t.tgname LIKE '0understudy\\_%' ORDER BY 1, 2, 3");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                found.add(new InstalledTrigger(new TableId(rs.getString(1), rs.getString(2)), rs.getString(3), rs.getString(4)));
            }
        }
        return found;
    }

    @Override
    public String dropTrigger(InstalledTrigger t) {
        return "DROP TRIGGER IF EXISTS " + q(t.name()) + " ON " + q(t.table().schema()) + "." + q(t.table().table());
    }

    @Override
    public OptionalLong tick(Connection c, boolean force, Duration minInterval) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            OptionalLong tick = tickLocked(c, force, minInterval);
            c.commit();
            return tick;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private static OptionalLong tickLocked(Connection c, boolean force, Duration minInterval) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (force) {
                s.execute("SELECT pg_advisory_xact_lock(" + TICKER_LOCK + ")");
            } else {
                try (ResultSet rs = s.executeQuery("SELECT pg_try_advisory_xact_lock(" + TICKER_LOCK + ")")) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return OptionalLong.empty();
                    }
                }
            }
        }
        long last;
        String previous;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, snapshot::text,"
                + " extract(epoch FROM clock_timestamp() - created) FROM understudy.tick ORDER BY id DESC LIMIT 1")) {
            if (!rs.next()) {
                throw new SQLException("the leader's understudy.tick table is empty; run `understudy triggers install` again", "55000");
            }
            last = rs.getLong(1);
            previous = rs.getString(2);
            if (!force && rs.getDouble(3) * 1e9 < minInterval.toNanos()) {
                return OptionalLong.empty();
            }
        }
        // one statement: its snapshot is the tick's, and the rows it sees are exactly those committed in it
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO understudy.tick (id, snapshot, created)"
                + " SELECT ?, pg_current_snapshot(), clock_timestamp() WHERE ? OR EXISTS (SELECT 1 FROM understudy.change_log"
                + " WHERE txid >= pg_snapshot_xmax(?::pg_snapshot) OR txid = ANY(?::xid8[]))")) {
            ps.setLong(1, last + 1);
            ps.setBoolean(2, force);
            ps.setString(3, previous);
            ps.setString(4, inProgress(previous));
            return ps.executeUpdate() == 1 ? OptionalLong.of(last + 1) : OptionalLong.empty();
        }
    }

    @Override
    public long tickForSnapshot(Connection ticker, Connection copy) throws SQLException {
        boolean autoCommit = ticker.getAutoCommit();
        ticker.setAutoCommit(false);
        try (Statement t = ticker.createStatement(); Statement s = copy.createStatement()) {
            t.execute("SELECT pg_advisory_xact_lock(" + TICKER_LOCK + ")");
            copy.setAutoCommit(false);
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            String snapshot;
            try (ResultSet rs = s.executeQuery("SELECT pg_current_snapshot()::text")) {
                rs.next();
                snapshot = rs.getString(1);
            }
            try (PreparedStatement ps = ticker.prepareStatement("INSERT INTO understudy.tick (id, snapshot, created)"
                    + " SELECT MAX(id) + 1, ?::pg_snapshot, clock_timestamp() FROM understudy.tick RETURNING id")) {
                ps.setString(1, snapshot);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long tick = rs.getLong(1);
                    ticker.commit();
                    return tick;
                }
            }
        } catch (SQLException | RuntimeException e) {
            ticker.rollback();
            throw e;
        } finally {
            ticker.setAutoCommit(autoCommit);
        }
    }

    /** The in-progress transaction ids of a snapshot text {@code xmin:xmax:xip,...} as an xid8[] literal. */
    static String inProgress(String snapshot) {
        String[] parts = snapshot.split(":", -1);
        return "{" + (parts.length > 2 ? parts[2] : "") + "}";
    }

    @Override
    public void readBatch(Connection c, long tick, RowSink sink) throws SQLException, InterruptedException {
        String previous = snapshot(c, tick - 1);
        String current = snapshot(c, tick);
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false); // a cursor, so a large batch streams
        try (PreparedStatement ps = c.prepareStatement("SELECT id, capture_id, op, before_image::text, after_image::text"
                + " FROM understudy.change_log WHERE (txid >= pg_snapshot_xmax(?::pg_snapshot) OR txid = ANY(?::xid8[]))"
                + " AND pg_visible_in_snapshot(txid, ?::pg_snapshot) ORDER BY id")) {
            ps.setFetchSize(1000);
            ps.setString(1, previous);
            ps.setString(2, inProgress(previous));
            ps.setString(3, current);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(new ChangeRow(rs.getLong(1), rs.getInt(2), rs.getString(3).charAt(0), rs.getString(4),
                            rs.getString(5)));
                }
            }
            c.commit();
        } finally {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
            c.setAutoCommit(autoCommit);
        }
    }

    private static String snapshot(Connection c, long tick) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT snapshot::text FROM understudy.tick WHERE id = ?")) {
            ps.setLong(1, tick);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("tick " + tick + " is no longer on the leader (purged)", "55000");
                }
                return rs.getString(1);
            }
        }
    }

    /** Rows of transactions visible in tick {@code upTo}'s snapshot were delivered to every consumer. */
    @Override
    public long purge(Connection c, long upTo, Duration budget) throws SQLException {
        long deadline = System.nanoTime() + budget.toNanos();
        String snapshot = snapshot(c, upTo);
        long deleted = 0;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM understudy.change_log WHERE id IN (SELECT id FROM"
                + " understudy.change_log WHERE txid < pg_snapshot_xmax(?::pg_snapshot) AND pg_visible_in_snapshot(txid, ?::pg_snapshot)"
                + " LIMIT " + PURGE_CHUNK + ")")) {
            ps.setString(1, snapshot);
            ps.setString(2, snapshot);
            int n;
            do {
                n = ps.executeUpdate();
                deleted += n;
            } while (n == PURGE_CHUNK && System.nanoTime() < deadline);
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM understudy.tick WHERE id < ?")) {
            ps.setLong(1, upTo);
            ps.executeUpdate();
        }
        return deleted;
    }

    @Override
    public boolean purgeLock(Connection c, Duration wait) throws SQLException {
        long deadline = System.nanoTime() + wait.toNanos();
        try (Statement s = c.createStatement()) {
            while (true) {
                try (ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + PURGE_LOCK + ")")) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        return true;
                    }
                }
                if (System.nanoTime() > deadline) {
                    return false;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    @Override
    public void purgeUnlock(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_advisory_unlock(" + PURGE_LOCK + ")")) {
            rs.next();
        }
    }

    @Override
    public List<String> dropObjects() {
        List<String> statements = new ArrayList<>();
        for (String table : List.of("change_log", "tick", "consumer", "capture_table", "installation")) {
            statements.add("DROP TABLE IF EXISTS understudy." + q(table));
        }
        statements.add("DROP FUNCTION IF EXISTS understudy.capture()");
        statements.add("DROP FUNCTION IF EXISTS understudy.token()");
        return statements;
    }

    static String q(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
