package io.understudy.applier;

import io.understudy.model.Row;
import io.understudy.model.TableId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
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
        List<FollowerColumn> columns = target.columns(rows.get(0).columns());
        byte[] data = TabText.lines(rows, columns, (out, v, j) -> PostgresValues.appendCopy(out, v, columns.get(j)),
                where, table, keyColumns, transactionId);
        if (data == null) {
            return false;
        }
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
        return TabText.refusedValue(where, table, rows, keyColumns, columns, Integer.parseInt(m.group(1)), m.group(2),
                transactionId, p.getServerErrorMessage().getMessage());
    }
}
