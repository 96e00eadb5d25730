package io.understudy.snapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a snapshot did.
 *
 * @param follower       the follower's name
 * @param ddl            the follower DDL (statements run, or to run for a dry run)
 * @param tables         tables copied or found already copied
 * @param rows           rows copied in this run
 * @param bytes          approximate bytes of the values copied in this run
 * @param elapsed        wall-clock time of the copy
 * @param streamingStart the position streaming starts from (description), empty for a dry run
 * @param copyStarted    when the copy began (after the catalog was read and the tables created), null when
 *                       nothing was copied
 */
public record SnapshotResult(String follower, List<String> ddl, int tables, long rows, long bytes, Duration elapsed,
                             String streamingStart, Instant copyStarted) {
    public SnapshotResult {
        ddl = List.copyOf(ddl);
    }

    public double rowsPerSecond() {
        return elapsed.toMillis() == 0 ? rows : rows * 1000.0 / elapsed.toMillis();
    }

    public double megabytesPerSecond() {
        return elapsed.toMillis() == 0 ? 0 : bytes / 1e6 * 1000.0 / elapsed.toMillis();
    }
}
