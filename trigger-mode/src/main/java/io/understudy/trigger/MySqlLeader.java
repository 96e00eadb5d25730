package io.understudy.trigger;

import io.understudy.catalog.LeaderCatalog;
import io.understudy.catalog.TableDef;
import io.understudy.config.DatabaseKind;
import io.understudy.config.TableFilter;
import io.understudy.model.TableId;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.zip.CRC32;

/**
 * MariaDB/MySQL leaders. Change rows carry the writing session's {@code CONNECTION_ID()}: a session runs one
 * transaction at a time, so per session ("lane") the committed change rows are always a prefix in id order. A tick
 * reads, in one consistent snapshot, the highest committed id of every lane; batch n is per lane the rows between
 * the previous tick's and this tick's id. That is exactly the set of transactions that committed between the two
 * snapshots, with no gap whatever runs long or rolls back (docs/trigger-mode.md). Stateless and thread-safe.
 */
final class MySqlLeader implements LeaderDialect {
    private static final String TICKER_LOCK = "understudy.ticker";
    /** Prefix of every trigger Understudy creates; nothing else on the leader may use it. */
    private static final String TRIGGER_PREFIX = "understudy_";
    private static final int PURGE_CHUNK = 5000;

    private final DatabaseKind kind;
    private final MySqlImages images = new MySqlImages();

    MySqlLeader(DatabaseKind kind) {
        this.kind = kind;
    }

    @Override
    public DatabaseKind kind() {
        return kind;
    }

    @Override
    public String flywayLocation() {
        return "classpath:db/understudy-leader/mysql";
    }

    @Override
    public List<TableId> tableIds(Connection c, TableFilter filter) {
        return LeaderCatalog.tableIds(c, filter).stream().filter(t -> !t.schema().equals(SCHEMA)).toList();
    }

    @Override
    public TableDef table(Connection c, TableId id) {
        return LeaderCatalog.table(c, id);
    }

    @Override
    public List<String> unsupported(TableDef table) {
        return MySqlImages.unsupported(table);
    }

    /** Only InnoDB rolls a table's rows back with the change rows and shows them in consistent snapshots. */
    @Override
    public List<String> refusals(Connection c, TableDef table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
                + " AND TABLE_NAME = ?")) {
            ps.setString(1, table.id().schema());
            ps.setString(2, table.id().table());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && !"InnoDB".equalsIgnoreCase(rs.getString(1))) {
                    return List.of("table " + table.id() + " uses the " + rs.getString(1) + " engine, which has no"
                            + " transactions: a write that rolls back stays in the table while its captured change"
                            + " disappears; convert it (ALTER TABLE ... ENGINE=InnoDB) or exclude it");
                }
            }
        }
        return List.of();
    }

    /**
     * Multi-primary clusters (Galera) hand out connection ids per node, so lanes of different nodes mix; a statement
     * binlog makes READ COMMITTED sessions (the purge) fail; prepared XA transactions must be visible to the ticker.
     */
    @Override
    public List<String> serverRefusals(Connection c) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@log_bin, @@binlog_format")) {
            rs.next();
            if (rs.getBoolean(1) && "STATEMENT".equalsIgnoreCase(rs.getString(2))) {
                problems.add("the leader writes a binlog with binlog_format=STATEMENT, under which InnoDB refuses the"
                        + " READ COMMITTED writes trigger capture makes; set binlog_format=ROW or MIXED");
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SHOW VARIABLES LIKE 'wsrep_on'"); ResultSet rs = ps.executeQuery()) {
            if (rs.next() && (rs.getString(2).equals("1") || rs.getString(2).equalsIgnoreCase("ON"))) {
                problems.add("the leader is a Galera cluster node (wsrep_on=ON): sessions on other nodes have the same"
                        + " connection ids and commit independently, which trigger capture cannot order; capture from an"
                        + " asynchronous replica of the cluster, or use binlog mode");
            }
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("XA RECOVER")) {
            rs.next(); // only the right to look matters here
        } catch (SQLException e) {
            problems.add("the user may not run XA RECOVER (" + e.getMessage() + "): trigger capture must see prepared"
                    + " XA transactions to keep their changes; MySQL: GRANT XA_RECOVER_ADMIN ON *.* TO the user");
        }
        return problems;
    }

    @Override
    public List<String> installSession() {
        return List.of("SET SESSION lock_wait_timeout = 10");
    }

    @Override
    public ImageDecoder decoder() {
        return images;
    }

    /**
     * MySQL has no CREATE OR REPLACE TRIGGER, so install creates a table's new triggers before it drops the old ones.
     * While both exist a change is captured twice; both images carry the full row and the applier writes them as
     * upserts and deletes by key, so the second copy changes nothing.
     */
    @Override
    public Map<String, String> triggers(CaptureDefinition d) {
        TableId t = d.tableId();
        String into = "INSERT INTO " + q(SCHEMA) + ".`change_log` (conn, capture_id, op, before_image, after_image)"
                + " VALUES (CONNECTION_ID(), " + d.id() + ", ";
        String target = q(t.schema()) + "." + q(t.table());
        Map<String, String> triggers = new LinkedHashMap<>();
        triggers.put(name('i', d), "CREATE TRIGGER " + q(t.schema()) + "." + q(name('i', d)) + " AFTER INSERT ON " + target
                + " FOR EACH ROW " + into + "'I', NULL, " + MySqlImages.imageSql(d.table(), "NEW") + ")");
        triggers.put(name('u', d), "CREATE TRIGGER " + q(t.schema()) + "." + q(name('u', d)) + " AFTER UPDATE ON " + target
                + " FOR EACH ROW " + into + "'U', " + MySqlImages.imageSql(d.table(), "OLD") + ", "
                + MySqlImages.imageSql(d.table(), "NEW") + ")");
        triggers.put(name('d', d), "CREATE TRIGGER " + q(t.schema()) + "." + q(name('d', d)) + " AFTER DELETE ON " + target
                + " FOR EACH ROW " + into + "'D', " + MySqlImages.imageSql(d.table(), "OLD") + ", NULL)");
        return triggers;
    }

    /** {@code understudy_<op>_<capture id>_<table, at most 40 chars>_<crc32 of the table name>}: at most 64 chars. */
    static String name(char op, CaptureDefinition d) {
        String table = d.tableId().table();
        CRC32 crc = new CRC32();
        crc.update(table.getBytes(StandardCharsets.UTF_8));
        String shortName = table.length() > 30 ? table.substring(0, 30) : table;
        return TRIGGER_PREFIX + op + "_" + d.id() + "_" + shortName + "_" + String.format("%08x", crc.getValue());
    }

    @Override
    public List<InstalledTrigger> installedTriggers(Connection c) throws SQLException {
        List<InstalledTrigger> found = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TRIGGER_SCHEMA, EVENT_OBJECT_TABLE, TRIGGER_NAME, ACTION_STATEMENT"
                + " FROM information_schema.TRIGGERS WHERE TRIGGER_NAME LIKE 'understudy\\_%' ORDER BY 1, 2, 3");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                found.add(new InstalledTrigger(new TableId(rs.getString(1), rs.getString(2)), rs.getString(3), rs.getString(4)));
            }
        }
        return found;
    }

    @Override
    public String dropTrigger(InstalledTrigger t) {
        return "DROP TRIGGER IF EXISTS " + q(t.table().schema()) + "." + q(t.name());
    }

    /**
     * Takes the lane maxima in a consistent snapshot, ends it, and writes the tick in a transaction of its own (at
     * READ COMMITTED, so a lane row the purge deleted meanwhile is simply inserted again), all under the ticker lock.
     * While a prepared XA transaction exists no tick is taken: its session may have gone on (MySQL's
     * xa_detach_on_prepare) or its connection id be reused (after a restart), and a tick past its lane would skip its
     * rows when it commits. It is checked before and after the snapshot.
     */
    @Override
    public OptionalLong tick(Connection c, boolean force, Duration minInterval) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (!lock(s, force)) {
                return OptionalLong.empty();
            }
            try {
                if (!force && youngerThan(s, minInterval)) {
                    return OptionalLong.empty();
                }
                if (xaPrepared(s, force)) {
                    return OptionalLong.empty();
                }
                Map<Long, Long> maxima = snapshotMaxima(s);
                if (xaPrepared(s, force)) {
                    return OptionalLong.empty();
                }
                return write(s, maxima, force);
            } finally {
                unlock(s);
            }
        }
    }

    private static boolean youngerThan(Statement s, Duration minInterval) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT TIMESTAMPDIFF(MICROSECOND, MAX(created), NOW(6)) FROM " + q(SCHEMA) + ".tick")) {
            rs.next();
            return rs.getLong(1) < minInterval.toNanos() / 1000;
        }
    }

    /** Whether a prepared XA transaction exists; a forced tick cannot wait, so it fails (retried by the caller). */
    private static boolean xaPrepared(Statement s, boolean force) throws SQLException {
        boolean prepared;
        try (ResultSet rs = s.executeQuery("XA RECOVER")) {
            prepared = rs.next();
        }
        if (prepared && force) {
            throw new SQLException("a prepared XA transaction is pending on the leader (XA RECOVER); ticks wait until it"
                    + " is committed or rolled back", "HY000");
        }
        return prepared;
    }

    private static Map<Long, Long> snapshotMaxima(Statement s) throws SQLException {
        s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
        try {
            return maxima(s);
        } finally {
            s.execute("COMMIT");
        }
    }

    private static OptionalLong write(Statement s, Map<Long, Long> maxima, boolean force) throws SQLException {
        s.execute("START TRANSACTION");
        try {
            OptionalLong tick = record(s, maxima, force);
            s.execute(tick.isPresent() ? "COMMIT" : "ROLLBACK");
            return tick;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(s);
            throw e;
        }
    }

    private static void unlock(Statement s) {
        try (ResultSet rs = s.executeQuery("SELECT RELEASE_LOCK('" + TICKER_LOCK + "')")) {
            rs.next();
        } catch (SQLException ignored) {
            // a broken connection: the server released the lock with it, and the original failure is what counts
        }
    }

    private static boolean lock(Statement s, boolean force) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT GET_LOCK('" + TICKER_LOCK + "', " + (force ? 30 : 0) + ")")) {
            rs.next();
            if (rs.getInt(1) == 1) {
                return true;
            }
        }
        if (force) {
            throw new SQLException("another Understudy process held the leader's tick lock for 30 s", "HY000");
        }
        return false;
    }

    /** The highest committed change id of every lane, as {@code s}'s transaction sees them. */
    private static Map<Long, Long> maxima(Statement s) throws SQLException {
        Map<Long, Long> maxima = new HashMap<>();
        try (ResultSet rs = s.executeQuery("SELECT conn, MAX(id) FROM " + q(SCHEMA) + ".change_log GROUP BY conn")) {
            while (rs.next()) {
                maxima.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return maxima;
    }

    /**
     * Writes a new tick for {@code maxima} (under the ticker lock): per lane that grew since the lane memory, the
     * range (last, max]. Nothing when no lane grew, unless {@code force}.
     */
    private static OptionalLong record(Statement s, Map<Long, Long> maxima, boolean force) throws SQLException {
        long last;
        try (ResultSet rs = s.executeQuery("SELECT MAX(id) FROM " + q(SCHEMA) + ".tick")) {
            rs.next();
            last = rs.getLong(1);
            if (rs.wasNull()) {
                throw new SQLException("the leader's understudy.tick table is empty; run `understudy triggers install` again", "HY000");
            }
        }
        Map<Long, Long> known = new HashMap<>();
        try (ResultSet rs = s.executeQuery("SELECT conn, last_id FROM " + q(SCHEMA) + ".lane")) {
            while (rs.next()) {
                known.put(rs.getLong(1), rs.getLong(2));
            }
        }
        List<long[]> grown = new ArrayList<>();
        maxima.forEach((conn, max) -> {
            long from = known.getOrDefault(conn, 0L);
            if (max > from) {
                grown.add(new long[] {conn, from, max});
            }
        });
        if (grown.isEmpty() && !force) {
            return OptionalLong.empty();
        }
        long tick = last + 1;
        s.executeUpdate("INSERT INTO " + q(SCHEMA) + ".tick (id, created) VALUES (" + tick + ", NOW(6))");
        for (int i = 0; i < grown.size(); i += 500) {
            List<long[]> part = grown.subList(i, Math.min(grown.size(), i + 500));
            StringBuilder lanes = new StringBuilder("INSERT INTO " + q(SCHEMA) + ".tick_lane (tick, conn, from_id, to_id) VALUES ");
            StringBuilder memory = new StringBuilder("INSERT INTO " + q(SCHEMA) + ".lane (conn, last_id, tick) VALUES ");
            for (int j = 0; j < part.size(); j++) {
                long[] g = part.get(j);
                lanes.append(j > 0 ? ", " : "").append('(').append(tick).append(", ").append(g[0]).append(", ")
                        .append(g[1]).append(", ").append(g[2]).append(')');
                memory.append(j > 0 ? ", " : "").append('(').append(g[0]).append(", ").append(g[2]).append(", ")
                        .append(tick).append(')');
            }
            s.executeUpdate(lanes.toString());
            s.executeUpdate(memory.append(" ON DUPLICATE KEY UPDATE last_id = VALUES(last_id), tick = VALUES(tick)").toString());
        }
        return OptionalLong.of(tick);
    }

    @Override
    public long tickForSnapshot(Connection ticker, Connection copy) throws SQLException {
        try (Statement t = ticker.createStatement(); Statement s = copy.createStatement()) {
            lock(t, true);
            try {
                xaPrepared(t, true);
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                Map<Long, Long> maxima = maxima(s);
                xaPrepared(t, true);
                t.execute("START TRANSACTION");
                try {
                    long tick = record(t, maxima, true).orElseThrow();
                    t.execute("COMMIT");
                    return tick;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(t);
                    throw e;
                }
            } finally {
                unlock(t);
            }
        }
    }

    @Override
    public void readBatch(Connection c, long tick, RowSink sink) throws SQLException, InterruptedException {
        String sql = "SELECT c.id, c.capture_id, c.op, c.before_image, c.after_image FROM " + q(SCHEMA) + ".tick_lane t"
                + " STRAIGHT_JOIN " + q(SCHEMA) + ".change_log c FORCE INDEX (lane)"
                + " ON c.conn = t.conn AND c.id > t.from_id AND c.id <= t.to_id WHERE t.tick = ? ORDER BY c.id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setFetchSize(1000);
            ps.setLong(1, tick);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(new ChangeRow(rs.getLong(1), rs.getInt(2), rs.getString(3).charAt(0), rs.getString(4),
                            rs.getString(5)));
                }
            }
        }
    }

    /**
     * Deletes, per lane, every change row up to the lane's last id recorded by a tick up to {@code upTo} (the lane
     * prefix property: all of them were delivered by then), 1000 rows per autocommitted statement at READ COMMITTED
     * (no gap locks, so writers appending to the same lane are never blocked); then the lane ranges and ticks that
     * only those batches needed, and the lane memory of lanes that saw no tick since.
     */
    @Override
    public long purge(Connection c, long upTo, Duration budget) throws SQLException {
        long deadline = System.nanoTime() + budget.toNanos();
        long deleted = 0;
        try (Statement s = c.createStatement()) {
            s.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
            Map<Long, Long> lanes = new HashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT conn, MAX(to_id) FROM " + q(SCHEMA) + ".tick_lane WHERE tick <= "
                    + upTo + " GROUP BY conn")) {
                while (rs.next()) {
                    lanes.put(rs.getLong(1), rs.getLong(2));
                }
            }
            for (Map.Entry<Long, Long> lane : lanes.entrySet()) {
                int n;
                do {
                    if (System.nanoTime() > deadline) {
                        return deleted;
                    }
                    n = s.executeUpdate("DELETE FROM " + q(SCHEMA) + ".change_log WHERE conn = " + lane.getKey()
                            + " AND id <= " + lane.getValue() + " LIMIT " + PURGE_CHUNK);
                    deleted += n;
                } while (n == PURGE_CHUNK);
            }
            int n;
            do {
                n = s.executeUpdate("DELETE FROM " + q(SCHEMA) + ".tick_lane WHERE tick <= " + upTo + " LIMIT 5000");
            } while (n == 5000 && System.nanoTime() < deadline);
            if (n < 5000) {
                s.executeUpdate("DELETE FROM " + q(SCHEMA) + ".tick WHERE id < " + upTo);
                s.executeUpdate("DELETE FROM " + q(SCHEMA) + ".lane WHERE tick <= " + upTo);
            }
        }
        return deleted;
    }

    @Override
    public boolean purgeLock(Connection c, Duration wait) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT GET_LOCK('understudy.purge', " + wait.toSeconds() + ")")) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }

    @Override
    public void purgeUnlock(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT RELEASE_LOCK('understudy.purge')")) {
            rs.next();
        }
    }

    @Override
    public List<String> dropObjects() {
        List<String> statements = new ArrayList<>();
        for (String table : List.of("change_log", "tick_lane", "tick", "lane", "consumer", "capture_table", "installation")) {
            statements.add("DROP TABLE IF EXISTS " + q(SCHEMA) + "." + q(table));
        }
        statements.add("DROP FUNCTION IF EXISTS " + q(SCHEMA) + ".token");
        return statements;
    }

    static String q(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    private static void rollbackQuietly(Statement s) {
        try {
            s.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // the connection is broken; the server rolls back on its own
        }
    }
}
