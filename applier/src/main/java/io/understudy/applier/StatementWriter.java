package io.understudy.applier;

import io.understudy.applier.ChangePlan.Group;
import io.understudy.applier.ChangePlan.Item;
import io.understudy.applier.ChangePlan.Kind;
import io.understudy.model.KeyValues;
import io.understudy.model.Op;
import io.understudy.model.ReplicationException;
import io.understudy.model.Row;
import io.understudy.model.RowChange;
import io.understudy.model.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Executes planned groups as multi-row statements inside the caller's open follower transaction. Rows per
 * statement are capped by {@link #MAX_ROWS_PER_STATEMENT} and by the bind-parameter limit. SQL text is cached
 * per statement shape (table, kind, columns, row count). Rows known to be absent ({@link Kind#INSERT}) may go in as
 * plain inserts: COPY into PostgreSQL, one bulk INSERT batch into MariaDB. Not thread-safe.
 */
final class StatementWriter {
    static final int MAX_ROWS_PER_STATEMENT = 1000;
    /**
     * Fewest rows of an INSERT group sent as COPY or a bulk batch: both cost extra round trips (COPY start and end;
     * a server-side prepare), so smaller groups go as one plain multi-row INSERT, which fails on a duplicate key
     * just the same.
     */
    static final int MIN_BULK_ROWS = 64;
    private static final int SQL_CACHE_SIZE = 256;
    private static final String NOTHING_COMMITTED = "Nothing of this transaction was committed on the follower. ";

    private record Shape(TableId table, Kind kind, List<String> columns, int rows) {
    }

    private final FollowerRef where;
    private final Dialect dialect;
    private final TableCatalog catalog;
    private final boolean insertOnly;
    private PostgresCopy copy;
    private final Map<Shape, String> sqlCache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Shape, String> eldest) {
            return size() > SQL_CACHE_SIZE;
        }
    };

    StatementWriter(FollowerRef where, Dialect dialect, TableCatalog catalog) {
        this(where, dialect, catalog, false);
    }

    /**
     * @param insertOnly write row images with plain INSERT (a row that exists fails the statement with a
     *                   duplicate key) instead of upserts; for bulk loads into rows known to be absent
     */
    StatementWriter(FollowerRef where, Dialect dialect, TableCatalog catalog, boolean insertOnly) {
        this.where = where;
        this.dialect = dialect;
        this.catalog = catalog;
        this.insertOnly = insertOnly;
    }

    void write(Connection connection, List<Group> groups, String transactionId) {
        write(connection, groups, change -> transactionId, false);
    }

    /**
     * Writes {@code groups}; {@code transactionOf} names the leader transaction of each change for error messages
     * (a group planned from several transactions holds changes of several).
     *
     * @param freshInserts write {@link Kind#INSERT} groups as plain inserts (PostgreSQL: COPY; MariaDB: a bulk
     *                     INSERT batch), which fail with a duplicate key if a row exists after all
     *                     ({@link Failures#isDuplicateKey}); otherwise they are upserted like {@link Kind#UPSERT}
     */
    void write(Connection connection, List<Group> groups, Function<RowChange, String> transactionOf, boolean freshInserts) {
        for (Group group : groups) {
            String transactionId = transactions(group.items(), transactionOf);
            FollowerTable table;
            try {
                table = catalog.table(connection, group.table());
            } catch (SQLException e) {
                throw Failures.wrap(where, "cannot read the definition of follower table for " + group.table()
                        + " in transaction " + transactionId, e, NOTHING_COMMITTED + "Check the user's privileges.");
            }
            if (group.kind() == Kind.TRUNCATE) {
                execute(connection, group, group.items(), table, dialect.truncate(table.sqlName()), transactionOf);
            } else {
                writeRows(connection, group, table, transactionOf, freshInserts);
            }
        }
    }

    private void writeRows(Connection connection, Group group, FollowerTable table, Function<RowChange, String> transactionOf,
                           boolean freshInserts) {
        Kind kind = group.kind() == Kind.INSERT && !freshInserts ? Kind.UPSERT : group.kind();
        boolean plainInsert = kind == Kind.INSERT || insertOnly && kind == Kind.UPSERT;
        List<FollowerColumn> columns = table.columns(group.columns());
        List<FollowerColumn> keys = table.columns(group.keyColumns());
        int perRow = columns.stream().mapToInt(dialect::parameters).sum();
        int maxRows = Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Dialect.MAX_PARAMETERS / perRow));
        List<Item> items = group.items();
        boolean bulk = insertOnly || items.size() >= MIN_BULK_ROWS; // a few rows go faster in one statement
        if (kind == Kind.INSERT && bulk && dialect instanceof PostgresDialect && copy(connection, group, transactionOf)) {
            return;
        }
        if (plainInsert && bulk && dialect.batchInserts()) {
            executeBatch(connection, group, items, table, dialect.insertPrefix(table.sqlName(), columns, 1).toString(),
                    transactionOf);
            return;
        }
        Kind statementKind = plainInsert ? Kind.INSERT : kind;
        for (int from = 0; from < items.size(); from += maxRows) {
            List<Item> chunk = items.subList(from, Math.min(items.size(), from + maxRows));
            Shape shape = new Shape(group.table(), statementKind, group.columns(), chunk.size());
            String sql = sqlCache.computeIfAbsent(shape, s -> switch (s.kind()) {
                case DELETE -> dialect.delete(table.sqlName(), keys, s.rows());
                case INSERT -> dialect.insertPrefix(table.sqlName(), columns, s.rows()).toString();
                default -> dialect.upsert(table.sqlName(), columns, keys, s.rows());
            });
            execute(connection, group, chunk, table, sql, transactionOf);
        }
    }

    /** COPY of an INSERT group into PostgreSQL; false, having sent nothing, when a value has no COPY text form. */
    private boolean copy(Connection connection, Group group, Function<RowChange, String> transactionOf) {
        if (copy == null) {
            copy = new PostgresCopy(where, dialect, catalog);
        }
        List<Row> rows = new java.util.ArrayList<>(group.items().size());
        group.items().forEach(item -> rows.add(item.image()));
        try {
            return copy.copy(connection, group.table(), group.keyColumns(), rows, transactions(group.items(), transactionOf));
        } catch (SQLException e) {
            throw writeFailure(where, "INSERT (COPY)", group.table(), rows.size(), keys(group.items()),
                    transactions(group.items(), transactionOf), e);
        }
    }

    private void execute(Connection connection, Group group, List<Item> chunk, FollowerTable table, String sql,
                         Function<RowChange, String> transactionOf) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            if (group.kind() != Kind.TRUNCATE) {
                List<FollowerColumn> columns = table.columns(group.columns());
                int index = 1;
                for (Item item : chunk) {
                    List<Object> values = group.kind() == Kind.DELETE ? item.key() : item.image().values();
                    index = bindRow(ps, index, values, columns, item, transactionOf);
                }
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw writeFailure(where, ops(chunk), group.table(), chunk.size(), keys(chunk), transactions(chunk, transactionOf), e);
        }
    }

    /** One single-row INSERT executed as a JDBC batch (MariaDB Connector/J: one COM_STMT_BULK_EXECUTE). */
    private void executeBatch(Connection connection, Group group, List<Item> items, FollowerTable table, String sql,
                              Function<RowChange, String> transactionOf) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            List<FollowerColumn> columns = table.columns(group.columns());
            for (Item item : items) {
                bindRow(ps, 1, item.image().values(), columns, item, transactionOf);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw writeFailure(where, ops(items), group.table(), items.size(), keys(items), transactions(items, transactionOf), e);
        }
    }

    private int bindRow(PreparedStatement ps, int index, List<Object> values, List<FollowerColumn> columns,
                        Item item, Function<RowChange, String> transactionOf) throws SQLException {
        for (int j = 0; j < columns.size(); j++) {
            try {
                index = dialect.bind(ps, index, values.get(j), columns.get(j));
            } catch (ValueException e) {
                throw valueFailure(where, item.change().op(), item.change().table(), columns.get(j), item.key(),
                        transactionOf.apply(item.change()), e);
            }
        }
        return index;
    }

    /** The failure for a value that the follower column cannot represent (same text for every write path). */
    static ReplicationException valueFailure(FollowerRef where, Op op, TableId table, FollowerColumn column,
                                             List<Object> key, String transactionId, ValueException e) {
        return new ReplicationException(where + ": cannot apply " + op + " on table " + table + " column '"
                + column.name() + "' for row with key " + KeyValues.describe(key) + " in transaction " + transactionId
                + ": " + e.getMessage() + ". " + NOTHING_COMMITTED, e);
    }

    /** The failure of a statement that writes {@code rows} rows of {@code table}. */
    static ReplicationException writeFailure(FollowerRef where, String ops, TableId table, int rows, String keys,
                                             String transactionId, Exception e) {
        return Failures.wrap(where, "cannot apply " + ops + " on table " + table + " (" + rows + " rows, keys " + keys
                + ") in transaction " + transactionId, e, NOTHING_COMMITTED + "Make the follower table able to take"
                + " these rows (types, constraints, privileges), then restart Understudy.");
    }

    /** The values of {@code row}'s key columns. */
    static List<Object> rowKey(Row row, List<String> keyColumns) {
        List<Object> key = new ArrayList<>(keyColumns.size());
        keyColumns.forEach(k -> key.add(row.get(k)));
        return key;
    }

    /** The first and last key of a chunk of rows, for a message. */
    static String chunkKeys(List<Row> rows, List<String> keyColumns) {
        String first = KeyValues.describe(rowKey(rows.get(0), keyColumns));
        String last = KeyValues.describe(rowKey(rows.get(rows.size() - 1), keyColumns));
        return rows.size() == 1 ? first : first + " ... " + last;
    }

    /** The leader transaction of the items, or the first and last when they come from several. */
    private static String transactions(List<Item> items, Function<RowChange, String> transactionOf) {
        if (items.isEmpty()) {
            return "-";
        }
        String first = transactionOf.apply(items.get(0).change());
        String last = transactionOf.apply(items.get(items.size() - 1).change());
        return first.equals(last) ? first : first + " .. " + last;
    }

    private static String ops(List<Item> chunk) {
        return chunk.stream().map(i -> i.change().op().name()).distinct().collect(Collectors.joining("/"));
    }

    private static String keys(List<Item> chunk) {
        String shown = chunk.stream().filter(i -> i.image() != null).limit(5)
                .map(i -> KeyValues.describe(i.key())).collect(Collectors.joining(", "));
        return chunk.size() > 5 ? shown + ", ... " + (chunk.size() - 5) + " more" : shown.isEmpty() ? "-" : shown;
    }

    /** Runs plain session statements inside the open transaction. */
    static void run(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }
}
