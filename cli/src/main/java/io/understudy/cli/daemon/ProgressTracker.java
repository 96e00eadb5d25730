package io.understudy.cli.daemon;

import io.understudy.model.Position;
import io.understudy.model.RowChange;
import io.understudy.model.SchemaChange;
import io.understudy.model.Transaction;
import io.understudy.model.TransactionHandler;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** Records a follower's progress as transactions commit. Thread-safe for readers of {@link #state()}. */
final class ProgressTracker {
    private final Clock clock;
    private final AtomicReference<FollowerState> state;

    ProgressTracker(String follower, Clock clock) {
        this.clock = clock;
        this.state = new AtomicReference<>(FollowerState.starting(follower));
    }

    FollowerState state() {
        return state.get();
    }

    void phase(FollowerState.Phase phase, String error) {
        state.updateAndGet(s -> s.with(phase, error));
    }

    void resumed(Position position) {
        state.updateAndGet(s -> new FollowerState(s.follower(), FollowerState.Phase.STREAMING, position.describe(),
                s.lastCommitTime(), s.lastAppliedAt(), s.transactions(), s.rows(), ""));
    }

    /** Wraps the applier so that each successful commit is counted; onCommit runs after each one. */
    TransactionHandler wrap(TransactionHandler applier, Runnable onCommit) {
        return new TransactionHandler() {
            private long rows;

            @Override
            public void begin(String transactionId) throws InterruptedException {
                rows = 0;
                applier.begin(transactionId);
            }

            @Override
            public void begin(String transactionId, Position start) throws InterruptedException {
                rows = 0;
                applier.begin(transactionId, start);
            }

            @Override
            public void changes(List<RowChange> changes) throws InterruptedException {
                applier.changes(changes);
                rows += changes.size();
            }

            @Override
            public void commit(Transaction tx) throws InterruptedException {
                applier.commit(tx);
                long applied = rows;
                state.updateAndGet(s -> new FollowerState(s.follower(), FollowerState.Phase.STREAMING,
                        tx.position().describe(), tx.commitTime(), clock.instant(), s.transactions() + 1,
                        s.rows() + applied, ""));
                onCommit.run();
            }

            @Override
            public void schemaChange(SchemaChange change) throws InterruptedException {
                applier.schemaChange(change);
                state.updateAndGet(s -> new FollowerState(s.follower(), FollowerState.Phase.STREAMING,
                        change.position().describe(), change.commitTime(), clock.instant(), s.transactions() + 1,
                        s.rows(), ""));
                onCommit.run();
            }

            @Override
            public void abort() {
                applier.abort();
            }

            @Override
            public void endOfBatch() throws InterruptedException {
                applier.endOfBatch();
            }

            @Override
            public java.util.Optional<io.understudy.model.Position> durable() {
                return applier.durable();
            }
        };
    }
}
