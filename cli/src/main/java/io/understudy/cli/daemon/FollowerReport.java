package io.understudy.cli.daemon;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One follower as {@code /health}, {@code /health/ready} and the status page show it: its pipeline state and its lag.
 * Immutable.
 *
 * @param token               the follower's applied position as a causality token, or null (docs/readers.md)
 * @param lagSeconds          {@link Lag#seconds()}; null while unknown
 * @param transactionsBehind  {@link Lag#transactions()}; null when unknown or in trigger mode
 * @param bytesBehind         {@link Lag#bytes()}; null when unknown
 * @param ticksBehind         {@link Lag#ticks()}; null in binlog mode
 * @param maxLagSeconds       the follower's {@code max-lag}, or null
 * @param ready               not FAILED, and within {@code max-lag} when one applies
 */
public record FollowerReport(String follower, FollowerState.Phase phase, String position, String token, Double lagSeconds,
                             Long transactionsBehind, Long bytesBehind, Long ticksBehind, Double maxLagSeconds,
                             boolean ready, Instant lastCommitTime, Instant lastAppliedAt, long transactions, long rows,
                             String error) {
    static FollowerReport of(FollowerState s, Optional<AppliedPositions.Applied> applied, Lag lag, Optional<Duration> maxLag) {
        Double seconds = Double.isNaN(lag.seconds()) ? null : Math.round(lag.seconds() * 1000) / 1000.0;
        Double max = maxLag.map(d -> d.toMillis() / 1000.0).orElse(null);
        return new FollowerReport(s.follower(), s.phase(), s.position(),
                applied.flatMap(AppliedPositions.Applied::token).map(Object::toString).orElse(null), seconds,
                lag.transactions() < 0 ? null : lag.transactions(), lag.bytes() < 0 ? null : lag.bytes(),
                lag.ticks() < 0 ? null : lag.ticks(), max, ready(s.phase(), seconds, max), s.lastCommitTime(), s.lastAppliedAt(),
                s.transactions(), s.rows(), s.error());
    }

    /** Ready against another bound ({@code /health/ready?max-lag=}). */
    FollowerReport withMaxLag(Duration maxLag) {
        double max = maxLag.toMillis() / 1000.0;
        return new FollowerReport(follower, phase, position, token, lagSeconds, transactionsBehind, bytesBehind,
                ticksBehind, max, ready(phase, lagSeconds, max),
                lastCommitTime, lastAppliedAt, transactions, rows, error);
    }

    private static boolean ready(FollowerState.Phase phase, Double seconds, Double max) {
        return phase != FollowerState.Phase.FAILED && (max == null || seconds != null && seconds <= max);
    }
}
