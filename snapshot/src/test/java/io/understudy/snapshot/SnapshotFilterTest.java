package io.understudy.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.understudy.applier.SnapshotProgress;
import io.understudy.connector.BinlogPositions;
import io.understudy.model.BinlogPosition;
import io.understudy.model.Op;
import io.understudy.model.ReplicationException;
import io.understudy.model.Row;
import io.understudy.model.RowChange;
import io.understudy.model.TableId;
import io.understudy.model.Transaction;
import io.understudy.model.TransactionHandler;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotFilterTest {
    private static final TableId A = new TableId("s", "a");
    private static final TableId B = new TableId("s", "b");
    private static final TableId OTHER = new TableId("s", "other");

    private final List<String> seen = new ArrayList<>();
    private final TransactionHandler sink = new TransactionHandler() {
        @Override
        public void begin(String id) {
            seen.add("begin " + id);
        }

        @Override
        public void changes(List<RowChange> changes) {
            changes.forEach(c -> seen.add(c.op() + " " + c.table().table() + " " + c.key(c.op() == Op.DELETE ? c.before() : c.after())));
        }

        @Override
        public void commit(Transaction tx) {
            seen.add("commit " + tx.id());
        }

        @Override
        public void abort() {
            seen.add("abort");
        }
    };

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

    private void tx(TransactionHandler h, String id, BinlogPosition before, RowChange... changes) throws Exception {
        h.begin(id, before);
        h.changes(List.of(changes));
        h.commit(new Transaction(id, before, Instant.EPOCH, changes.length));
    }

    @Test
    void skipsPerTableWhatTheCopyAlreadyHolds() throws Exception {
        SnapshotFilter f = new SnapshotFilter("pg", List.of(done(A, at("bin.000001", 500), List.of()),
                done(B, at("bin.000002", 100), List.of())), sink);
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
        SnapshotFilter f = new SnapshotFilter("pg", List.of(done(A, at("bin.000001", 900), earlier)), sink);
        tx(f, "t1", at("bin.000001", 100), insert(A, 5), insert(A, 500));
        tx(f, "t2", at("bin.000001", 300), insert(A, 6), insert(A, 600));
        tx(f, "t3", at("bin.000001", 300), move(A, 7, 700), move(A, 800, 8));
        assertThat(seen).containsExactly("begin t1", "commit t1", "begin t2", "INSERT a [6]", "commit t2",
                "begin t3", "DELETE a [7]", "INSERT a [8]", "commit t3");
    }

    @Test
    void binlogFilesCompareByNumberAndUnfinishedSnapshotsAreRefused() {
        assertThat(BinlogPositions.compare(at("bin.999999", 9), at("bin.1000000", 4))).isNegative();
        assertThat(BinlogPositions.compare(at("bin.000002", 4), at("bin.000001", 900))).isPositive();
        SnapshotProgress copying = new SnapshotProgress(A, at("bin.000001", 4).encode(), "x", "5", null, 5, false);
        assertThatThrownBy(() -> new SnapshotFilter("pg", List.of(copying), sink))
                .isInstanceOf(ReplicationException.class).hasMessageContaining("understudy snapshot --follower pg");
    }
}
