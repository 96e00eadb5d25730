package io.understudy.cli.daemon;

import java.time.Duration;

/** Exponential backoff between retries of one follower: 0.5 s doubling up to a cap, reset on success. Not thread-safe. */
final class Backoff {
    private final Duration initial;
    private final Duration max;
    private Duration next;

    Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
        this.next = initial;
    }

    Duration next() {
        Duration current = next;
        next = next.multipliedBy(2).compareTo(max) > 0 ? max : next.multipliedBy(2);
        return current;
    }

    void reset() {
        next = initial;
    }
}
