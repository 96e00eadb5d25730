package io.understudy.model;

/**
 * A trigger-mode position: the leader tick after which to resume. Tick {@code n} stands for the set of leader
 * transactions visible in the leader snapshot taken when the tick was made; ticks grow with that snapshot, so
 * ordering by tick is ordering by leader commit (docs/trigger-mode.md). Immutable and thread-safe.
 *
 * @param tick the leader tick id, {@code >= 0}
 */
public record TickPosition(long tick) implements Position, Comparable<TickPosition> {
    private static final String PREFIX = "tick:";

    public TickPosition {
        if (tick < 0) {
            throw new IllegalArgumentException("tick must be >= 0 but is " + tick);
        }
    }

    /** Decodes {@link #encode()}'s form, {@code tick:<n>}. */
    public static TickPosition decode(String encoded) {
        if (encoded == null || !encoded.startsWith(PREFIX)) {
            throw new IllegalArgumentException("'" + encoded + "' is not a trigger-mode position (tick:<n>); the"
                    + " follower's position was written by another capture mode");
        }
        try {
            return new TickPosition(Long.parseLong(encoded.substring(PREFIX.length())));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + encoded + "' is not a trigger-mode position (tick:<n>)", e);
        }
    }

    @Override
    public String encode() {
        return PREFIX + tick;
    }

    @Override
    public String describe() {
        return "tick " + tick;
    }

    @Override
    public int compareTo(TickPosition other) {
        return Long.compare(tick, other.tick);
    }

    @Override
    public String toString() {
        return describe();
    }
}
