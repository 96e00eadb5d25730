package io.understudy.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.understudy.applier.HandOver;
import io.understudy.applier.SnapshotProgress;
import io.understudy.connector.BinlogPositions;
import io.understudy.model.BinlogPosition;
import io.understudy.model.Op;
import io.understudy.model.ReplicationException;
import io.understudy.model.Row;
import io.understudy.model.RowChange;
import io.understudy.model.TableId;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotFilterTest {
    private static final TableId A = new TableId("s", "a");
    private static final TableId B = new TableId("s", "b");
    private static final TableId OTHER = new TableId("s", "other");

    private final List<String> seen = new ArrayList<>();

    private static BinlogPosition at(String file, long pos) {
        return BinlogPositions.at(file, pos, null);
    }

    private static SnapshotProgress done(TableId t, BinlogPosition p, List<Cutoffs.Segment> segments) {
        return new SnapshotProgress(t, p.encode(), p.describe(), "9", Cutoffs.encodeSegments(segments), 9, true);
    }

    private static RowChange insert(TableId t, long id) {
        return new RowChange(t, Op.INSERT, null, new Row(List.of("id"), List.of(id)), List.of("id"));
    }

    private static RowChange move(TableId t, long from, long to) {
        return new RowChange(t, Op.UPDATE, new Row(List.of("id"), List.of(from)), new Row(List.of("id"), List.of(to)), List.of("id"));
    }

    /** What the applier writes of one transaction: the pending part of each change. */
    private void tx(SnapshotFilter f, String id, BinlogPosition before, RowChange... changes) {
        seen.add("begin " + id);
        HandOver.Scope scope = f.scope(before);
        for (RowChange change : changes) {
            RowChange c = scope.pending(change);
            if (c != null) {
                seen.add(c.op() + " " + c.table().table() + " " + c.key(c.op() == Op.DELETE ? c.before() : c.after()));
            }
        }
        seen.add("commit " + id);
    }

    @Test
    void skipsPerTableWhatTheCopyAlreadyHolds() throws Exception {
        SnapshotFilter f = new SnapshotFilter("pg", List.of(done(A, at("bin.000001", 500), List.of()),
                done(B, at("bin.000002", 100), List.of())));
        tx(f, "t1", at("bin.000001", 400), insert(A, 1), insert(B, 1), insert(OTHER, 1));
        tx(f, "t2", at("bin.000001", 500), insert(A, 2), insert(B, 2));
        assertThat(f.active()).isTrue();
        tx(f, "t3", at("bin.000002", 100), insert(A, 3), insert(B, 3));
        assertThat(f.active()).isFalse();
        assertThat(seen).containsExactly("begin t1", "INSERT other [1]", "commit t1",
                "begin t2", "INSERT a [2]", "commit t2", "begin t3", "INSERT a [3]", "INSERT b [3]", "commit t3");
    }

    @Test
    void resumedTableUsesThePositionOfEachKeyRange() throws Exception {
        List<Cutoffs.Segment> earlier = List.of(new Cutoffs.Segment(BigInteger.valueOf(100), at("bin.000001", 200)));
        SnapshotFilter f = new SnapshotFilter("pg", List.of(done(A, at("bin.000001", 900), earlier)));
        tx(f, "t1", at("bin.000001", 100), insert(A, 5), insert(A, 500));
        tx(f, "t2", at("bin.000001", 300), insert(A, 6), insert(A, 600));
        tx(f, "t3", at("bin.000001", 300), move(A, 7, 700), move(A, 800, 8));
        assertThat(seen).containsExactly("begin t1", "commit t1", "begin t2", "INSERT a [6]", "commit t2",
                "begin t3", "DELETE a [7]", "INSERT a [8]", "commit t3");
    }

    /** Which rows a cascade of a transaction may still touch: none of a table copied after it, all of one copied before. */
    @Test
    void coverageTellsWhichRowsACascadeMayStillTouch() {
        List<Cutoffs.Segment> earlier = List.of(new Cutoffs.Segment(BigInteger.valueOf(100), at("bin.000001", 200)));
        SnapshotFilter f = new SnapshotFilter("pg", List.of(done(A, at("bin.000001", 900), earlier),
                done(B, at("bin.000001", 500), List.of())));
        HandOver.Scope early = f.scope(at("bin.000001", 100));
        assertThat(early.live()).isFalse();
        assertThat(early.coverage(A)).isEqualTo(HandOver.Coverage.ALL);
        assertThat(early.coverage(B)).isEqualTo(HandOver.Coverage.ALL);
        assertThat(early.coverage(OTHER)).isEqualTo(HandOver.Coverage.NONE);
        HandOver.Scope between = f.scope(at("bin.000001", 300));
        assertThat(between.coverage(A)).isEqualTo(HandOver.Coverage.BY_KEY);
        assertThat(between.copied(A, List.of(50))).as("key range copied at 200").isFalse();
        assertThat(between.copied(A, List.of(150L))).as("key range copied at 900").isTrue();
        assertThat(between.coverage(B)).isEqualTo(HandOver.Coverage.ALL);
        HandOver.Scope late = f.scope(at("bin.000001", 600));
        assertThat(late.coverage(B)).isEqualTo(HandOver.Coverage.NONE);
        assertThat(late.coverage(A)).isEqualTo(HandOver.Coverage.BY_KEY);
        assertThat(f.scope(at("bin.000001", 900))).isSameAs(HandOver.Scope.LIVE);
        assertThat(f.active()).isFalse();
        assertThat(f.scope(null)).as("after the hand-over a start position is not needed").isSameAs(HandOver.Scope.LIVE);
    }

    @Test
    void aTransactionWithoutStartIsRefusedDuringTheHandOver() {
        SnapshotFilter f = new SnapshotFilter("pg", List.of(done(A, at("bin.000001", 500), List.of())));
        assertThatThrownBy(() -> f.scope(null)).isInstanceOf(ReplicationException.class)
                .hasMessageContaining("without its start position");
    }

    @Test
    void binlogFilesCompareByNumberAndUnfinishedSnapshotsAreRefused() {
        assertThat(BinlogPositions.compare(at("bin.999999", 9), at("bin.1000000", 4))).isNegative();
        assertThat(BinlogPositions.compare(at("bin.000002", 4), at("bin.000001", 900))).isPositive();
        SnapshotProgress copying = new SnapshotProgress(A, at("bin.000001", 4).encode(), "x", "5", null, 5, false);
        assertThatThrownBy(() -> new SnapshotFilter("pg", List.of(copying)))
                .isInstanceOf(ReplicationException.class).hasMessageContaining("understudy snapshot --follower pg");
    }
}
