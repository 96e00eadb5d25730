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
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Binds leader values natively on MariaDB/MySQL; range and format checks are left to the follower's strict
 * sql_mode, except a DECIMAL's scale, which strict mode does not check (it rounds), and NaN and infinities,
 * which the server would read as column names. Spatial columns take two parameters (WKB, SRID) for {@code ST_GeomFromWKB(?, ?)}.
 */
final class MySqlValues {
    private MySqlValues() {
    }

    static int bind(PreparedStatement ps, int i, Object v, FollowerColumn c) throws SQLException {
        if (MySqlFamilyDialect.isSpatial(c)) {
            if (v == null) {
                ps.setNull(i, Types.VARBINARY);
                ps.setNull(i + 1, Types.INTEGER);
            } else if (v instanceof Geometry g) {
                ps.setBytes(i, g.wkb());
                ps.setInt(i + 1, g.srid());
            } else {
                throw new ValueException("a " + v.getClass().getSimpleName() + " value cannot be stored in a "
                        + c.typeName() + " column; change the follower column to the leader's type");
            }
            return i + 2;
        }
        if (v instanceof BigDecimal d && c.scale() >= 0 && c.typeName().startsWith("decimal")) {
            requireScale(d, c);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            requireFinite(v, d);
            if (v instanceof Float && c.typeName().startsWith("float")) {
                // the float's exact value: its shortest decimal text, read as a double first, may fall outside
                // FLOAT's range (3.4028235E38) or round to a neighbouring float
                ps.setDouble(i, d);
                return i + 1;
            }
        }
        bindScalar(ps, i, v);
        return i + 1;
    }

    /** The server would read NaN and infinities as column names. */
    static void requireFinite(Object v, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new ValueException("value " + v + " cannot be stored: MariaDB/MySQL floating-point columns hold no"
                    + " NaN or infinity; change the follower column to a character type, or the value on the leader");
        }
    }

    /** MariaDB/MySQL round extra fraction digits into a DECIMAL with only a note, even in strict mode. */
    static void requireScale(BigDecimal d, FollowerColumn c) {
        int scale = d.signum() == 0 ? 0 : d.stripTrailingZeros().scale();
        if (scale > c.scale()) {
            throw new ValueException("value " + d.toPlainString() + " has " + scale + " digits after the decimal point"
                    + " but the follower column keeps " + c.scale() + " (DECIMAL(" + c.size() + "," + c.scale() + ")),"
                    + " so it would be rounded; widen the follower column's scale");
        }
    }

    private static void bindScalar(PreparedStatement ps, int i, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.NULL);
        } else if (v instanceof Long l) {
            ps.setLong(i, l);
        } else if (v instanceof BigInteger b) {
            ps.setBigDecimal(i, new BigDecimal(b));
        } else if (v instanceof Boolean b) {
            ps.setBoolean(i, b);
        } else if (v instanceof Instant t) {
            ps.setString(i, dateTime(LocalDateTime.ofInstant(t, ZoneOffset.UTC))); // session time_zone is '+00:00'
        } else if (v instanceof LocalDateTime t) {
            ps.setString(i, dateTime(t));
        } else if (v instanceof Duration d) {
            ps.setString(i, formatDuration(d));
        } else if (v instanceof Json j) {
            ps.setString(i, j.text());
        } else if (v instanceof Bits b) {
            ps.setBytes(i, bitBytes(b));
        } else if (v instanceof Geometry g) {
            ps.setBytes(i, g.wkb());
        } else {
            ps.setObject(i, v); // String, byte[], BigDecimal, Double, Float, LocalDate
        }
    }

    /**
     * {@code yyyy-MM-dd HH:mm:ss[.ffffff]} with the ISO year (0 for 1 BC, a sign before years under 0 or over 9999,
     * which the follower refuses): MariaDB Connector/J writes a LocalDateTime's year of era, so 44 BC would
     * silently become 0044.
     */
    static String dateTime(LocalDateTime t) {
        return appendDateTime(new StringBuilder(26), t).toString();
    }

    /** {@link #dateTime} appended to {@code out} (the snapshot's hot path: no Formatter per value). */
    static StringBuilder appendDateTime(StringBuilder out, LocalDateTime t) {
        out.append(t.toLocalDate()).append(' ');
        pad2(out, t.getHour()).append(':');
        pad2(out, t.getMinute()).append(':');
        pad2(out, t.getSecond());
        return fraction(out, t.getNano());
    }

    private static StringBuilder pad2(StringBuilder out, long v) {
        return (v < 10 ? out.append('0') : out).append(v);
    }

    /** {@code .ffffff} (microseconds) or {@code .fffffffff} (a nanosecond part), nothing for a whole second. */
    private static StringBuilder fraction(StringBuilder out, int nanos) {
        if (nanos == 0) {
            return out;
        }
        boolean micros = nanos % 1000 == 0;
        String digits = Integer.toString(micros ? nanos / 1000 : nanos);
        out.append('.');
        for (int k = digits.length(); k < (micros ? 6 : 9); k++) {
            out.append('0');
        }
        return out.append(digits);
    }

    /** Big-endian bytes of a bit string, as b'0101' would be. */
    static byte[] bitBytes(Bits bits) {
        String s = bits.bits();
        byte[] out = new byte[Math.max(1, (s.length() + 7) / 8)];
        for (int k = 0; k < s.length(); k++) {
            if (s.charAt(s.length() - 1 - k) == '1') {
                out[out.length - 1 - k / 8] |= (byte) (1 << (k % 8));
            }
        }
        return out;
    }

    /** {@code [-]HH:MM:SS[.ffffff]}; hours may exceed 24 (MySQL TIME spans ±838:59:59). */
    static String formatDuration(Duration d) {
        return appendDuration(new StringBuilder(16), d).toString();
    }

    static StringBuilder appendDuration(StringBuilder out, Duration d) {
        Duration abs = d.abs();
        long seconds = abs.getSeconds();
        if (d.isNegative()) {
            out.append('-');
        }
        pad2(out, seconds / 3600).append(':');
        pad2(out, (seconds / 60) % 60).append(':');
        pad2(out, seconds % 60);
        int micros = abs.getNano() / 1000;
        return micros == 0 ? out : fraction(out, micros * 1000);
    }
}
