package io.understudy.applier;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;

/**
 * PostgreSQL COPY text format for values already converted by {@link PostgresValues}: escapes, bytea hex,
 * ISO dates and times (years before 1 as BC, like the JDBC driver). Stateless and thread-safe.
 */
final class PostgresCopyText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private PostgresCopyText() {
    }

    /** bytea hex input {@code \x0a1b}, its backslash escaped for COPY. */
    static StringBuilder bytea(StringBuilder out, byte[] b) {
        out.append("\\\\x");
        for (byte x : b) {
            out.append(HEX[(x >> 4) & 0xf]).append(HEX[x & 0xf]);
        }
        return out;
    }

    static StringBuilder date(StringBuilder out, LocalDate d) {
        int year = d.getYear();
        boolean bc = year <= 0;
        pad(out, bc ? 1 - year : year, 4).append('-');
        pad(out, d.getMonthValue(), 2).append('-');
        pad(out, d.getDayOfMonth(), 2);
        return bc ? out.append(" BC") : out;
    }

    /** {@code zone} (for example {@code +00}, or empty) goes before a BC suffix. */
    static StringBuilder timestamp(StringBuilder out, LocalDateTime t, String zone) {
        LocalDate d = t.toLocalDate();
        int year = d.getYear();
        boolean bc = year <= 0;
        pad(out, bc ? 1 - year : year, 4).append('-');
        pad(out, d.getMonthValue(), 2).append('-');
        pad(out, d.getDayOfMonth(), 2).append(' ');
        time(out, t.toLocalTime()).append(zone);
        return bc ? out.append(" BC") : out;
    }

    /** HH:MM:SS with the fraction to the nanosecond when there is one (PostgreSQL rounds to microseconds). */
    static StringBuilder time(StringBuilder out, LocalTime t) {
        pad(out, t.getHour(), 2).append(':');
        pad(out, t.getMinute(), 2).append(':');
        pad(out, t.getSecond(), 2);
        if (t.getNano() != 0) {
            pad(out.append('.'), t.getNano(), 9);
        }
        return out;
    }

    private static StringBuilder pad(StringBuilder out, int value, int width) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(s);
    }
}
