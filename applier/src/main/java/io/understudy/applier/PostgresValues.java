package io.understudy.applier;

import io.understudy.model.Bits;
import io.understudy.model.Geometry;
import io.understudy.model.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;

/** Converts leader values (see {@link io.understudy.model.Row}) for PostgreSQL columns, by the column's type. */
final class PostgresValues {
    private static final Duration DAY = Duration.ofDays(1);
    private static final String END_OF_DAY = "24:00:00";

    private PostgresValues() {
    }

    static void bind(PreparedStatement ps, int i, Object v, FollowerColumn c) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.NULL); // untyped: PostgreSQL takes the column's type
            return;
        }
        switch (c.typeName()) {
            case "int2" -> ps.setShort(i, (short) integer(v, Short.MIN_VALUE, Short.MAX_VALUE, c));
            case "int4" -> ps.setInt(i, (int) integer(v, Integer.MIN_VALUE, Integer.MAX_VALUE, c));
            case "int8" -> ps.setLong(i, integer(v, Long.MIN_VALUE, Long.MAX_VALUE, c));
            case "numeric" -> ps.setBigDecimal(i, decimal(v, c));
            case "float4" -> ps.setFloat(i, number(v, c).floatValue());
            case "float8" -> ps.setDouble(i, number(v, c).doubleValue());
            case "bool" -> ps.setBoolean(i, bool(v, c));
            case "text", "varchar", "bpchar", "name", "citext" -> ps.setString(i, text(v, c));
            case "bytea" -> ps.setBytes(i, bytes(v, c));
            case "date" -> ps.setObject(i, expect(v, LocalDate.class, c));
            case "timestamp" -> ps.setObject(i, localDateTime(v, c));
            case "timestamptz" -> ps.setObject(i, localDateTime(v, c).atOffset(ZoneOffset.UTC));
            case "time" -> bindTime(ps, i, v, c);
            case "interval" -> ps.setObject(i, MySqlValues.formatDuration(expect(v, Duration.class, c)), Types.OTHER);
            case "json", "jsonb" -> ps.setObject(i, noNul(v instanceof Json j ? j.text() : text(v, c)), Types.OTHER);
            case "bit", "varbit" -> ps.setObject(i, bits(v, c), Types.OTHER);
            default -> bindOther(ps, i, v, c);
        }
    }

    /**
     * Appends {@code v} converted for column {@code c} in COPY text format ({@code \N} for NULL, text escaped),
     * exactly as {@link #bind} would store it.
     *
     * @return false (with {@code out} partly written) when only the driver knows how it would bind this value
     * @throws ValueException when the column cannot represent the value, with the message {@link #bind} gives
     */
    static boolean appendCopy(StringBuilder out, Object v, FollowerColumn c) {
        if (v == null) {
            out.append("\\N");
            return true;
        }
        switch (c.typeName()) {
            case "int2" -> out.append(integer(v, Short.MIN_VALUE, Short.MAX_VALUE, c));
            case "int4" -> out.append(integer(v, Integer.MIN_VALUE, Integer.MAX_VALUE, c));
            case "int8" -> out.append(integer(v, Long.MIN_VALUE, Long.MAX_VALUE, c));
            case "numeric" -> out.append(decimal(v, c).toPlainString());
            case "float4" -> out.append(number(v, c).floatValue()); // shortest text that parses back to the same float
            case "float8" -> out.append(number(v, c).doubleValue());
            case "bool" -> out.append(bool(v, c) ? 't' : 'f');
            case "text", "varchar", "bpchar", "name", "citext" -> TabText.escape(out, text(v, c));
            case "bytea" -> PostgresCopyText.bytea(out, bytes(v, c));
            case "date" -> PostgresCopyText.date(out, expect(v, LocalDate.class, c));
            case "timestamp" -> PostgresCopyText.timestamp(out, localDateTime(v, c), "");
            case "timestamptz" -> PostgresCopyText.timestamp(out, localDateTime(v, c), "+00");
            case "time" -> {
                if (isEndOfDay(v)) {
                    out.append(END_OF_DAY);
                } else {
                    PostgresCopyText.time(out, time(v, c));
                }
            }
            case "interval" -> out.append(MySqlValues.formatDuration(expect(v, Duration.class, c)));
            case "json", "jsonb" -> TabText.escape(out, noNul(v instanceof Json j ? j.text() : text(v, c)));
            case "bit", "varbit" -> out.append(bits(v, c));
            default -> {
                return appendOther(out, v);
            }
        }
        return true;
    }

    private static boolean appendOther(StringBuilder out, Object v) {
        if (v instanceof String s) {
            TabText.escape(out, noNul(s));
        } else if (v instanceof Json j) {
            TabText.escape(out, noNul(j.text()));
        } else {
            return false;
        }
        return true;
    }

    /** Enums, uuid, inet and other types PostgreSQL parses from text; anything else goes to the driver as is. */
    private static void bindOther(PreparedStatement ps, int i, Object v, FollowerColumn c) throws SQLException {
        if (v instanceof String s) {
            ps.setObject(i, noNul(s), Types.OTHER);
        } else if (v instanceof Json j) {
            ps.setObject(i, noNul(j.text()), Types.OTHER);
        } else if (v instanceof Geometry g) {
            ps.setBytes(i, g.wkb());
        } else {
            ps.setObject(i, v);
        }
    }

    private static long integer(Object v, long min, long max, FollowerColumn c) {
        if (v instanceof Long l && l >= min && l <= max) {
            return l; // the common case, without BigInteger
        }
        BigInteger n;
        if (v instanceof Long l) {
            n = BigInteger.valueOf(l);
        } else if (v instanceof BigInteger b) {
            n = b;
        } else if (v instanceof Boolean b) {
            n = b ? BigInteger.ONE : BigInteger.ZERO;
        } else if (v instanceof BigDecimal d && d.stripTrailingZeros().scale() <= 0) {
            n = d.toBigIntegerExact();
        } else {
            throw mismatch(v, c);
        }
        if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new ValueException("value " + n + " is out of range for " + c.typeName()
                    + "; widen the follower column (bigint or numeric for unsigned leader integers)");
        }
        return n.longValue();
    }

    private static BigDecimal decimal(Object v, FollowerColumn c) {
        if (v instanceof BigDecimal d) {
            return d;
        }
        if (v instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        if (v instanceof Long || v instanceof Double || v instanceof Float) {
            return new BigDecimal(v.toString());
        }
        throw mismatch(v, c);
    }

    private static Number number(Object v, FollowerColumn c) {
        if (v instanceof Number n) {
            return n;
        }
        throw mismatch(v, c);
    }

    private static boolean bool(Object v, FollowerColumn c) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Long l && (l == 0 || l == 1)) {
            return l == 1;
        }
        if (v instanceof Long) {
            throw new ValueException("integer " + v + " cannot be stored in boolean (only 0 and 1 can); "
                    + "change the follower column to an integer type");
        }
        throw mismatch(v, c);
    }

    private static String text(Object v, FollowerColumn c) {
        if (v instanceof String s) {
            return noNul(s);
        }
        if (v instanceof Number || v instanceof Json || v instanceof Boolean) {
            return noNul(v instanceof Json j ? j.text() : v.toString());
        }
        throw mismatch(v, c);
    }

    private static String noNul(String s) {
        if (s.indexOf('\u0000') >= 0) {
            throw new ValueException("text contains the character U+0000 at index " + s.indexOf('\u0000')
                    + ", which PostgreSQL text cannot store; change the follower column to bytea or remove the "
                    + "character on the leader");
        }
        return s;
    }

    private static byte[] bytes(Object v, FollowerColumn c) {
        if (v instanceof byte[] b) {
            return b;
        }
        if (v instanceof Geometry g) {
            return g.wkb();
        }
        if (v instanceof String s) {
            return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        throw mismatch(v, c);
    }

    private static LocalDateTime localDateTime(Object v, FollowerColumn c) {
        if (v instanceof LocalDateTime t) {
            return t;
        }
        if (v instanceof Instant t) {
            return LocalDateTime.ofInstant(t, ZoneOffset.UTC);
        }
        throw mismatch(v, c);
    }

    /** PostgreSQL's time also holds 24:00:00 (a PostgreSQL leader's time column may), which LocalTime cannot. */
    private static void bindTime(PreparedStatement ps, int i, Object v, FollowerColumn c) throws SQLException {
        if (isEndOfDay(v)) {
            ps.setObject(i, END_OF_DAY, Types.OTHER);
        } else {
            ps.setObject(i, time(v, c));
        }
    }

    private static boolean isEndOfDay(Object v) {
        return DAY.equals(v);
    }

    private static LocalTime time(Object v, FollowerColumn c) {
        Duration d = expect(v, Duration.class, c);
        if (d.isNegative() || d.compareTo(DAY) >= 0) {
            throw new ValueException("TIME value " + MySqlValues.formatDuration(d) + " is outside PostgreSQL time's "
                    + "range 00:00:00 to 24:00:00; change the follower column to interval");
        }
        return LocalTime.ofNanoOfDay(d.toNanos());
    }

    private static String bits(Object v, FollowerColumn c) {
        if (v instanceof Bits b) {
            return b.bits();
        }
        if (v instanceof Boolean b) {
            return b ? "1" : "0";
        }
        if (v instanceof Long l && c.size() > 0) {
            String s = Long.toBinaryString(l);
            return s.length() >= c.size() ? s : "0".repeat(c.size() - s.length()) + s;
        }
        throw mismatch(v, c);
    }

    private static <T> T expect(Object v, Class<T> type, FollowerColumn c) {
        if (type.isInstance(v)) {
            return type.cast(v);
        }
        throw mismatch(v, c);
    }

    private static ValueException mismatch(Object v, FollowerColumn c) {
        return new ValueException("a " + v.getClass().getSimpleName() + " value cannot be stored in a " + c.typeName()
                + " column; change the follower column to a type that matches the leader's");
    }
}
