package io.understudy.applier;

import io.understudy.model.Op;
import io.understudy.model.Row;
import io.understudy.model.TableId;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Tab-separated text as PostgreSQL's {@code COPY … FROM STDIN} (text format) and MariaDB's {@code LOAD DATA … FIELDS
 * TERMINATED BY '\t' ESCAPED BY '\\'} read it: the escape character, the field and line terminators, carriage return
 * and NUL escaped with a backslash (PostgreSQL values never hold NUL: they are refused before); NULL is written
 * {@code \N} by the {@link Field}s. Stateless.
 */
final class TabText {
    private TabText() {
    }

    /** Appends the value of column number {@code column}; false when this path has no text form for it. */
    @FunctionalInterface
    interface Field {
        boolean append(StringBuilder out, Object value, int column);
    }

    /**
     * {@code rows}, all with the columns of the first, as lines of tab-separated fields in UTF-8.
     *
     * @return null when a row has other columns or {@code field} has no text form for a value (the caller then
     *         writes the rows with statements)
     * @throws io.understudy.model.ReplicationException when a value does not fit its column, naming column and key
     */
    static byte[] lines(List<Row> rows, List<FollowerColumn> columns, Field field, FollowerRef where, TableId table,
                        List<String> keyColumns, String transactionId) {
        List<String> names = rows.get(0).columns();
        StringBuilder text = new StringBuilder(rows.size() * 16 * columns.size());
        for (Row row : rows) {
            if (row.columns() != names && !row.columns().equals(names)) {
                return null;
            }
            List<Object> values = row.values();
            for (int j = 0; j < columns.size(); j++) {
                if (j > 0) {
                    text.append('\t');
                }
                try {
                    if (!field.append(text, values.get(j), j)) {
                        return null;
                    }
                } catch (ValueException e) {
                    throw StatementWriter.valueFailure(where, Op.INSERT, table, columns.get(j),
                            StatementWriter.rowKey(row, keyColumns), transactionId, e);
                }
            }
            text.append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The failure for a value the follower refused at line {@code line} (from 1) of the text, in column
     * {@code columnName} as the server spells it: as for a bound statement, with the column and the row's key;
     * null when the line or the column is not one of the chunk's.
     */
    static RuntimeException refusedValue(FollowerRef where, TableId table, List<Row> rows, List<String> keyColumns,
                                         List<FollowerColumn> columns, int line, String columnName,
                                         String transactionId, String message) {
        FollowerColumn column = columns.stream().filter(c -> c.name().equals(columnName)).findFirst()
                .or(() -> columns.stream().filter(c -> c.name().equalsIgnoreCase(columnName)).findFirst()).orElse(null);
        if (column == null || line < 1 || line > rows.size()) {
            return null;
        }
        return StatementWriter.valueFailure(where, Op.INSERT, table, column,
                StatementWriter.rowKey(rows.get(line - 1), keyColumns), transactionId,
                new ValueException("the follower refused the value: " + message));
    }

    static StringBuilder escape(StringBuilder out, String s) {
        int plain = 0; // start of the characters not appended yet: runs without escapes are appended at once
        for (int i = 0; i < s.length(); i++) {
            String escaped = switch (s.charAt(i)) {
                case '\\' -> "\\\\";
                case '\t' -> "\\t";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\0' -> "\\0";
                default -> null;
            };
            if (escaped != null) {
                out.append(s, plain, i).append(escaped);
                plain = i + 1;
            }
        }
        return out.append(s, plain, s.length());
    }
}
