package io.understudy.snapshot;

import io.understudy.catalog.ColumnDef;
import io.understudy.catalog.LeaderValues;
import io.understudy.catalog.TableDef;
import io.understudy.config.CaptureMode;
import io.understudy.config.Endpoint;
import io.understudy.connector.BinlogPositions;
import io.understudy.model.Position;
import io.understudy.model.ReplicationException;
import io.understudy.model.RetriableException;
import io.understudy.model.Row;
import io.understudy.trigger.PostgresRows;
import io.understudy.trigger.SnapshotTicks;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * One leader connection holding a consistent InnoDB snapshot ({@code START TRANSACTION WITH CONSISTENT SNAPSHOT}
 * at REPEATABLE READ) together with the position it is consistent with: in binlog mode the binlog position MariaDB
 * reports atomically in {@code binlog_snapshot_file}/{@code binlog_snapshot_position}, in trigger mode a tick
 * recorded for exactly this snapshot ({@link SnapshotTicks}). No table lock is taken: the snapshot is MVCC.
 * Reads one table in primary key order by keyset pagination. Not thread-safe; close it when done.
 */
final class ConsistentRead implements AutoCloseable {
    /** One chunk: rows as model rows and the raw key values of the last row, for the next page. */
    record Chunk(List<Row> rows, List<Object> lastKey, long bytes) {
    }

    private final Endpoint leader;
    private final Connection connection;
    private final Position position;

    private ConsistentRead(Endpoint leader, Connection connection, Position position) {
        this.leader = leader;
        this.connection = connection;
        this.position = position;
    }

    /**
     * Opens the snapshot and reads the position it is consistent with: binlog mode the binlog position MariaDB
     * reports for it, trigger mode a tick recorded for exactly this snapshot.
     */
    static ConsistentRead open(Endpoint leader, CaptureMode mode) {
        return mode == CaptureMode.TRIGGER ? openWithTick(leader) : open(leader);
    }

    private static ConsistentRead openWithTick(Endpoint leader) {
        Connection c = connect(leader);
        try (Statement s = c.createStatement()) {
            if (leader.kind().isMySqlFamily()) {
                s.execute("SET SESSION time_zone = '+00:00'");
                return new ConsistentRead(leader, c, SnapshotTicks.begin(leader, c));
            }
            ConsistentRead read = new ConsistentRead(leader, c, SnapshotTicks.begin(leader, c));
            PostgresRows.prepare(c);
            return read;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new RetriableException("cannot start a consistent snapshot with a tick on leader " + leader.describe()
                    + ": " + e.getMessage() + "; is `understudy triggers install` done?", e);
        }
    }

    private static Connection connect(Endpoint leader) {
        try {
            return DriverManager.getConnection(leader.url(), leader.user(), leader.password().reveal());
        } catch (SQLException e) {
            throw new RetriableException("cannot connect to leader " + leader.describe() + ": " + e.getMessage()
                    + "; check that it runs and that the user and password are right", e);
        }
    }

    private static ConsistentRead open(Endpoint leader) {
        Connection c = connect(leader);
        try (Statement s = c.createStatement()) {
            s.execute("SET SESSION time_zone = '+00:00'");
            s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            String file = null;
            long pos = -1;
            try (ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'binlog_snapshot_%'")) {
                while (rs.next()) {
                    if ("Binlog_snapshot_file".equalsIgnoreCase(rs.getString(1))) {
                        file = rs.getString(2);
                    } else if ("Binlog_snapshot_position".equalsIgnoreCase(rs.getString(1))) {
                        pos = Long.parseLong(rs.getString(2));
                    }
                }
            }
            if (file == null || file.isEmpty() || pos < 0) {
                throw new ReplicationException("leader " + leader.describe() + " reports no binlog_snapshot_file/"
                        + "binlog_snapshot_position; the snapshot needs a MariaDB leader with log_bin enabled");
            }
            return new ConsistentRead(leader, c, BinlogPositions.at(file, pos, gtidPosition(s, file, pos)));
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new RetriableException("cannot start a consistent snapshot on leader " + leader.describe() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The GTID position matching file:pos, or null when the leader cannot tell. */
    private static String gtidPosition(Statement s, String file, long pos) {
        try (ResultSet rs = s.executeQuery("SELECT BINLOG_GTID_POS('" + file.replace("'", "''") + "', " + pos + ")")) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            return null;
        }
    }

    Position position() {
        return position;
    }

    /** Up to {@code limit} rows with key greater than {@code after} (all from the start when null), in key order. */
    Chunk read(TableDef table, List<Object> after, int limit) {
        if (table.fromPostgres()) {
            return readPostgres(table, after, limit);
        }
        List<ColumnDef> columns = table.columns();
        List<String> key = table.primaryKey();
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i > 0 ? ", " : "").append(LeaderValues.select(columns.get(i)));
        }
        sql.append(" FROM ").append(quote(table.id().schema())).append('.').append(quote(table.id().table()));
        if (after != null) {
            sql.append(" WHERE ").append(after(key));
        }
        sql.append(" ORDER BY ").append(String.join(", ", key.stream().map(ConsistentRead::quote).toList()))
                .append(" LIMIT ").append(limit);
        try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            if (after != null) {
                bindAfter(ps, after);
            }
            return rows(ps, table, columns, key);
        } catch (SQLException e) {
            throw new RetriableException("reading " + table.id() + " after key " + after + " from leader "
                    + leader.describe() + " failed: " + e.getMessage() + "; the snapshot resumes from its last chunk", e);
        }
    }

    /** A PostgreSQL leader's page: rows decoded like captured images; the last row's key values for the next page. */
    private Chunk readPostgres(TableDef table, List<Object> after, int limit) {
        try {
            List<Row> rows = PostgresRows.page(connection, table, after, limit);
            long bytes = 0;
            for (Row r : rows) {
                for (Object v : r.values()) {
                    bytes += size(v);
                }
            }
            List<Object> last = rows.isEmpty() ? null : rows.get(rows.size() - 1).values().isEmpty() ? null
                    : table.primaryKey().stream().map(rows.get(rows.size() - 1)::get).toList();
            return new Chunk(rows, last, bytes);
        } catch (SQLException e) {
            throw new RetriableException("reading " + table.id() + " after key " + after + " from leader "
                    + leader.describe() + " failed: " + e.getMessage() + "; the snapshot resumes from its last chunk", e);
        }
    }

    private static Chunk rows(PreparedStatement ps, TableDef table, List<ColumnDef> columns, List<String> key)
            throws SQLException {
        List<String> names = table.columnNames();
        int[] keyIndex = key.stream().mapToInt(k -> names.indexOf(k) + 1).toArray();
        LeaderValues.Reader[] readers = columns.stream().map(LeaderValues::reader).toArray(LeaderValues.Reader[]::new);
        List<Row> rows = new ArrayList<>();
        Object[] last = null;
        long bytes = 0;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                List<Object> values = new ArrayList<>(columns.size());
                for (int i = 0; i < columns.size(); i++) {
                    Object v = readers[i].read(rs, i + 1);
                    bytes += size(v);
                    values.add(v);
                }
                rows.add(new Row(names, values));
                last = new Object[keyIndex.length];
                for (int k = 0; k < keyIndex.length; k++) {
                    last[k] = rs.getObject(keyIndex[k]);
                }
            }
        }
        return new Chunk(rows, last == null ? null : java.util.Arrays.asList(last), bytes);
    }

    private static long size(Object v) {
        if (v == null) {
            return 1;
        }
        if (v instanceof byte[] b) {
            return b.length;
        }
        if (v instanceof String s) {
            return s.length();
        }
        return 8;
    }

    /** (k1, k2, ...) > (?, ?, ...) written out so that every engine version uses the index. */
    private static String after(List<String> key) {
        List<String> terms = new ArrayList<>();
        for (int i = 0; i < key.size(); i++) {
            StringBuilder t = new StringBuilder("(");
            for (int j = 0; j < i; j++) {
                t.append(quote(key.get(j))).append(" = ? AND ");
            }
            terms.add(t.append(quote(key.get(i))).append(" > ?)").toString());
        }
        return "(" + String.join(" OR ", terms) + ")";
    }

    private static void bindAfter(PreparedStatement ps, List<Object> after) throws SQLException {
        int index = 1;
        for (int i = 0; i < after.size(); i++) {
            for (int j = 0; j <= i; j++) {
                ps.setObject(index++, after.get(j));
            }
        }
    }

    private static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** Ends the snapshot transaction and closes the connection. */
    @Override
    public void close() {
        try (Statement s = connection.createStatement()) {
            s.execute("COMMIT");
        } catch (SQLException ignored) {
            // a broken connection has no transaction left to end
        }
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // nothing left to release
        }
    }
}
