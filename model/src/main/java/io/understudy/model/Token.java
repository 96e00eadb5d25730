package io.understudy.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A causality token: a leader position an application carries from its write to a later read ("read what I wrote",
 * also from another process or device), written as one string: {@code e<epoch>/<position>}, or the position alone,
 * which means epoch 1. Immutable and thread-safe.
 *
 * <p>The position is what the leader gives a session cheaply after its commit (docs/readers.md):
 * <ul>
 *   <li>a MariaDB GTID or GTID list ({@code @@last_gtid}, {@code @@gtid_binlog_pos}): {@code 0-1-42,1-1-7};</li>
 *   <li>a MySQL GTID set ({@code @@gtid_executed}, {@code session_track_gtids}): {@code 3e11fa47-...:1-42};</li>
 *   <li>a trigger-mode tick ({@code SELECT MAX(id) + 1 FROM understudy.tick} after the commit): {@code tick:812}.</li>
 * </ul>
 * A token names, per GTID domain (MariaDB) or server uuid (MySQL), the highest sequence number it needs; a follower
 * has it when its applied position reaches each of them. That is containment, because a follower applies the leader's
 * transactions in the leader's commit order, in which each domain's or uuid's sequence numbers only grow. The tick of
 * a token is the first tick that can include the write: ticks taken after a commit include it.
 *
 * <p>The epoch counts leader changes (failover, switchover). A follower has a token only in the token's own epoch: a
 * new leader numbers its transactions anew, so a position of an older epoch says nothing about what the follower holds
 * of the new leader's history, and the reverse. Until Understudy performs leader changes, every leader has epoch 1.
 */
public final class Token {
    /** The epoch of every leader until Understudy changes leaders (the failover issue numbers the next ones). */
    public static final long FIRST_EPOCH = 1;
    private static final String TICK = "tick:";

    private final long epoch;
    private final Map<String, Long> sequences; // GTID domain or uuid -> highest sequence number; empty for ticks
    private final long tick; // -1 for GTID tokens

    private Token(long epoch, Map<String, Long> sequences, long tick) {
        this.epoch = epoch;
        this.sequences = Collections.unmodifiableMap(sequences);
        this.tick = tick;
    }

    /** Parses a token; the message of the exception says what is wrong and what a token looks like. */
    public static Token parse(String text) {
        if (text == null || text.isBlank()) {
            throw malformed(text, "it is empty");
        }
        String s = text.trim();
        long epoch = 1;
        int slash = s.indexOf('/');
        if (slash >= 0) {
            if (!s.startsWith("e") || slash == 1) {
                throw malformed(text, "it must start with e<epoch>/ or with the position");
            }
            epoch = number(s.substring(1, slash), text, "epoch");
            if (epoch < 1) {
                throw malformed(text, "epochs start at 1");
            }
            s = s.substring(slash + 1);
        }
        if (s.startsWith(TICK)) {
            return new Token(epoch, new LinkedHashMap<>(), number(s.substring(TICK.length()), text, "tick"));
        }
        return new Token(epoch, gtids(s, text), -1);
    }

    /**
     * The token of an applied position: what a follower that stores it holds. Empty for a binlog position without
     * GTIDs (a MySQL leader with {@code gtid_mode=OFF}), which tokens cannot name.
     */
    public static Optional<Token> of(Position position, long epoch) {
        if (position instanceof TickPosition t) {
            return Optional.of(new Token(epoch, new LinkedHashMap<>(), t.tick()));
        }
        BinlogPosition b = (BinlogPosition) position;
        return b.executed().isBlank() ? Optional.empty() : Optional.of(new Token(epoch, gtids(b.executed(), b.executed()), -1));
    }

    private static Map<String, Long> gtids(String s, String text) {
        Map<String, Long> sequences = new LinkedHashMap<>();
        for (String raw : s.replace("\n", "").split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            String key;
            long seq;
            int colon = entry.indexOf(':');
            if (colon >= 0) { // MySQL uuid:interval[:interval]..., the last interval ends highest
                key = entry.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
                String last = entry.substring(entry.lastIndexOf(':') + 1);
                seq = number(last.substring(last.lastIndexOf('-') + 1), text, "GTID sequence number");
                if (key.length() != 36) {
                    throw malformed(text, "'" + entry + "' is not a MySQL GTID (uuid:n or uuid:a-b; tagged GTIDs are not supported)");
                }
            } else { // MariaDB domain-server-seq
                String[] parts = entry.split("-");
                if (parts.length != 3) {
                    throw malformed(text, "'" + entry + "' is neither a MariaDB GTID (domain-server-seq) nor a MySQL GTID (uuid:n)");
                }
                number(parts[1], text, "GTID server id");
                key = Long.toString(number(parts[0], text, "GTID domain"));
                seq = number(parts[2], text, "GTID sequence number");
            }
            sequences.merge(key, seq, Math::max);
        }
        if (sequences.isEmpty()) {
            throw malformed(text, "it names no GTID");
        }
        return sequences;
    }

    private static long number(String s, String text, String what) {
        try {
            long n = Long.parseLong(s.trim());
            if (n < 0) {
                throw malformed(text, "the " + what + " is negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw malformed(text, "the " + what + " '" + s + "' is not a number");
        }
    }

    private static IllegalArgumentException malformed(String text, String why) {
        return new IllegalArgumentException("'" + text + "' is not an Understudy token (" + why + "); a token is a leader"
                + " position, optionally after e<epoch>/: a MariaDB GTID list (0-1-42), a MySQL GTID set (uuid:1-42) or a"
                + " trigger-mode tick (tick:812)");
    }

    public long epoch() {
        return epoch;
    }

    /** Whether a follower whose applied position is {@code applied} holds everything this token names. */
    public boolean coveredBy(Token applied) {
        if (applied.epoch != epoch || isTick() != applied.isTick()) {
            return false;
        }
        if (isTick()) {
            return applied.tick >= tick;
        }
        for (Map.Entry<String, Long> e : sequences.entrySet()) {
            Long have = applied.sequences.get(e.getKey());
            if (have == null || have < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * How many leader transactions {@code applied} lacks of this token: per domain or uuid the difference of the
     * sequence numbers, the difference of ticks for ticks; 0 when it has them all.
     */
    public long behind(Token applied) {
        if (isTick()) {
            return applied.isTick() ? Math.max(0, tick - applied.tick) : tick;
        }
        long behind = 0;
        for (Map.Entry<String, Long> e : sequences.entrySet()) {
            behind += Math.max(0, e.getValue() - applied.sequences.getOrDefault(e.getKey(), 0L));
        }
        return behind;
    }

    /**
     * The smallest token that covers both (for monotonic reads: a session's token only moves forward). Tokens of
     * different epochs or kinds do not merge: the newer epoch wins, since an older epoch's position says nothing
     * about the current leader's history.
     */
    public Token max(Token other) {
        if (other.epoch != epoch) {
            return other.epoch > epoch ? other : this;
        }
        if (isTick() != other.isTick()) {
            throw new IllegalArgumentException("cannot merge token " + this + " with " + other + ": one is a trigger-mode"
                    + " tick, the other a GTID position");
        }
        if (isTick()) {
            return other.tick > tick ? other : this;
        }
        Map<String, Long> merged = new LinkedHashMap<>(sequences);
        other.sequences.forEach((k, v) -> merged.merge(k, v, Math::max));
        return new Token(epoch, merged, -1);
    }

    private boolean isTick() {
        return tick >= 0;
    }

    /** The canonical form, {@code e<epoch>/<position>}; GTIDs as {@code domain-0-seq} or {@code uuid:seq}. */
    @Override
    public String toString() {
        if (isTick()) {
            return "e" + epoch + "/" + TICK + tick;
        }
        StringBuilder s = new StringBuilder("e").append(epoch).append('/');
        String sep = "";
        for (Map.Entry<String, Long> e : sequences.entrySet()) {
            s.append(sep).append(e.getKey()).append(e.getKey().length() == 36 ? ":" : "-0-").append(e.getValue());
            sep = ",";
        }
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Token t && t.epoch == epoch && t.tick == tick && t.sequences.equals(sequences);
    }

    @Override
    public int hashCode() {
        return Objects.hash(epoch, sequences, tick);
    }
}
