package io.understudy.applier;

import io.understudy.catalog.ForeignKeyGraph;
import io.understudy.model.RowChange;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the row changes of a leader transaction in leader order ({@link ChangePlan}) and replays each foreign-key
 * cascade right where the leader ran it: after the parent rows that fired it and before any later change. Changes a
 * snapshot copy already holds are not written ({@link HandOver.Scope#pending}), but their cascades are still replayed
 * into tables that need them. Consecutive changes of one table with the same operation that fire cascades share one
 * replay (deletes then become a few multi-row statements). Not thread-safe: one per applier thread.
 */
final class OrderedWriter {
    private final StatementWriter writer;
    private final Cascades cascades;

    OrderedWriter(StatementWriter writer, Cascades cascades) {
        this.writer = writer;
        this.cascades = cascades;
    }

    void write(Connection connection, List<RowChange> changes, ForeignKeyGraph graph, HandOver.Scope scope,
               String transactionId) {
        if (graph.isEmpty() && scope.live()) {
            writer.write(connection, ChangePlan.of(changes), transactionId);
            return;
        }
        List<RowChange> segment = new ArrayList<>(changes.size());
        List<RowChange> fired = new ArrayList<>();
        for (RowChange change : changes) {
            boolean fires = graph.fires(change);
            if (!fired.isEmpty() && !(fires && sameRun(fired.get(0), change))) {
                flush(connection, segment, fired, graph, scope, transactionId);
            }
            RowChange pending = scope.live() ? change : scope.pending(change);
            if (pending != null) {
                segment.add(pending);
            }
            if (fires) {
                fired.add(change);
            }
        }
        flush(connection, segment, fired, graph, scope, transactionId);
    }

    private static boolean sameRun(RowChange first, RowChange next) {
        return first.table().equals(next.table()) && first.op() == next.op();
    }

    private void flush(Connection connection, List<RowChange> segment, List<RowChange> fired, ForeignKeyGraph graph,
                       HandOver.Scope scope, String transactionId) {
        if (!segment.isEmpty()) {
            writer.write(connection, ChangePlan.of(segment), transactionId);
            segment.clear();
        }
        if (!fired.isEmpty()) {
            cascades.replay(connection, graph, fired, scope, transactionId);
            fired.clear();
        }
    }
}
