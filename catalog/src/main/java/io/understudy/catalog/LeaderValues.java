package io.understudy.catalog;

import io.understudy.model.Bits;
import io.understudy.model.Geometry;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Set;

/**
 * Reads one MySQL/MariaDB leader column from a JDBC result set into the Java type the binlog capture produces for it (see
 * {@link io.understudy.model.Row} and docs/capture.md), so the applier converts snapshot rows and streamed rows
 * alike. The leader session must run with {@code time_zone = '+00:00'}. Stateless and thread-safe.
 */
public final class LeaderValues {
    private static final Set<String> INTEGERS = Set.of("tinyint", "smallint", "mediumint", "int", "integer", "bigint");
    private static final Set<String> BINARY = Set.of("binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob");
    private static final Set<String> GEOMETRY = Set.of("geometry", "point", "linestring", "polygon", "multipoint",
            "multilinestring", "multipolygon", "geometrycollection", "geomcollection");

    private LeaderValues() {
    }

    public static boolean isInteger(ColumnDef c) {
        return INTEGERS.contains(c.dataType());
    }

    /**
     * The SELECT expression for this column: the quoted name, except FLOAT, which the server would print with about
     * six digits (3.1415927 as 3.14159): widened to DOUBLE, which holds every float exactly.
     */
    public static String select(ColumnDef c) {
        String q = "`" + c.name().replace("`", "``") + "`";
        return c.dataType().equals("float") ? "CAST(" + q + " AS DOUBLE)" : q;
    }

    public static Object read(ResultSet rs, int index, ColumnDef c) throws SQLException {
        return reader(c).read(rs, index);
    }

    /** Reads one column's value from the current row of a result set. */
    @FunctionalInterface
    public interface Reader {
        Object read(ResultSet rs, int index) throws SQLException;
    }

    /**
     * How {@link #read} reads column {@code c}, decided once: a snapshot reads millions of values of the same few
     * columns.
     */
    public static Reader reader(ColumnDef c) {
        String type = c.dataType();
        if (isInteger(type)) {
            return "bigint".equals(type) && c.unsigned() ? LeaderValues::unsignedBigint
                    : (rs, index) -> nullable(rs, rs.getLong(index));
        }
        if (BINARY.contains(type)) {
            return ResultSet::getBytes;
        }
        if (GEOMETRY.contains(type)) {
            return (rs, index) -> geometry(rs.getBytes(index));
        }
        int bitLength = c.numericPrecision() == null ? 1 : c.numericPrecision();
        return switch (type) {
            case "decimal", "numeric" -> ResultSet::getBigDecimal;
            case "float" -> (rs, index) -> nullable(rs, (float) rs.getDouble(index)); // selected as DOUBLE (see select)
            case "double", "real" -> (rs, index) -> nullable(rs, rs.getDouble(index));
            case "bit" -> (rs, index) -> bits(rs.getBytes(index), bitLength);
            case "date" -> (rs, index) -> zeroPartsAsNull(() -> rs.getObject(index, LocalDate.class));
            case "datetime" -> (rs, index) -> zeroPartsAsNull(() -> rs.getObject(index, LocalDateTime.class));
            case "timestamp" -> (rs, index) -> timestamp(zeroPartsAsNull(() -> rs.getObject(index, LocalDateTime.class)));
            case "time" -> (rs, index) -> time(rs.getString(index));
            case "year" -> (rs, index) -> year(rs.getString(index));
            default -> ResultSet::getString; // char, varchar, text types, enum, set, MariaDB json
        };
    }

    private static Object unsignedBigint(ResultSet rs, int index) throws SQLException {
        BigDecimal d = rs.getBigDecimal(index);
        return d == null ? null : d.toBigIntegerExact();
    }

    private interface Read<T> {
        T get() throws SQLException;
    }

    /**
     * A date with a zero month or day ('2024-00-15', allowed without NO_ZERO_IN_DATE) has no Java value: null, as
     * for the all-zero date (trigger capture reads them the same way).
     */
    private static <T> T zeroPartsAsNull(Read<T> read) throws SQLException {
        try {
            return read.get();
        } catch (java.time.DateTimeException e) {
            return null;
        } catch (SQLException e) {
            if (e.getCause() instanceof java.time.DateTimeException) {
                return null;
            }
            throw e;
        }
    }

    private static boolean isInteger(String type) {
        return INTEGERS.contains(type);
    }

    private static Object nullable(ResultSet rs, Object value) throws SQLException {
        return rs.wasNull() ? null : value;
    }

    private static Object bits(byte[] bigEndian, int length) {
        if (bigEndian == null) {
            return null;
        }
        if (length == 1) {
            return bigEndian.length > 0 && bigEndian[bigEndian.length - 1] != 0;
        }
        StringBuilder sb = new StringBuilder(length);
        for (int bit = length - 1; bit >= 0; bit--) {
            int index = bigEndian.length - 1 - bit / 8;
            sb.append(index >= 0 && (bigEndian[index] >> (bit % 8) & 1) == 1 ? '1' : '0');
        }
        return new Bits(sb.toString());
    }

    /** MariaDB's internal geometry format: 4-byte little-endian SRID, then WKB. */
    private static Object geometry(byte[] internal) {
        if (internal == null) {
            return null;
        }
        if (internal.length < 4) {
            throw new IllegalStateException("geometry value of " + internal.length + " bytes is too short");
        }
        int srid = ByteBuffer.wrap(internal, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return new Geometry(Arrays.copyOfRange(internal, 4, internal.length), srid);
    }

    private static Object timestamp(LocalDateTime utc) {
        return utc == null ? null : utc.toInstant(ZoneOffset.UTC);
    }

    /** MySQL TIME text: [-]H+:MM:SS[.ffffff], possibly negative or beyond 24 hours. */
    public static Duration time(String text) {
        if (text == null) {
            return null;
        }
        boolean negative = text.startsWith("-");
        String t = negative ? text.substring(1) : text;
        String[] parts = t.split(":");
        String[] seconds = parts[2].split("\\.");
        long nanos = 0;
        if (seconds.length > 1) {
            String f = (seconds[1] + "000000000").substring(0, 9);
            nanos = Long.parseLong(f);
        }
        Duration d = Duration.ofHours(Long.parseLong(parts[0])).plusMinutes(Long.parseLong(parts[1]))
                .plusSeconds(Long.parseLong(seconds[0])).plusNanos(nanos);
        return negative ? d.negated() : d;
    }

    private static Object year(String text) {
        return text == null ? null : Long.parseLong(text.length() > 4 ? text.substring(0, 4) : text);
    }
}
