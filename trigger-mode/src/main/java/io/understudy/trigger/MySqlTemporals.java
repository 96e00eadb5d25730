package io.understudy.trigger;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;

/**
 * Parses the text MariaDB/MySQL print for DATE, DATETIME and TIME values. Hand-written rather than a
 * {@link java.time.format.DateTimeFormatter} because the leader's values go beyond java.time's formats: zero dates
 * ({@code 0000-00-00}, {@code 2024-00-15}), the year 0, and TIME as a signed duration of up to 838 hours. Any number of
 * fractional digits up to 9 is read, so the text may come with the column's precision (MariaDB) or always six digits
 * (MySQL's JSON). Stateless and thread-safe.
 */
final class MySqlTemporals {
    private MySqlTemporals() {
    }

    /**
     * {@code YYYY-MM-DD}; null for a date with a zero month or day (the zero date included), as the snapshot's JDBC read
     * gives for the zero date and the binlog capture for every such date of a nullable column.
     */
    static LocalDate date(String text) {
        if (text.length() != 10 || text.charAt(4) != '-' || text.charAt(7) != '-') {
            throw new IllegalArgumentException("'" + text + "' is not a date (YYYY-MM-DD)");
        }
        return date(text, digits(text, 0, 4), digits(text, 5, 7), digits(text, 8, 10));
    }

    /** {@code YYYY-MM-DD HH:MM:SS[.fraction]} (or with a {@code T}); null when the date part has a zero month or day. */
    static LocalDateTime dateTime(String text) {
        if (text.length() < 19 || text.charAt(4) != '-' || text.charAt(7) != '-'
                || (text.charAt(10) != ' ' && text.charAt(10) != 'T') || text.charAt(13) != ':' || text.charAt(16) != ':') {
            throw new IllegalArgumentException("'" + text + "' is not a datetime (YYYY-MM-DD HH:MM:SS[.fraction])");
        }
        LocalDate date = date(text, digits(text, 0, 4), digits(text, 5, 7), digits(text, 8, 10));
        if (date == null) {
            return null;
        }
        try {
            return LocalDateTime.of(date, LocalTime.of(digits(text, 11, 13), digits(text, 14, 16), digits(text, 17, 19),
                    fractionNanos(text, 19)));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid datetime: " + e.getMessage(), e);
        }
    }

    /** {@code [-]H+:MM:SS[.fraction]}, a signed duration that may exceed 24 hours. */
    static Duration time(String text) {
        boolean negative = text.startsWith("-");
        int start = negative ? 1 : 0;
        int colon = text.indexOf(':', start);
        if (colon <= start || colon + 6 > text.length() || text.charAt(colon + 3) != ':') {
            throw new IllegalArgumentException("'" + text + "' is not a time ([-]H:MM:SS[.fraction])");
        }
        long hours = digits(text, start, colon);
        int minutes = digits(text, colon + 1, colon + 3);
        int seconds = digits(text, colon + 4, colon + 6);
        if (minutes > 59 || seconds > 59) {
            throw new IllegalArgumentException("'" + text + "' is not a valid time");
        }
        Duration d = Duration.ofSeconds(hours * 3600 + minutes * 60L + seconds, fractionNanos(text, colon + 6));
        return negative ? d.negated() : d;
    }

    private static LocalDate date(String text, int year, int month, int day) {
        if (month == 0 || day == 0) {
            return null;
        }
        try {
            return LocalDate.of(year, month, day);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid date (a leader running with"
                    + " ALLOW_INVALID_DATES stores such values; the binlog capture refuses them too): " + e.getMessage(), e);
        }
    }

    /** The nanoseconds of an optional {@code .fraction} starting at {@code from}, which must end the text. */
    private static int fractionNanos(String text, int from) {
        if (from == text.length()) {
            return 0;
        }
        int digits = text.length() - from - 1;
        if (text.charAt(from) != '.' || digits < 1 || digits > 9) {
            throw new IllegalArgumentException("'" + text + "' has no valid fraction of a second");
        }
        int nanos = digits(text, from + 1, text.length());
        for (int i = digits; i < 9; i++) {
            nanos *= 10;
        }
        return nanos;
    }

    private static int digits(String text, int from, int to) {
        if (to - from > 9) {
            throw new IllegalArgumentException("'" + text + "' has a number too long at offset " + from);
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("'" + text + "' has '" + c + "' where a digit belongs");
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
