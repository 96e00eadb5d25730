package io.understudy.model;

import java.util.Objects;

/**
 * A trigger-mode position: the leader tick after which to resume. Tick {@code n} stands for the set of leader
 * transactions visible in the leader snapshot taken when the tick was made; ticks grow with that snapshot, so
 * ordering by tick is ordering by leader commit (docs/trigger-mode.md). Ticks are numbered per installation of the
 * triggers (they restart at 0 after an uninstall and install), so a position names its installation too. Immutable
 * and thread-safe.
 *
 * @param tick         the leader tick id, {@code >= 0}
 * @param installation the id of the leader's trigger installation the tick belongs to
 */
public record TickPosition(long tick, String installation) implements Position, Comparable<TickPosition> {
    private static final String PREFIX = "tick:";

    public TickPosition {
        if (tick < 0) {
            throw new IllegalArgumentException("tick must be >= 0 but is " + tick);
        }
        Objects.requireNonNull(installation, "installation");
        if (installation.isBlank() || installation.contains("@")) {
            throw new IllegalArgumentException("'" + installation + "' is not an installation id");
        }
    }

    /** Decodes {@link #encode()}'s form, {@code tick:<n>@<installation>}. */
    public static TickPosition decode(String encoded) {
        int at = encoded == null ? -1 : encoded.indexOf('@');
        if (encoded == null || !encoded.startsWith(PREFIX) || at < 0) {
            throw new IllegalArgumentException("'" + encoded + "' is not a trigger-mode position (tick:<n>@<installation>);"
                    + " the follower's position was written by another capture mode");
        }
        try {
            return new TickPosition(Long.parseLong(encoded.substring(PREFIX.length(), at)), encoded.substring(at + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + encoded + "' is not a trigger-mode position (tick:<n>@<installation>)", e);
        }
    }

    /** The position of another tick of the same installation. */
    public TickPosition at(long otherTick) {
        return new TickPosition(otherTick, installation);
    }

    @Override
    public String encode() {
        return PREFIX + tick + "@" + installation;
    }

    @Override
    public String describe() {
        return "tick " + tick;
    }

    /** Orders ticks of one installation. */
    @Override
    public int compareTo(TickPosition other) {
        return Long.compare(tick, other.tick);
    }

    @Override
    public String toString() {
        return describe();
    }
}
