package io.understudy.catalog;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** Keeps an average rate of rows per second by pausing the reading thread. Not thread-safe. */
final class Throttle {
    private final long maxPerSecond;
    private final LongSupplier nanoTime;
    private long start;
    private long total;

    /** {@code maxPerSecond} 0 means unlimited. */
    Throttle(long maxPerSecond, LongSupplier nanoTime) {
        this.maxPerSecond = maxPerSecond;
        this.nanoTime = nanoTime;
        this.start = nanoTime.getAsLong();
    }

    /** Accounts for {@code rows} just read and pauses until the average rate is back under the limit. */
    void acquire(long rows) throws InterruptedException {
        if (maxPerSecond == 0) {
            return;
        }
        total += rows;
        long due = start + (long) (total * 1e9 / maxPerSecond);
        long wait = due - nanoTime.getAsLong();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
