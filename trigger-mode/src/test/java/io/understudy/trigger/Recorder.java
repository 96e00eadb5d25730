package io.understudy.trigger;

import io.understudy.model.Op;
import io.understudy.model.Position;
import io.understudy.model.RowChange;
import io.understudy.model.TickPosition;
import io.understudy.model.Transaction;
import io.understudy.model.TransactionHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A handler that keeps every delivered batch and replays it onto an in-memory table keyed by the first key column,
 * the way a follower would. Thread-safe for reading while a source delivers.
 */
final class Recorder implements TransactionHandler {
    record Batch(String id, TickPosition before, TickPosition position, List<RowChange> changes) {
    }

    final List<Batch> batches = new CopyOnWriteArrayList<>();
    final Map<Object, Map<String, Object>> rows = new LinkedHashMap<>();
    private List<RowChange> open;
    private String openId;
    private TickPosition openBefore;
    volatile int endOfBatch;

    @Override
    public void begin(String transactionId) {
        throw new AssertionError("sources must say where a transaction starts");
    }

    @Override
    public void begin(String transactionId, Position before) {
        if (open != null) {
            throw new AssertionError("begin inside " + openId);
        }
        open = new ArrayList<>();
        openId = transactionId;
        openBefore = (TickPosition) before;
    }

    @Override
    public void changes(List<RowChange> changes) {
        open.addAll(changes);
    }

    @Override
    public synchronized void commit(Transaction transaction) {
        TickPosition p = (TickPosition) transaction.position();
        if (!batches.isEmpty() && batches.get(batches.size() - 1).position().tick() >= p.tick()) {
            throw new AssertionError("position went back: " + p);
        }
        if (transaction.changes() != open.size()) {
            throw new AssertionError(transaction + " says " + transaction.changes() + " changes, " + open.size() + " came");
        }
        for (RowChange c : open) {
            switch (c.op()) {
                case INSERT -> rows.put(c.key(c.after()).get(0), c.after().asMap());
                case UPDATE -> {
                    rows.remove(c.key(c.before()).get(0));
                    rows.put(c.key(c.after()).get(0), c.after().asMap());
                }
                case DELETE -> rows.remove(c.key(c.before()).get(0));
                case TRUNCATE -> rows.clear();
            }
        }
        batches.add(new Batch(openId, openBefore, p, List.copyOf(open)));
        open = null;
    }

    @Override
    public void abort() {
        open = null;
    }

    @Override
    public void endOfBatch() {
        endOfBatch++;
    }

    synchronized Map<Object, Map<String, Object>> snapshot() {
        return new LinkedHashMap<>(rows);
    }

    @Override
    public java.util.Optional<Position> durable() {
        return batches.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(batches.get(batches.size() - 1).position());
    }

    TickPosition lastPosition() {
        return batches.get(batches.size() - 1).position();
    }

    long lastTick() {
        return batches.isEmpty() ? -1 : batches.get(batches.size() - 1).position().tick();
    }

    int changeCount(Op op) {
        return (int) batches.stream().flatMap(b -> b.changes().stream()).filter(c -> c.op() == op).count();
    }
}
