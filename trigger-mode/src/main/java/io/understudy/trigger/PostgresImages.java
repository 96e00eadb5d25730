package io.understudy.trigger;

import io.understudy.catalog.ColumnDef;
import io.understudy.catalog.TableDef;
import io.understudy.model.Bits;
import io.understudy.model.Json;
import io.understudy.model.Row;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Row images on PostgreSQL leaders: the capture trigger function writes {@code row_to_json(NEW/OLD)} under fixed
 * session settings (see the function in the leader migrations), and this class decodes it. Stateless and
 * thread-safe.
 *
 * <p>Column types are those of {@link io.understudy.catalog.PostgresLeaderCatalog} ({@link ColumnDef} describes
 * the spelling). Values come out in the model's types ({@link Row}): smallint, integer, bigint as Long; numeric as
 * BigDecimal with the leader's scale; real as Float and double precision as Double (NaN and infinities included);
 * boolean as Boolean; text, character varying, uuid and enums as String; character(n) as String without the trailing
 * spaces PostgreSQL pads with (they do not count in its comparisons); bytea as byte[]; date as LocalDate;
 * timestamp as LocalDateTime; timestamp with time zone as Instant; time as Duration (00:00 to 24:00); json and
 * jsonb as {@link Json} (json with its exact text, jsonb as PostgreSQL prints it); bit(n) as {@link Bits}. Years
 * before 1 AD are astronomical (1 BC is year 0). NaN and infinite numerics and infinite dates and timestamps have no
 * exact model value and fail the decoding.
 */
final class PostgresImages implements ImageDecoder {
    /** The {@link ColumnDef#dataType()}s a trigger captures exactly. */
    static final Set<String> SUPPORTED = Set.of("smallint", "integer", "bigint", "numeric", "real", "double precision",
            "boolean", "text", "character varying", "character", "bytea", "date", "timestamp without time zone",
            "timestamp with time zone", "time without time zone", "json", "jsonb", "uuid", "enum", "bit");

    /**
     * The capture function's fixed settings as {@code SET LOCAL} statements: a transaction that runs them and reads
     * {@link #imageSelect} gets images that decode exactly like captured ones (for a snapshot). A test checks them
     * against the function's own settings.
     */
    static final List<String> SET_LOCAL = List.of("SET LOCAL extra_float_digits = 3", "SET LOCAL \"TimeZone\" = 'UTC'",
            "SET LOCAL bytea_output = 'hex'");

    /**
     * Why each column of {@code table} cannot be captured exactly, one message per column naming it and its type;
     * empty when every column can.
     *
     * @throws IllegalArgumentException if the definition was not read from a PostgreSQL leader
     */
    static List<String> unsupported(TableDef table) {
        requirePostgres(table);
        List<String> problems = new ArrayList<>();
        for (ColumnDef c : table.columns()) {
            if (!SUPPORTED.contains(c.dataType())) {
                problems.add("table " + table.id() + " column " + c.name() + " has type " + c.columnType()
                        + ", which trigger capture cannot copy exactly: " + why(c) + ". Change the column type, or"
                        + " exclude the table from capture (capture.exclude); supported types: docs/type-mapping.md,"
                        + " \"PostgreSQL leaders\"");
            }
        }
        return problems;
    }

    /**
     * What replicates, but not exactly, one message per column: a JSON {@code null} in a nullable json/jsonb column
     * arrives as SQL NULL ({@code row_to_json} writes both as {@code null}). Worth a warning at install; empty when
     * nothing applies.
     */
    static List<String> caveats(TableDef table) {
        requirePostgres(table);
        return table.columns().stream()
                .filter(c -> (c.dataType().equals("json") || c.dataType().equals("jsonb")) && c.nullable())
                .map(c -> "table " + table.id() + " column " + c.name() + " (" + c.columnType() + "): a JSON null"
                        + " stored in it reaches followers as SQL NULL, because row_to_json writes both as null;"
                        + " declare the column NOT NULL if the difference matters")
                .toList();
    }

    /** {@code SELECT row_to_json(i.*) FROM "schema"."table" AS i} (i.* even when the table has a column i): the table's rows as the capture function writes them. */
    static String imageSelect(TableDef table) {
        requirePostgres(table);
        return "SELECT row_to_json(i.*) FROM " + quote(table.id().schema()) + "." + quote(table.id().table()) + " AS i";
    }

    @Override
    public Row decode(CaptureDefinition definition, String image) {
        Map<String, JsonImage.Value> members = new LinkedHashMap<>(JsonImage.members(image));
        List<String> names = new ArrayList<>(members.size());
        List<Object> values = new ArrayList<>(members.size());
        for (ColumnDef c : definition.table().columns()) {
            JsonImage.Value v = members.remove(c.name());
            if (v != null) {
                names.add(c.name());
                values.add(value(c, v));
            }
        }
        if (!members.isEmpty()) {
            throw new UnknownColumnsException("the image has column(s) " + members.keySet() + " that capture definition "
                    + definition.id() + " of table " + definition.tableId() + " does not have: the leader table changed"
                    + " after its capture triggers were installed; install them again for the table's new definition");
        }
        return new Row(names, values);
    }

    static Object value(ColumnDef c, JsonImage.Value v) {
        if (v.kind() == JsonImage.Kind.NULL) {
            // row_to_json writes a JSON null in a json column as null, like SQL NULL; a NOT NULL column cannot be NULL
            boolean json = c.dataType().equals("json") || c.dataType().equals("jsonb");
            return json && !c.nullable() ? new Json("null") : null;
        }
        try {
            return switch (c.dataType()) {
                case "smallint", "integer", "bigint" -> Long.parseLong(expect(c, v, JsonImage.Kind.NUMBER));
                case "numeric" -> numeric(c, v);
                case "real" -> v.kind() == JsonImage.Kind.STRING ? Float.valueOf(special(c, v.text()).floatValue())
                        : Float.valueOf(expect(c, v, JsonImage.Kind.NUMBER));
                case "double precision" -> v.kind() == JsonImage.Kind.STRING ? special(c, v.text())
                        : Double.valueOf(expect(c, v, JsonImage.Kind.NUMBER));
                case "boolean" -> bool(c, v);
                case "text", "character varying", "uuid", "enum" -> expect(c, v, JsonImage.Kind.STRING);
                case "character" -> stripPadding(expect(c, v, JsonImage.Kind.STRING));
                case "bytea" -> bytea(c, expect(c, v, JsonImage.Kind.STRING));
                case "date" -> PostgresTimes.date(expect(c, v, JsonImage.Kind.STRING));
                case "timestamp without time zone" -> PostgresTimes.timestamp(expect(c, v, JsonImage.Kind.STRING));
                case "timestamp with time zone" -> PostgresTimes.timestamptz(expect(c, v, JsonImage.Kind.STRING));
                case "time without time zone" -> PostgresTimes.time(expect(c, v, JsonImage.Kind.STRING));
                case "json", "jsonb" -> new Json(v.raw());
                case "bit" -> new Bits(expect(c, v, JsonImage.Kind.STRING));
                default -> throw new ImageException("column " + c.name() + " has type " + c.columnType()
                        + ", which trigger capture cannot copy exactly (" + why(c) + ")");
            };
        } catch (IllegalArgumentException e) { // also NumberFormatException
            throw new ImageException("column " + c.name() + " (" + c.columnType() + "): " + e.getMessage(), e);
        }
    }

    private static String expect(ColumnDef c, JsonImage.Value v, JsonImage.Kind kind) {
        if (v.kind() != kind) {
            throw new ImageException("column " + c.name() + " (" + c.columnType() + ") holds a JSON "
                    + v.kind().name().toLowerCase(Locale.ROOT) + " (" + abbreviate(v.text()) + ") where "
                    + kind.name().toLowerCase(Locale.ROOT) + " was expected; did the column's type change"
                    + " on the leader after the capture triggers were installed?");
        }
        return v.text();
    }

    private static BigDecimal numeric(ColumnDef c, JsonImage.Value v) {
        if (v.kind() == JsonImage.Kind.STRING) {
            throw new ImageException("column " + c.name() + " (" + c.columnType() + ") holds " + v.text()
                    + ", which no follower column and no BigDecimal can hold; replace it on the leader, or change the"
                    + " column to double precision if NaN and infinities are meant to be stored");
        }
        return new BigDecimal(expect(c, v, JsonImage.Kind.NUMBER));
    }

    /** NaN, Infinity and -Infinity, which row_to_json writes as strings. */
    private static Double special(ColumnDef c, String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> throw new ImageException("column " + c.name() + " (" + c.columnType() + ") holds the string '"
                    + abbreviate(text) + "' where a number was expected");
        };
    }

    private static Boolean bool(ColumnDef c, JsonImage.Value v) {
        return switch (v.kind()) {
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            default -> throw new ImageException("column " + c.name() + " (boolean) holds '" + abbreviate(v.text())
                    + "' where true or false was expected");
        };
    }

    private static byte[] bytea(ColumnDef c, String text) {
        if (!text.startsWith("\\x")) {
            throw new ImageException("column " + c.name() + " (bytea) is not in hex format ('" + abbreviate(text)
                    + "'); the capture function must run with bytea_output = 'hex'");
        }
        return HexFormat.of().parseHex(text, 2, text.length());
    }

    private static String stripPadding(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ' ') {
            end--;
        }
        return s.substring(0, end);
    }

    private static String why(ColumnDef c) {
        String t = c.dataType();
        if (t.endsWith("[]")) {
            return "arrays have no model type; use json/jsonb or a child table";
        }
        return switch (t) {
            case "interval" -> "an interval's months and days have no exact model or MariaDB/MySQL counterpart; store"
                    + " a duration as numeric seconds, or the two timestamps";
            case "money" -> "its text depends on the leader's lc_monetary setting; use numeric(p,2)";
            case "time with time zone" -> "no model type holds a time with an offset; use timestamp with time zone,"
                    + " or time and a separate offset column";
            case "bit varying" -> "a MariaDB/MySQL follower cannot keep its length; use bit(n) or bytea";
            case "xml" -> "use text, or json/jsonb";
            case "user-defined" -> "a composite, range or extension type has no model type";
            default -> "it has no exact model type that every follower kind can hold";
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static void requirePostgres(TableDef table) {
        if (!table.fromPostgres()) {
            throw new IllegalArgumentException("table " + table.id() + " was not read from a PostgreSQL leader;"
                    + " its row images are MySqlImages'");
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
