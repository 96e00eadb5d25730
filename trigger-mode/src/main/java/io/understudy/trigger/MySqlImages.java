package io.understudy.trigger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.understudy.catalog.ColumnDef;
import io.understudy.catalog.TableDef;
import io.understudy.model.Row;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Row images on MariaDB/MySQL leaders: the SQL expression a capture trigger evaluates to write the JSON image of
 * {@code NEW} or {@code OLD}, and its decoding. Every value is written so that it reads back exactly (a FLOAT as
 * the DOUBLE it widens to, binary as hex, TIMESTAMP as epoch seconds independent of the session time zone, ...);
 * {@link MySqlColumnCodec} has the encoding of each type. Stateless and thread-safe.
 *
 * <p>A trigger runs under the {@code sql_mode} it was created with, whatever the writing session's. The images do not
 * depend on it (quoting, CHAR padding), except for one choice install makes: with {@code STRICT_ALL_TABLES} or
 * {@code STRICT_TRANS_TABLES} an image larger than the leader's {@code max_allowed_packet} fails the leader's statement;
 * without, the statement succeeds and the image is NULL, which {@link #decode} refuses.
 */
final class MySqlImages implements ImageDecoder {
    /**
     * Values and whole images can be as long as the leader's max_allowed_packet (up to 1 GiB), beyond Jackson's default
     * limit of 20 million characters per string.
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build();
    /** Column names written as plain SQL string literals; any other name is written in hex, whatever the sql_mode. */
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_$]+");

    /**
     * Why each column of {@code table} cannot be captured exactly, one message per column naming it and its type;
     * empty when every column can.
     */
    static List<String> unsupported(TableDef table) {
        List<String> problems = new ArrayList<>();
        for (ColumnDef c : table.columns()) {
            if (MySqlColumnCodec.of(c) != null) {
                continue;
            }
            String where = "column " + table.id() + "." + c.name() + " has type " + c.columnType();
            problems.add(c.dataType().equals("year")
                    ? where + ", whose two-digit years trigger capture cannot read back exactly; change the column to"
                            + " YEAR (ALTER TABLE ... MODIFY " + quote(c.name()) + " YEAR) or exclude the table"
                    : where + ", which trigger capture cannot serialize exactly; exclude the table or change the"
                            + " column type");
        }
        return problems;
    }

    /**
     * The SQL expression that a trigger on {@code table} evaluates to the JSON text of the row image: one
     * {@code JSON_OBJECT} with a key per column, in column order. The expression is NULL only when MariaDB/MySQL could
     * not build the image (larger than {@code max_allowed_packet}, under a non-strict sql_mode).
     *
     * @param alias {@code NEW} or {@code OLD}
     * @throws IllegalArgumentException if the alias is neither, or a column's type is not supported (see
     *                                  {@link #unsupported})
     */
    static String imageSql(TableDef table, String alias) {
        String a = alias.toUpperCase(Locale.ROOT);
        if (!a.equals("NEW") && !a.equals("OLD")) {
            throw new IllegalArgumentException("row image alias must be NEW or OLD, not " + alias);
        }
        List<String> problems = unsupported(table);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        // CONCAT works around a MariaDB bug: once JSON_OBJECT in a trigger exceeded max_allowed_packet, that trigger's
        // JSON_OBJECT keeps answering NULL for every later row (until the table leaves the table cache); CONCAT reads its
        // result without looking at the stale NULL flag (MySqlImagesTest.oversizedImageDoesNotSpoilLaterImages).
        StringBuilder sql = new StringBuilder("CONCAT(JSON_OBJECT(");
        for (ColumnDef c : table.columns()) {
            if (sql.charAt(sql.length() - 1) != '(') {
                sql.append(", ");
            }
            sql.append(keyLiteral(c.name())).append(", ").append(MySqlColumnCodec.of(c).sql(c, a + "." + quote(c.name())));
        }
        return sql.append("))").toString();
    }

    /** A backtick-quoted identifier; backslashes mean nothing inside backticks in any sql_mode. */
    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    /**
     * The column name as a utf8mb4 string literal: plain for plain names, else a hex literal, because the meaning of a
     * backslash in a quoted literal depends on the sql_mode (NO_BACKSLASH_ESCAPES) the trigger is created under.
     */
    static String keyLiteral(String name) {
        return PLAIN_NAME.matcher(name).matches() ? "'" + name + "'"
                : "_utf8mb4 X'" + HexFormat.of().withUpperCase().formatHex(name.getBytes(StandardCharsets.UTF_8)) + "'";
    }

    @Override
    public Row decode(CaptureDefinition definition, String image) {
        TableDef table = definition.table();
        if (image == null) {
            throw new ImageException("row image of " + table.id() + " is NULL: the leader could not build it, most likely"
                    + " because it was larger than the leader's max_allowed_packet while the trigger ran without a"
                    + " strict sql_mode; raise max_allowed_packet, then copy the table again (snapshot --table)");
        }
        Object[] values = new Object[table.columns().size()];
        boolean[] present = new boolean[values.length];
        try (JsonParser p = JSON.createParser(image)) {
            read(p, definition, values, present);
        } catch (JsonProcessingException e) {
            // the message says where, not the image: that may be megabytes of the leader's data
            throw new ImageException("row image of " + table.id() + " is not valid JSON: " + e.getOriginalMessage()
                    + " at character " + e.getLocation().getCharOffset(), e);
        } catch (IOException e) {
            throw new ImageException("row image of " + table.id() + " cannot be read: " + e.getMessage(), e);
        }
        List<String> names = new ArrayList<>();
        List<Object> row = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (present[i]) {
                names.add(table.columns().get(i).name());
                row.add(values[i]);
            }
        }
        return new Row(names, row);
    }

    /** Reads the one JSON object of {@code p} into the values of the columns it names. */
    private static void read(JsonParser p, CaptureDefinition definition, Object[] values, boolean[] present)
            throws IOException {
        TableDef table = definition.table();
        List<ColumnDef> columns = table.columns();
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new ImageException("row image of " + table.id() + " is not a JSON object but starts with "
                    + p.currentToken());
        }
        int next = 0;
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String name = p.currentName();
            int i = indexOf(columns, name, next);
            if (i < 0) {
                throw new ImageException("row image of " + table.id() + " has column '" + name + "', which capture"
                        + " definition " + definition.id() + " does not have");
            }
            if (present[i]) {
                throw new ImageException("row image of " + table.id() + " has column '" + name + "' twice");
            }
            values[i] = value(columns.get(i), p.nextToken(), p, table);
            present[i] = true;
            next = i + 1;
        }
        if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
            throw new ImageException("row image of " + table.id() + " is not a single JSON object: "
                    + p.currentToken() + " at character " + p.currentTokenLocation().getCharOffset());
        }
    }

    /** The index of column {@code name}, trying {@code guess} first: MariaDB keeps the trigger's column order. */
    private static int indexOf(List<ColumnDef> columns, String name, int guess) {
        if (guess < columns.size() && columns.get(guess).name().equals(name)) {
            return guess;
        }
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static Object value(ColumnDef column, JsonToken token, JsonParser p, TableDef table) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        MySqlColumnCodec codec = MySqlColumnCodec.of(column);
        if (codec == null) {
            throw new ImageException(columnName(table, column) + " has type " + column.columnType()
                    + ", which trigger capture does not support");
        }
        boolean expected = codec.token() == MySqlColumnCodec.Token.STRING ? token == JsonToken.VALUE_STRING
                : token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
        if (!expected) {
            throw new ImageException(columnName(table, column) + " (" + column.columnType() + ") holds JSON " + token
                    + " where a " + codec.token().name().toLowerCase(Locale.ROOT) + " was expected (" + codec
                    + " encoding); the trigger and the capture definition do not match");
        }
        String text = p.getText(); // numbers too: their exact text, so -0 and 17-digit doubles survive
        try {
            return codec.decode(column, text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ImageException(columnName(table, column) + " (" + column.columnType() + "): " + e.getMessage(), e);
        }
    }

    private static String columnName(TableDef table, ColumnDef column) {
        return "column " + table.id() + "." + column.name();
    }
}
