package io.understudy.cli.daemon;

import io.understudy.config.Durations;
import io.understudy.config.SyncConfig;
import io.understudy.model.Token;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code /wait}: blocks until enough followers have applied a causality token's leader position, woken by each
 * follower commit (docs/readers.md, "Waiting"). {@code followers=N} (any N of them), {@code followers=a,b} (all of
 * those), or {@code followers=sync} — the default when the YAML has a {@code sync:} set, else 1: the first N
 * streaming followers of the set's list, or any N of them ({@link SyncConfig}). Returns at once when the followers
 * that can still get there are too few (a FAILED follower never will). Thread-safe.
 */
final class Waits {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);

    /** A follower that has the token, with the position it had when the answer was made and when it committed it. */
    record Have(String follower, String applied, java.time.Instant appliedAt) {
    }

    /** A follower that does not have it (yet), with its phase. */
    record Missing(String follower, String applied, FollowerState.Phase phase) {
    }

    /** The answer: 200 when satisfied, else 504 with who has it and who does not. */
    record Result(String token, boolean satisfied, int required, List<Have> have, List<Missing> missing, long waitedMs) {
    }

    private final AppliedPositions positions;
    private final Supplier<List<FollowerState>> states;
    private final Optional<SyncConfig> sync;

    Waits(AppliedPositions positions, Supplier<List<FollowerState>> states, Optional<SyncConfig> sync) {
        this.positions = positions;
        this.states = states;
        this.sync = sync;
    }

    /**
     * The followers that count as synchronous now: with FIRST n, the first n of the list that are streaming (when
     * fewer stream, also the next ones, which then make the wait time out rather than pass with fewer); with ANY n,
     * the whole list. Empty without a sync set.
     */
    List<String> synchronous(Map<String, FollowerState.Phase> phases) {
        if (sync.isEmpty()) {
            return List.of();
        }
        SyncConfig s = sync.get();
        if (!s.priority()) {
            return s.followers();
        }
        List<String> chosen = new ArrayList<>();
        for (boolean streaming : new boolean[] {true, false}) {
            for (String f : s.followers()) {
                if (chosen.size() < s.count() && !chosen.contains(f)
                        && (phases.get(f) == FollowerState.Phase.STREAMING) == streaming) {
                    chosen.add(f);
                }
            }
        }
        return chosen;
    }

    Optional<SyncConfig> sync() {
        return sync;
    }

    Result await(String tokenText, String followersText, String timeoutText) throws InterruptedException {
        if (tokenText == null) {
            throw new IllegalArgumentException("give the token to wait for: /wait?token=<token>[&followers=N|a,b][&timeout=2s]");
        }
        Token token = Token.parse(tokenText);
        if (token.epoch() != Token.FIRST_EPOCH) {
            throw new IllegalArgumentException("token " + tokenText + " is of leader epoch " + token.epoch()
                    + ", but this leader's epoch is " + Token.FIRST_EPOCH + "; it came from another topology");
        }
        Duration timeout = timeoutText == null ? DEFAULT_TIMEOUT : Durations.parse(timeoutText);
        if (timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("timeout " + timeoutText + " is longer than the most /wait waits, "
                    + Durations.format(MAX_TIMEOUT));
        }
        List<String> all = states.get().stream().map(FollowerState::follower).toList();
        List<String> candidates;
        int required;
        boolean bySync = followersText == null || followersText.isBlank() ? sync.isPresent() : followersText.trim().equals("sync");
        if (bySync) {
            if (sync.isEmpty()) {
                throw new IllegalArgumentException("followers=sync needs a sync: set in the configuration (docs/readers.md)");
            }
            candidates = null; // chosen anew at each look: a priority set moves on when a follower stops streaming
            required = sync.get().count();
        } else if (followersText == null || followersText.isBlank() || followersText.trim().matches("\\d+")) {
            required = followersText == null || followersText.isBlank() ? 1 : Integer.parseInt(followersText.trim());
            if (required < 1 || required > all.size()) {
                throw new IllegalArgumentException("followers=" + followersText + " asks for more followers than the "
                        + all.size() + " there are (" + String.join(", ", all) + "), or for none");
            }
            candidates = all;
        } else {
            candidates = new ArrayList<>();
            for (String name : followersText.split(",")) {
                String n = name.trim();
                if (!all.contains(n)) {
                    throw new IllegalArgumentException("no follower named '" + n + "'; followers: " + String.join(", ", all));
                }
                if (!candidates.contains(n)) {
                    candidates.add(n);
                }
            }
            required = candidates.size();
        }
        long started = System.nanoTime();
        int need = required;
        Optional<Result> done = positions.await(applied -> decide(token, candidates, need, applied, false, started),
                timeout.toNanos());
        return done.orElseGet(() -> decide(token, candidates, need, positions.snapshot(), true, started).orElseThrow());
    }

    /** The answer once it is decided (enough have it, or too few can still get it), or always when {@code last}. */
    private Optional<Result> decide(Token token, List<String> fixed, int required,
                                    Map<String, AppliedPositions.Applied> applied, boolean last, long started) {
        Map<String, FollowerState.Phase> phases = new java.util.HashMap<>();
        states.get().forEach(s -> phases.put(s.follower(), s.phase()));
        List<String> candidates = fixed != null ? fixed : synchronous(phases);
        if (fixed == null && sync.orElseThrow().priority()) {
            required = candidates.size(); // every chosen one
        }
        List<Have> have = new ArrayList<>();
        List<Missing> missing = new ArrayList<>();
        int hopeless = 0;
        for (String name : candidates) {
            AppliedPositions.Applied a = applied.get(name);
            String at = a == null ? null : a.token().map(Object::toString).orElse(null);
            if (a != null && a.token().isPresent() && token.coveredBy(a.token().get())) {
                have.add(new Have(name, at, a.appliedAt()));
            } else {
                FollowerState.Phase phase = phases.get(name);
                missing.add(new Missing(name, at, phase));
                if (phase == FollowerState.Phase.FAILED || phase == FollowerState.Phase.STOPPED) {
                    hopeless++;
                }
            }
        }
        boolean satisfied = have.size() >= required;
        boolean impossible = candidates.size() - hopeless < required;
        if (!satisfied && !impossible && !last) {
            return Optional.empty();
        }
        return Optional.of(new Result(token.toString(), satisfied, required, have, missing,
                (System.nanoTime() - started) / 1_000_000));
    }
}
