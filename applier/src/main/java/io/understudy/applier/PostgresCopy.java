package io.understudy.applier;

import io.understudy.model.KeyValues;
import io.understudy.model.Op;
import io.understudy.model.Row;
import io.understudy.model.TableId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Inserts rows the follower table does not hold yet with {@code COPY table (columns) FROM STDIN} (text format)
 * inside the caller's open transaction. Values are converted by {@link PostgresValues#appendCopy}, which stores
 * what the applier's binding stores and fails with the applier's message; a duplicate key fails the COPY
 * instead of overwriting. One instance per follower table; not thread-safe.
 */
final class PostgresCopy {
    private final FollowerRef where;
    private final Dialect dialect;
    private final TableCatalog catalog;

    PostgresCopy(FollowerRef where, Dialect dialect) {
        this(where, dialect, new TableCatalog(where, dialect));
    }

    /** Shares {@code catalog} (the caller's table definitions) with the caller. */
    PostgresCopy(FollowerRef where, Dialect dialect, TableCatalog catalog) {
        this.where = where;
        this.dialect = dialect;
        this.catalog = catalog;
    }

    /**
     * Copies {@code rows} (full images with the same columns) into the follower table of {@code table}.
     *
     * @return false, having sent nothing, when a value has no COPY text form known to equal the driver's binding
     *         (the caller then writes the rows with statements)
     * @throws io.understudy.model.ReplicationException when a value does not fit its column or the COPY fails
     */
    boolean copy(Connection connection, TableId table, List<String> keyColumns, List<Row> rows, String transactionId)
            throws SQLException {
        if (rows.isEmpty()) {
            return true;
        }
        FollowerTable target = catalog.table(connection, table);
        List<String> names = rows.get(0).columns();
        List<FollowerColumn> columns = target.columns(names);
        StringBuilder text = new StringBuilder(rows.size() * 16 * columns.size());
        for (Row row : rows) {
            if (!row.columns().equals(names) || !appendRow(text, row, columns, table, keyColumns, transactionId)) {
                return false;
            }
        }
        byte[] data = text.toString().getBytes(StandardCharsets.UTF_8);
        String sql = "COPY " + target.sqlName() + " " + dialect.columnList(columns) + " FROM STDIN";
        try {
            connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, new ByteArrayInputStream(data));
        } catch (SQLException | IOException e) {
            throw StatementWriter.writeFailure(where, "COPY (INSERT)", table, rows.size(), keys(rows, keyColumns),
                    transactionId, e);
        }
        return true;
    }

    private boolean appendRow(StringBuilder text, Row row, List<FollowerColumn> columns, TableId table,
                              List<String> keyColumns, String transactionId) {
        List<Object> values = row.values();
        for (int j = 0; j < columns.size(); j++) {
            if (j > 0) {
                text.append('\t');
            }
            try {
                if (!PostgresValues.appendCopy(text, values.get(j), columns.get(j))) {
                    return false;
                }
            } catch (ValueException e) {
                throw StatementWriter.valueFailure(where, Op.INSERT, table, columns.get(j), key(row, keyColumns),
                        transactionId, e);
            }
        }
        text.append('\n');
        return true;
    }

    private static List<Object> key(Row row, List<String> keyColumns) {
        List<Object> key = new ArrayList<>(keyColumns.size());
        keyColumns.forEach(k -> key.add(row.get(k)));
        return key;
    }

    private static String keys(List<Row> rows, List<String> keyColumns) {
        String first = KeyValues.describe(key(rows.get(0), keyColumns));
        String last = KeyValues.describe(key(rows.get(rows.size() - 1), keyColumns));
        return rows.size() == 1 ? first : first + " ... " + last;
    }
}
