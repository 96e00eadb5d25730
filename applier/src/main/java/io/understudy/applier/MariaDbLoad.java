package io.understudy.applier;

import io.understudy.model.Bits;
import io.understudy.model.Geometry;
import io.understudy.model.Json;
import io.understudy.model.Row;
import io.understudy.model.TableId;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Inserts rows a MariaDB follower table does not hold yet with {@code LOAD DATA LOCAL INFILE}, streamed from memory
 * inside the caller's open transaction: the server parses one tab-separated text instead of one statement (or one
 * bulk-execute row) per row. Values are converted as {@link MySqlValues#bind} binds them and checked the same way
 * (a DECIMAL's scale, NaN). LOCAL turns what strict mode would refuse (a value out of range, a duplicate key) into
 * warnings and skips the row, so the load is strict by inspection: any warning, or fewer rows inserted than sent,
 * fails the chunk with the table, column and key named, and the caller's transaction rolls back. Binary values
 * travel as hex ({@code UNHEX}), BIT values as numbers ({@code CAST(… AS UNSIGNED)}), spatial values as WKB hex and
 * SRID ({@code ST_GeomFromWKB}). One instance per follower table; not thread-safe.
 */
final class MariaDbLoad {
    /** Error codes of a server or client that refuses LOAD DATA LOCAL (local_infile=OFF, allowLocalInfile=false). */
    private static final Set<Integer> REFUSED = Set.of(1148, 4166, 3948);
    private static final Pattern AT_ROW = Pattern.compile("at row (\\d+)");
    /** "… for column 'c' at row N" or "… for column `db`.`t`.`c` at row N". */
    private static final Pattern COLUMN = Pattern.compile("for column (\\S+) at row");
    private static final Set<String> BINARY = Set.of("binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** How a column's value is written into the file and, for the non-plain ones, turned back on the server. */
    enum Form { PLAIN, HEX, BIT, SPATIAL }

    /** The load refused by the server or the driver; nothing was sent. */
    static final class Refused extends Exception {
        Refused(String message, SQLException cause) {
            super(message, cause);
        }
    }

    private final FollowerRef where;
    private final TableCatalog catalog;

    MariaDbLoad(FollowerRef where, TableCatalog catalog) {
        this.where = where;
        this.catalog = catalog;
    }

    /**
     * Loads {@code rows} (full images with the same columns) into the follower table of {@code table}.
     *
     * @return false, having sent nothing, when a value has no text form known to equal the driver's binding (the
     *         caller then writes the rows with statements)
     * @throws Refused when LOAD DATA LOCAL is disabled on the follower or in the driver
     * @throws io.understudy.model.ReplicationException when a value does not fit its column or the load fails
     */
    boolean load(Connection connection, TableId table, List<String> keyColumns, List<Row> rows, String transactionId)
            throws SQLException, Refused {
        if (rows.isEmpty()) {
            return true;
        }
        FollowerTable target = catalog.table(connection, table);
        List<FollowerColumn> columns = target.columns(rows.get(0).columns());
        Form[] forms = new Form[columns.size()];
        for (int j = 0; j < forms.length; j++) {
            forms[j] = form(columns.get(j));
        }
        byte[] data = TabText.lines(rows, columns, (out, v, j) -> append(out, v, columns.get(j), forms[j]), where, table,
                keyColumns, transactionId);
        if (data == null) {
            return false;
        }
        String sql = statement(target.sqlName(), columns, forms);
        try (Statement s = connection.createStatement()) {
            s.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(new ByteArrayInputStream(data));
            long inserted;
            try {
                inserted = s.executeLargeUpdate(sql);
            } catch (SQLException e) {
                if (REFUSED.contains(e.getErrorCode())) {
                    throw new Refused(e.getMessage(), e);
                }
                throw StatementWriter.writeFailure(where, "LOAD DATA (INSERT)", table, rows.size(),
                        StatementWriter.chunkKeys(rows, keyColumns), transactionId, e);
            }
            SQLWarning warning = s.getWarnings();
            if (warning != null || inserted != rows.size()) {
                throw rejected(table, keyColumns, rows, columns, transactionId, inserted, warning);
            }
        }
        return true;
    }

    static Form form(FollowerColumn c) {
        if (c.spatial()) {
            return Form.SPATIAL;
        }
        String type = c.typeName();
        if (type.startsWith("bit")) {
            return Form.BIT;
        }
        int space = type.indexOf(' ');
        return BINARY.contains(space < 0 ? type : type.substring(0, space)) ? Form.HEX : Form.PLAIN;
    }

    /** {@code LOAD DATA LOCAL INFILE … (a, @v2, …) SET b = UNHEX(@v2), …}; session settings come from the pool. */
    static String statement(String table, List<FollowerColumn> columns, Form[] forms) {
        StringJoiner list = new StringJoiner(", ", " (", ")");
        StringJoiner set = new StringJoiner(", ", " SET ", "");
        set.setEmptyValue("");
        for (int j = 0; j < columns.size(); j++) {
            String name = "`" + columns.get(j).name().replace("`", "``") + "`";
            switch (forms[j]) {
                case PLAIN -> list.add(name);
                case HEX -> {
                    list.add("@v" + j);
                    set.add(name + " = UNHEX(@v" + j + ")");
                }
                case BIT -> {
                    list.add("@v" + j);
                    set.add(name + " = CAST(@v" + j + " AS UNSIGNED)");
                }
                case SPATIAL -> {
                    list.add("@v" + j).add("@s" + j);
                    set.add(name + " = ST_GeomFromWKB(UNHEX(@v" + j + "), @s" + j + ")");
                }
            }
        }
        return "LOAD DATA LOCAL INFILE 'understudy-snapshot-chunk' INTO TABLE " + table + " CHARACTER SET utf8mb4"
                + " FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n'" + list + set;
    }

    /** Appends {@code v} in the file's text form; false for a value this path does not know how to write. */
    static boolean append(StringBuilder out, Object v, FollowerColumn c, Form form) {
        if (v == null) {
            out.append("\\N");
            if (form == Form.SPATIAL) {
                out.append("\t\\N");
            }
            return true;
        }
        return switch (form) {
            case SPATIAL -> {
                if (!(v instanceof Geometry g)) {
                    throw new ValueException("a " + v.getClass().getSimpleName() + " value cannot be stored in a "
                            + c.typeName() + " column; change the follower column to the leader's type");
                }
                hex(out, g.wkb()).append('\t').append(Integer.toUnsignedString(g.srid()));
                yield true;
            }
            case HEX -> {
                if (v instanceof byte[] b) {
                    hex(out, b);
                } else if (v instanceof String s) {
                    hex(out, s.getBytes(StandardCharsets.UTF_8));
                } else {
                    yield false;
                }
                yield true;
            }
            case BIT -> {
                if (v instanceof Boolean b) {
                    out.append(b ? '1' : '0');
                } else if (v instanceof Bits b) {
                    out.append(new BigInteger(1, MySqlValues.bitBytes(b)));
                } else if (v instanceof Long l && l >= 0) {
                    out.append(l);
                } else {
                    yield false;
                }
                yield true;
            }
            case PLAIN -> plain(out, v, c);
        };
    }

    private static boolean plain(StringBuilder out, Object v, FollowerColumn c) {
        if (v instanceof String s) {
            TabText.escape(out, s);
        } else if (v instanceof Long || v instanceof BigInteger) {
            out.append(v);
        } else if (v instanceof BigDecimal d) {
            if (c.scale() >= 0 && c.typeName().startsWith("decimal")) {
                MySqlValues.requireScale(d, c);
            }
            out.append(d.toPlainString());
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            MySqlValues.requireFinite(v, d);
            // a float widened exactly: its double text converts back to the same float (see MySqlValues.bind)
            out.append(d);
        } else if (v instanceof Boolean b) {
            out.append(b ? '1' : '0');
        } else if (v instanceof LocalDateTime t) {
            MySqlValues.appendDateTime(out, t);
        } else if (v instanceof Instant t) {
            MySqlValues.appendDateTime(out, LocalDateTime.ofInstant(t, ZoneOffset.UTC)); // session time_zone +00:00
        } else if (v instanceof LocalDate d) {
            out.append(d);
        } else if (v instanceof Duration d) {
            MySqlValues.appendDuration(out, d);
        } else if (v instanceof Json j) {
            TabText.escape(out, j.text());
        } else {
            return false;
        }
        return true;
    }

    private static StringBuilder hex(StringBuilder out, byte[] b) {
        for (byte x : b) {
            out.append(HEX[(x >> 4) & 0xf]).append(HEX[x & 0xf]);
        }
        return out;
    }

    /**
     * A load the server took with warnings or skipped rows: what strict mode would have refused. Names the column
     * and the row's key from the first warning ("… for column 'c' at row N"), else the chunk's keys.
     */
    private RuntimeException rejected(TableId table, List<String> keyColumns, List<Row> rows,
                                      List<FollowerColumn> columns, String transactionId, long inserted,
                                      SQLWarning warning) {
        String message = warning == null ? "the server inserted " + inserted + " of " + rows.size() + " rows"
                : warning.getMessage() + (inserted != rows.size() ? " (" + inserted + " of " + rows.size()
                + " rows inserted)" : "");
        if (warning != null) {
            Matcher row = AT_ROW.matcher(warning.getMessage());
            Matcher column = COLUMN.matcher(warning.getMessage());
            if (row.find() && column.find()) {
                String[] parts = column.group(1).split("\\.");
                RuntimeException refused = TabText.refusedValue(where, table, rows, keyColumns, columns,
                        Integer.parseInt(row.group(1)), parts[parts.length - 1].replaceAll("^[`']|[`']$", ""),
                        transactionId, message);
                if (refused != null) {
                    return refused;
                }
            }
        }
        return StatementWriter.writeFailure(where, "LOAD DATA (INSERT)", table, rows.size(),
                StatementWriter.chunkKeys(rows, keyColumns), transactionId,
                new SQLException("the follower refused the rows: " + message));
    }
}
