package io.understudy.trigger;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the date and time text {@code row_to_json} writes (ISO 8601 with a {@code T}, whatever the session's
 * DateStyle; years beyond 9999 with more digits; years before 1 as {@code ... BC}). Years are returned astronomical
 * (1 BC is year 0), as {@link LocalDate} counts. {@code infinity} and {@code -infinity} have no Java value:
 * {@link IllegalArgumentException}. Stateless and thread-safe.
 */
final class PostgresTimes {
    private static final String DATE = "(\\d{4,})-(\\d{2})-(\\d{2})";
    private static final String TIME = "(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?";
    private static final Pattern DATE_ONLY = Pattern.compile(DATE + "( BC)?");
    private static final Pattern TIME_ONLY = Pattern.compile(TIME);
    private static final Pattern TIMESTAMP = Pattern.compile(DATE + "T" + TIME
            + "(?:([+-])(\\d{2})(?::(\\d{2}))?(?::(\\d{2}))?)?( BC)?");
    private static final Duration DAY = Duration.ofDays(1);

    private PostgresTimes() {
    }

    static LocalDate date(String text) {
        Matcher m = match(DATE_ONLY, text, "date");
        return localDate(m, m.group(4) != null);
    }

    static LocalDateTime timestamp(String text) {
        Matcher m = match(TIMESTAMP, text, "timestamp");
        if (m.group(8) != null) {
            throw new IllegalArgumentException("'" + text + "' has a time zone offset, unexpected for a timestamp"
                    + " without time zone");
        }
        return localDateTime(m);
    }

    static Instant timestamptz(String text) {
        Matcher m = match(TIMESTAMP, text, "timestamp with time zone");
        if (m.group(8) == null) {
            throw new IllegalArgumentException("'" + text + "' lacks the time zone offset of a timestamp with time zone");
        }
        int sign = m.group(8).equals("-") ? -1 : 1;
        ZoneOffset offset = ZoneOffset.ofHoursMinutesSeconds(sign * Integer.parseInt(m.group(9)),
                sign * parseOrZero(m.group(10)), sign * parseOrZero(m.group(11)));
        return localDateTime(m).toInstant(offset);
    }

    /** A time of day as the duration since midnight; PostgreSQL's time includes 24:00:00. */
    static Duration time(String text) {
        Matcher m = match(TIME_ONLY, text, "time");
        Duration d = Duration.ofHours(Integer.parseInt(m.group(1))).plusMinutes(Integer.parseInt(m.group(2)))
                .plusSeconds(Integer.parseInt(m.group(3))).plusNanos(nanos(m.group(4)));
        if (d.compareTo(DAY) > 0 || Integer.parseInt(m.group(2)) > 59 || Integer.parseInt(m.group(3)) > 59) {
            throw new IllegalArgumentException("'" + text + "' is not a time of day");
        }
        return d;
    }

    private static Matcher match(Pattern p, String text, String what) {
        if (text.endsWith("infinity")) {
            throw new IllegalArgumentException("the " + what + " '" + text + "' has no exact Java value (infinite"
                    + " dates and timestamps cannot be replicated); replace it on the leader with a real " + what);
        }
        Matcher m = p.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a " + what + " as row_to_json writes it");
        }
        return m;
    }

    private static LocalDate localDate(Matcher m, boolean bc) {
        int year = Integer.parseInt(m.group(1));
        try {
            return LocalDate.of(bc ? 1 - year : year, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + m.group() + "' is not a valid date: " + e.getMessage(), e);
        }
    }

    private static LocalDateTime localDateTime(Matcher m) {
        LocalDate date = localDate(m, m.group(12) != null);
        int hour = Integer.parseInt(m.group(4));
        if (hour > 23) {
            throw new IllegalArgumentException("'" + m.group() + "' has hour " + hour);
        }
        try {
            return date.atTime(hour, Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)), nanos(m.group(7)));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + m.group() + "' is not a valid timestamp: " + e.getMessage(), e);
        }
    }

    private static int nanos(String fraction) {
        return fraction == null ? 0 : Integer.parseInt((fraction + "00000000").substring(0, 9));
    }

    private static int parseOrZero(String digits) {
        return digits == null ? 0 : Integer.parseInt(digits);
    }
}
