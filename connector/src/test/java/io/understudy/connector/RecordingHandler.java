package io.understudy.connector;

import io.understudy.model.RowChange;
import io.understudy.model.SchemaChange;
import io.understudy.model.Transaction;
import io.understudy.model.TransactionHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Stores what a source delivers; committed transactions with their rows, and a log of calls. */
final class RecordingHandler implements TransactionHandler {
    record Committed(Transaction transaction, List<RowChange> changes) {
    }

    final List<Committed> committed = new CopyOnWriteArrayList<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<SchemaChange> schemaChanges = new CopyOnWriteArrayList<>();
    private String open;
    private List<RowChange> pending = new ArrayList<>();

    @Override
    public void begin(String transactionId) {
        if (open != null) {
            throw new AssertionError("begin " + transactionId + " while " + open + " is open");
        }
        open = transactionId;
        pending = new ArrayList<>();
        calls.add("begin " + transactionId);
    }

    @Override
    public void changes(List<RowChange> changes) {
        if (open == null) {
            throw new AssertionError("changes outside a transaction");
        }
        pending.addAll(changes);
        calls.add("changes " + changes.size());
    }

    @Override
    public void commit(Transaction transaction) {
        if (!transaction.id().equals(open)) {
            throw new AssertionError("commit " + transaction.id() + " but open is " + open);
        }
        committed.add(new Committed(transaction, List.copyOf(pending)));
        calls.add("commit " + transaction.id());
        open = null;
    }

    @Override
    public void abort() {
        calls.add("abort " + open);
        open = null;
        pending = new ArrayList<>();
    }

    /** Records the change, then refuses it as a handler without DDL support does. */
    @Override
    public void schemaChange(SchemaChange change) throws InterruptedException {
        if (open != null) {
            throw new AssertionError("DDL while " + open + " is open");
        }
        schemaChanges.add(change);
        calls.add("ddl " + change.ddl());
        TransactionHandler.super.schemaChange(change);
    }

    /** Committed transactions that carried rows. */
    List<Committed> withRows() {
        return committed.stream().filter(c -> !c.changes().isEmpty()).toList();
    }
}
