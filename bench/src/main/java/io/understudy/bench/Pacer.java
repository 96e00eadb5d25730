package io.understudy.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Spreads transactions evenly over time across threads at a fixed rate (none when the rate is 0).
 * Thread-safe.
 */
final class Pacer {
    private final double perSecond;
    private final long start = System.nanoTime();
    private final AtomicLong issued = new AtomicLong();

    Pacer(double perSecond) {
        this.perSecond = perSecond;
    }

    /** Blocks until the caller's slot is due. */
    void acquire() {
        if (perSecond <= 0) {
            return;
        }
        long due = start + (long) (issued.getAndIncrement() * 1e9 / perSecond);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
    }
}
