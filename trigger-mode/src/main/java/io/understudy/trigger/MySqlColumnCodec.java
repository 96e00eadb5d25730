package io.understudy.trigger;

import io.understudy.catalog.ColumnDef;
import io.understudy.model.Bits;
import io.understudy.model.Geometry;
import io.understudy.model.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * How one MariaDB/MySQL column type is written into a row image by the capture trigger and read back, exactly. Each
 * constant pairs the SQL that serializes {@code NEW.col}/{@code OLD.col} inside {@code JSON_OBJECT} with the decoding
 * of the JSON value it produces into the Java type the binlog capture gives that column (see {@link io.understudy.model.Row}).
 * The table in docs/trigger-mode.md lists the same. Stateless and thread-safe.
 */
enum MySqlColumnCodec {
    /** TINYINT..BIGINT (signed), INT UNSIGNED and smaller: printed exactly as a JSON integer → Long. */
    INTEGER(Token.NUMBER),
    /** BIGINT UNSIGNED: printed exactly up to 2^64-1 → BigInteger. */
    UNSIGNED_BIGINT(Token.NUMBER),
    /** DECIMAL: printed exactly with the column's scale → BigDecimal with that scale. */
    DECIMAL(Token.NUMBER),
    /** FLOAT: JSON_OBJECT prints a FLOAT with ~6 digits, so it is widened to DOUBLE (exact) first → Float. */
    FLOAT(Token.NUMBER),
    /** DOUBLE: printed as the shortest text that reads back to the same double (-0 and 5e-324 included) → Double. */
    DOUBLE(Token.NUMBER),
    /** BIT(1): {@code col + 0} → Boolean. */
    BIT1(Token.NUMBER),
    /** BIT(n), n &gt; 1: {@code col + 0} (unsigned, up to 2^64-1) → Bits of n characters. */
    BITS(Token.NUMBER),
    /**
     * CHAR (without trailing spaces), VARCHAR, TEXT types, ENUM, SET, MariaDB JSON: converted to utf8mb4 text (from any
     * charset) → String.
     */
    TEXT(Token.STRING),
    /** MySQL's native JSON: its canonical text → Json. */
    MYSQL_JSON(Token.STRING),
    /** BINARY, VARBINARY, BLOB types: HEX → byte[]. */
    BINARY(Token.STRING),
    /** Spatial types: HEX of the stored value (4-byte little-endian SRID, then WKB) → Geometry. */
    GEOMETRY(Token.STRING),
    /** DATE: 'YYYY-MM-DD' → LocalDate; zero dates and dates with a zero month or day → null. */
    DATE(Token.STRING),
    /** DATETIME(p): 'YYYY-MM-DD HH:MM:SS[.f]' → LocalDateTime; zero month or day → null. */
    DATETIME(Token.STRING),
    /**
     * TIMESTAMP(p): UNIX_TIMESTAMP(col), exact epoch seconds whatever the writer's time zone → Instant; 0 (the zero
     * timestamp) → null.
     */
    TIMESTAMP(Token.NUMBER),
    /** TIME(p): '[-]H:MM:SS[.f]', negative and beyond 24 h → Duration. */
    TIME(Token.STRING),
    /** YEAR (4 digits): {@code col + 0} (JSON_OBJECT would print the zero year as the invalid number 0000) → Long. */
    YEAR(Token.NUMBER);

    /** Written in place of a binary value that HEX could not encode (a NULL result for a non-NULL value). */
    static final String UNENCODABLE = "!";

    private static final Set<String> INTEGERS = Set.of("tinyint", "smallint", "mediumint", "int", "integer", "bigint");
    private static final Set<String> TEXTS = Set.of("char", "varchar", "tinytext", "text", "mediumtext", "longtext",
            "enum", "set");
    private static final Set<String> BINARIES = Set.of("binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob");
    private static final Set<String> SPATIAL = Set.of("geometry", "point", "linestring", "polygon", "multipoint",
            "multilinestring", "multipolygon", "geometrycollection", "geomcollection");
    private static final BigInteger UNSIGNED_BIGINT_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

    /** The kind of JSON scalar a value of this codec is written as (besides null). */
    enum Token { NUMBER, STRING }

    private final Token token;

    MySqlColumnCodec(Token token) {
        this.token = token;
    }

    Token token() {
        return token;
    }

    /** The codec of {@code column}, or null when its type cannot be captured exactly. */
    static MySqlColumnCodec of(ColumnDef column) {
        String type = column.dataType();
        if (INTEGERS.contains(type)) {
            return type.equals("bigint") && column.unsigned() ? UNSIGNED_BIGINT : INTEGER;
        }
        if (TEXTS.contains(type)) {
            return TEXT;
        }
        if (BINARIES.contains(type)) {
            return BINARY;
        }
        if (SPATIAL.contains(type)) {
            return GEOMETRY;
        }
        return switch (type) {
            case "decimal", "numeric" -> DECIMAL;
            case "float" -> FLOAT;
            case "double", "real", "double precision" -> DOUBLE;
            case "bit" -> bitLength(column) == 1 ? BIT1 : BITS;
            // MySQL's JSON is "json" in COLUMN_TYPE too; MariaDB's JSON alias is a longtext that the catalog marks json
            case "json" -> column.columnType().toLowerCase(Locale.ROOT).startsWith("json") ? MYSQL_JSON : TEXT;
            case "date" -> DATE;
            case "datetime" -> DATETIME;
            case "timestamp" -> TIMESTAMP;
            case "time" -> TIME;
            // YEAR(2) (deprecated, MariaDB only) reads as two digits: col + 0 is 5 for 2005, 0 for 2000 and the zero year
            case "year" -> column.columnType().toLowerCase(Locale.ROOT).startsWith("year(2)") ? null : YEAR;
            default -> null;
        };
    }

    /** The SQL expression serializing {@code ref} (the quoted {@code NEW.`col`} of {@code column}) for JSON_OBJECT. */
    String sql(ColumnDef column, String ref) {
        return switch (this) {
            // JSON_OBJECT prints a ZEROFILL column with its leading zeros (00042), which is not JSON; + 0 drops them
            case INTEGER, UNSIGNED_BIGINT, DECIMAL, DOUBLE -> zerofill(column) ? ref + " + 0" : ref;
            case DATE, DATETIME, TIME -> ref;
            case FLOAT -> "CAST(" + ref + " AS DOUBLE)";
            case BIT1, BITS, YEAR -> ref + " + 0";
            // CHAR values never keep trailing spaces, except in a trigger created under PAD_CHAR_TO_FULL_LENGTH
            case TEXT, MYSQL_JSON -> column.dataType().equals("char") ? "RTRIM(" + utf8mb4(ref) + ")" : utf8mb4(ref);
            case BINARY, GEOMETRY -> "IFNULL(HEX(" + ref + "), IF(" + ref + " IS NULL, NULL, '" + UNENCODABLE + "'))";
            case TIMESTAMP -> "UNIX_TIMESTAMP(" + ref + ")";
        };
    }

    /**
     * The Java value of {@code text}, the JSON scalar (number or string, never null) of {@code column}.
     *
     * @throws IllegalArgumentException when the text is not an exact value of this column; the message says why
     */
    Object decode(ColumnDef column, String text) {
        return switch (this) {
            case INTEGER -> Long.parseLong(text);
            case UNSIGNED_BIGINT -> unsignedBigint(text);
            case DECIMAL -> decimal(column, text);
            case FLOAT -> exactFloat(text);
            case DOUBLE -> finiteDouble(text);
            case BIT1 -> bit1(text);
            case BITS -> bits(text, bitLength(column));
            case TEXT -> text;
            case MYSQL_JSON -> new Json(text);
            case BINARY -> hex(text);
            case GEOMETRY -> geometry(hex(text));
            case DATE -> MySqlTemporals.date(text);
            case DATETIME -> MySqlTemporals.dateTime(text);
            case TIMESTAMP -> timestamp(text);
            case TIME -> MySqlTemporals.time(text);
            case YEAR -> year(text);
        };
    }

    /**
     * CAST, not CONVERT: CONVERT to the same charset keeps MariaDB's JSON type, and JSON_OBJECT would embed the document
     * instead of its text; and a JSON_OBJECT argument in another charset (gbk, ucs2) comes out garbled.
     */
    private static String utf8mb4(String ref) {
        return "CAST(" + ref + " AS CHAR CHARACTER SET utf8mb4)";
    }

    private static boolean zerofill(ColumnDef column) {
        return column.columnType().toLowerCase(Locale.ROOT).contains("zerofill");
    }

    static int bitLength(ColumnDef column) {
        if (column.numericPrecision() != null) {
            return column.numericPrecision();
        }
        String t = column.columnType().toLowerCase(Locale.ROOT).replace(" ", "");
        return t.startsWith("bit(") ? Integer.parseInt(t.substring(4, t.indexOf(')'))) : 1;
    }

    private static BigInteger unsignedBigint(String text) {
        BigInteger v = new BigInteger(text);
        if (v.signum() < 0 || v.compareTo(UNSIGNED_BIGINT_MAX) > 0) {
            throw new IllegalArgumentException(text + " is outside BIGINT UNSIGNED");
        }
        return v;
    }

    private static BigDecimal decimal(ColumnDef column, String text) {
        BigDecimal v = new BigDecimal(text);
        if (column.numericScale() == null) {
            return v;
        }
        try {
            return v.setScale(column.numericScale(), RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(text + " has more than the column's " + column.numericScale()
                    + " decimal places", e);
        }
    }

    private static Float exactFloat(String text) {
        double d = finiteDouble(text);
        float f = (float) d;
        if (f != d) {
            throw new IllegalArgumentException(text + " is not exactly a FLOAT value (the trigger must widen FLOAT"
                    + " to DOUBLE; was it installed by an older version?)");
        }
        return f;
    }

    private static Double finiteDouble(String text) {
        double d = Double.parseDouble(text);
        if (Double.isInfinite(d) || Double.isNaN(d)) {
            throw new IllegalArgumentException(text + " is not a finite double");
        }
        return d;
    }

    private static Boolean bit1(String text) {
        return switch (text) {
            case "0" -> Boolean.FALSE;
            case "1" -> Boolean.TRUE;
            default -> throw new IllegalArgumentException(text + " is not a BIT(1) value (0 or 1)");
        };
    }

    private static Bits bits(String text, int length) {
        BigInteger v = new BigInteger(text);
        if (v.signum() < 0 || v.bitLength() > length) {
            throw new IllegalArgumentException(text + " does not fit BIT(" + length + ")");
        }
        String binary = v.toString(2);
        return new Bits("0".repeat(length - binary.length()) + binary);
    }

    private static byte[] hex(String text) {
        if (text.equals(UNENCODABLE)) {
            throw new IllegalArgumentException("the trigger could not encode this value (HEX returned NULL for a"
                    + " non-NULL value, e.g. larger than the leader's max_allowed_packet allows)");
        }
        return HexFormat.of().parseHex(text);
    }

    /** MariaDB and MySQL store a spatial value as its SRID (4 bytes, little-endian) followed by WKB. */
    private static Geometry geometry(byte[] stored) {
        if (stored.length < 5) {
            throw new IllegalArgumentException("a stored geometry of " + stored.length + " bytes is too short");
        }
        int srid = ByteBuffer.wrap(stored, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return new Geometry(Arrays.copyOfRange(stored, 4, stored.length), srid);
    }

    private static Instant timestamp(String text) {
        BigDecimal seconds = new BigDecimal(text);
        if (seconds.signum() == 0) {
            return null; // the zero timestamp '0000-00-00 00:00:00'; the earliest real one is 1970-01-01 00:00:01 UTC
        }
        if (seconds.signum() < 0) {
            throw new IllegalArgumentException(text + " is not a TIMESTAMP (negative epoch seconds)");
        }
        BigDecimal[] parts = seconds.divideAndRemainder(BigDecimal.ONE);
        BigDecimal nanos = parts[1].multiply(NANOS_PER_SECOND);
        if (nanos.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException(text + " has more than 9 fractional digits");
        }
        return Instant.ofEpochSecond(parts[0].longValueExact(), nanos.longValueExact());
    }

    private static Long year(String text) {
        long y = Long.parseLong(text);
        if (y != 0 && (y < 1901 || y > 2155)) {
            throw new IllegalArgumentException(text + " is not a YEAR value");
        }
        return y;
    }
}
