package io.understudy.catalog;

/**
 * How {@link ChunkedVerifier} reads. Immutable and thread-safe.
 *
 * @param chunkSize        leader rows per chunk (one keyset-paginated SELECT each), 1..100000
 * @param maxRowsPerSecond throttle on rows read from the leader; 0 means unlimited
 * @param maxDiffsKept     differing keys kept per table for re-checking and listing; further ones are only counted
 */
public record VerifyOptions(int chunkSize, long maxRowsPerSecond, int maxDiffsKept) {
    /** 1000-row chunks, no throttle, 10,000 differing keys kept. */
    public static final VerifyOptions DEFAULTS = new VerifyOptions(1000, 0, 10_000);

    public VerifyOptions {
        if (chunkSize < 1 || chunkSize > 100_000) {
            throw new IllegalArgumentException("chunk size must be 1..100000, got " + chunkSize);
        }
        if (maxRowsPerSecond < 0) {
            throw new IllegalArgumentException("max rows per second must be 0 (unlimited) or positive, got "
                    + maxRowsPerSecond);
        }
        if (maxDiffsKept < 1) {
            throw new IllegalArgumentException("max differences kept must be positive, got " + maxDiffsKept);
        }
    }
}
