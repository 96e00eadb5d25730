package io.understudy.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One follower. A leader table {@code s.t} lands in {@code s.t} on a MySQL/MariaDB follower and in schema
 * {@code s}, table {@code t} of the URL's database on a PostgreSQL follower.
 *
 * @param applyThreads follower connections that apply independent leader transactions at once (commits stay
 *                     in leader order), 1..{@value #MAX_APPLY_THREADS}; 1 applies one transaction after another
 * @param maxLag       lag beyond which {@code /health/ready} reports the follower not ready, if set
 */
public record FollowerConfig(String name, Endpoint endpoint, int applyThreads, Optional<Duration> maxLag) {
    public static final int DEFAULT_APPLY_THREADS = 4;
    public static final int MAX_APPLY_THREADS = 32;

    public FollowerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(maxLag, "maxLag");
        if (applyThreads < 1 || applyThreads > MAX_APPLY_THREADS) {
            throw new IllegalArgumentException("apply-threads must be between 1 and " + MAX_APPLY_THREADS
                    + ", not " + applyThreads);
        }
    }

    /** A follower with the default number of apply threads. */
    public FollowerConfig(String name, Endpoint endpoint) {
        this(name, endpoint, DEFAULT_APPLY_THREADS);
    }

    /** A follower without a lag bound for readiness. */
    public FollowerConfig(String name, Endpoint endpoint, int applyThreads) {
        this(name, endpoint, applyThreads, Optional.empty());
    }
}
