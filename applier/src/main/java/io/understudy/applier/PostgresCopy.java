package io.understudy.applier;

import io.understudy.model.Op;
import io.understudy.model.Row;
import io.understudy.model.TableId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.util.PSQLException;

/**
 * Inserts rows the follower table does not hold yet with {@code COPY table (columns) FROM STDIN} (text format)
 * inside the caller's open transaction. Values are converted by {@link PostgresValues#appendCopy}, which stores
 * what the applier's binding stores and fails with the applier's message; a duplicate key fails the COPY
 * instead of overwriting. One instance per follower table; not thread-safe.
 */
final class PostgresCopy {
    private static final Pattern LINE_COLUMN = Pattern.compile("COPY [^,]*, line (\\d+), column ([^:]+):");
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
            RuntimeException refused = refusedValue(e, table, keyColumns, rows, columns, transactionId);
            throw refused != null ? refused : StatementWriter.writeFailure(where, "COPY (INSERT)", table, rows.size(),
                    StatementWriter.chunkKeys(rows, keyColumns), transactionId, e);
        }
        return true;
    }

    /**
     * A value the follower refused, named by the server's context ("COPY t, line N, column c: …"): the failure with
     * the column and the row's key, as for a bound statement; null when the error names no row and column.
     */
    private RuntimeException refusedValue(Exception e, TableId table, List<String> keyColumns, List<Row> rows,
                                          List<FollowerColumn> columns, String transactionId) {
        if (!(e instanceof PSQLException p) || p.getServerErrorMessage() == null
                || p.getServerErrorMessage().getWhere() == null) {
            return null;
        }
        Matcher m = LINE_COLUMN.matcher(p.getServerErrorMessage().getWhere());
        if (!m.find()) {
            return null;
        }
        int line = Integer.parseInt(m.group(1));
        FollowerColumn column = columns.stream().filter(c -> c.name().equals(m.group(2))).findFirst().orElse(null);
        if (column == null || line < 1 || line > rows.size()) {
            return null;
        }
        return StatementWriter.valueFailure(where, Op.INSERT, table, column, StatementWriter.rowKey(rows.get(line - 1), keyColumns),
                transactionId, new ValueException("the follower refused the value: "
                        + p.getServerErrorMessage().getMessage()));
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
                throw StatementWriter.valueFailure(where, Op.INSERT, table, columns.get(j), StatementWriter.rowKey(row, keyColumns),
                        transactionId, e);
            }
        }
        text.append('\n');
        return true;
    }
}
