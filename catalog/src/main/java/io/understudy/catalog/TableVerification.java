package io.understudy.catalog;

import io.understudy.model.TableId;
import java.util.List;
import java.util.Objects;

/**
 * The result of comparing one table on the leader and one follower. Immutable and thread-safe.
 *
 * @param table        the table (same schema and name on both sides)
 * @param keyColumns   the key the rows were compared by
 * @param leaderRows   rows read on the leader
 * @param followerRows rows on the follower (leader rows, minus missing, plus extra ones)
 * @param chunks       leader chunks compared
 * @param differences  differing rows in total, also those beyond {@code diffs}
 * @param diffs        the differing rows kept (at most {@link VerifyOptions#maxDiffsKept()}), in discovery order
 */
public record TableVerification(TableId table, List<String> keyColumns, long leaderRows, long followerRows,
                                long chunks, long differences, List<RowDiff> diffs) {
    public TableVerification {
        Objects.requireNonNull(table, "table");
        keyColumns = List.copyOf(keyColumns);
        diffs = List.copyOf(diffs);
        if (differences < diffs.size()) {
            throw new IllegalArgumentException("differences " + differences + " < kept diffs " + diffs.size());
        }
    }

    /** Whether both sides hold the same rows. */
    public boolean equal() {
        return differences == 0;
    }

    /**
     * This result after the kept diffs were checked again and only {@code stillDiffering} remain (see
     * {@link ChunkedVerifier#recheck}). The row counts follow each kept row's change: a resolved (or now
     * differing) missing row counts as on the follower, a resolved (or now differing) extra row as on the leader. Differences beyond the kept ones stay counted.
     */
    public TableVerification afterRecheck(List<RowDiff> stillDiffering) {
        long leader = leaderRows;
        long follower = followerRows;
        for (RowDiff d : diffs) {
            RowDiff now = stillDiffering.stream().filter(s -> s.key().equals(d.key())).findFirst().orElse(null);
            leader += presence(now, RowDiff.Kind.EXTRA_ON_FOLLOWER) - presence(d, RowDiff.Kind.EXTRA_ON_FOLLOWER);
            follower += presence(now, RowDiff.Kind.MISSING_ON_FOLLOWER) - presence(d, RowDiff.Kind.MISSING_ON_FOLLOWER);
        }
        long unchecked = differences - diffs.size();
        return new TableVerification(table, keyColumns, leader, follower, chunks,
                unchecked + stillDiffering.size(), stillDiffering);
    }

    /** 1 when the side is known to hold the row: a resolved diff (null) counts as on both sides. */
    private static int presence(RowDiff d, RowDiff.Kind absentKind) {
        return d == null || d.kind() != absentKind ? 1 : 0;
    }
}
