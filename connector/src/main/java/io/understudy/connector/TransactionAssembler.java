package io.understudy.connector;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.understudy.config.TableFilter;
import io.understudy.model.BinlogPosition;
import io.understudy.model.Op;
import io.understudy.model.ReplicationException;
import io.understudy.model.RowChange;
import io.understudy.model.SchemaChange;
import io.understudy.model.TableId;
import io.understudy.model.Transaction;
import io.understudy.model.TransactionHandler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams Debezium records into {@link TransactionHandler} calls: BEGIN opens a transaction lazily (only
 * once it has a row, so DDL transactions, which get no END, never open one), rows go out in chunks, END commits
 * with the END record's offset as the position. DDL on a replicated table goes to
 * {@link TransactionHandler#schemaChange} between transactions.
 *
 * <p>Called by one engine thread at a time; {@link #abortOpen()} must only be called after the engine stopped.
 */
final class TransactionAssembler implements DebeziumEngine.ChangeConsumer<ChangeEvent<SourceRecord, SourceRecord>> {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionAssembler.class);
    private static final int CHUNK = 1000;
    private static final int MAX_KINDS = 1000;
    private static final String NEW_KEY = "__debezium.newkey";
    private static final String OLD_KEY = "__debezium.oldkey";

    private final TransactionHandler handler;
    private final TableFilter filter;
    private final Map<TableId, Boolean> included = new HashMap<>();
    private final RecordConverter converter;
    private final LeaderSession leader;
    private final String transactionTopic;
    private String resentTransactionId;
    private String pendingId;
    private RowChange keyChangeStart;
    private boolean begun;
    private long count;
    private final List<RowChange> chunk = new ArrayList<>();
    private final Map<Schema, Kind> kinds = new IdentityHashMap<>();
    private volatile Exception failure;

    TransactionAssembler(TransactionHandler handler, TableFilter filter, RecordConverter converter, LeaderSession leader,
                         String topicPrefix, String resentTransactionId) {
        this.handler = handler;
        this.filter = filter;
        this.converter = converter;
        this.leader = leader;
        this.transactionTopic = topicPrefix + ".transaction";
        this.resentTransactionId = resentTransactionId;
    }

    /** The exception that stopped delivery, or null. */
    Exception failure() {
        return failure;
    }

    @Override
    public void handleBatch(List<ChangeEvent<SourceRecord, SourceRecord>> records,
                            DebeziumEngine.RecordCommitter<ChangeEvent<SourceRecord, SourceRecord>> committer)
            throws InterruptedException {
        try {
            for (ChangeEvent<SourceRecord, SourceRecord> event : records) {
                if (event.value() != null) {
                    handle(event.value());
                }
                committer.markProcessed(event);
            }
            flush();
            if (!begun) {
                handler.endOfBatch();
            }
            committer.markBatchFinished();
        } catch (InterruptedException | RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    private void handle(SourceRecord record) throws InterruptedException {
        if (!(record.value() instanceof Struct value)) {
            return;
        }
        Kind kind = kind(value.schema());
        if (isSnapshot(value, kind)) {
            return;
        }
        if (transactionTopic.equals(record.topic())) {
            String status = value.getString("status");
            if ("BEGIN".equals(status)) {
                begin(value.getString("id"));
            } else if ("END".equals(status)) {
                end(record, value);
            }
        } else if (kind.ddl()) {
            schemaChange(record, value);
        } else if (kind.row()) {
            row(record, value);
        }
    }

    /** What a record schema holds, looked up once per schema instead of by field name for every record. */
    private record Kind(Field source, Field snapshot, boolean ddl, boolean row) {
    }

    private Kind kind(Schema schema) {
        Kind kind = kinds.get(schema);
        if (kind == null) {
            if (kinds.size() >= MAX_KINDS) {
                kinds.clear(); // schemas are replaced on DDL; never let the cache grow with them
            }
            Field source = schema.field("source");
            Field snapshot = source == null ? null : source.schema().field("snapshot");
            kind = new Kind(source, snapshot, schema.field("ddl") != null, schema.field("op") != null);
            kinds.put(schema, kind);
        }
        return kind;
    }

    private static boolean isSnapshot(Struct value, Kind kind) {
        if (kind.source() == null || kind.snapshot() == null || !(value.get(kind.source()) instanceof Struct source)) {
            return false;
        }
        Object snapshot = source.get(kind.snapshot());
        return snapshot != null && !"false".equals(snapshot.toString());
    }

    private void begin(String id) {
        if (begun) {
            throw new ReplicationException("leader transaction " + pendingId + " got no END before transaction " + id
                    + " began; Understudy cannot tell where it ended. Restart to re-read it");
        }
        pendingId = id;
        count = 0;
    }

    private void row(SourceRecord record, Struct value) throws InterruptedException {
        TableId table = RecordConverter.table(value);
        if (!included.computeIfAbsent(table, filter::includes)) {
            return;
        }
        if (pendingId == null) {
            throw new ReplicationException("row change on " + table + " at " + where(record)
                    + " arrived outside a transaction; Understudy needs transaction metadata from the leader");
        }
        RowChange change = converter.convert(record, value, () -> where(record));
        if (change.op() == Op.TRUNCATE) {
            truncate(record, change);
            return;
        }
        if (!begun) {
            handler.begin(pendingId, position(record.sourceOffset()));
            begun = true;
        }
        if (keyChangeStart != null) {
            RowChange start = keyChangeStart;
            keyChangeStart = null;
            if (change.op() == Op.INSERT && change.table().equals(start.table()) && header(record, OLD_KEY)) {
                add(new RowChange(change.table(), Op.UPDATE, start.before(), change.after(), change.keyColumns()));
                return;
            }
            add(start);
        }
        if (change.op() == Op.DELETE && header(record, NEW_KEY)) {
            keyChangeStart = change; // its second half, the insert with the new key, comes next
            return;
        }
        add(change);
    }

    /**
     * Debezium sends an UPDATE that changes the primary key as a DELETE (header {@value #NEW_KEY}) followed by an
     * INSERT (header {@value #OLD_KEY}). Joined again it is one UPDATE, which is what the leader did: the applier needs
     * to tell it from a delete, because the leader's foreign keys act on it with their ON UPDATE rule, not ON DELETE.
     */
    private static boolean header(SourceRecord record, String name) {
        return record.headers().lastWithName(name) != null;
    }

    private void add(RowChange change) throws InterruptedException {
        chunk.add(change);
        count++;
        if (chunk.size() >= CHUNK) {
            flush();
        }
    }

    /**
     * TRUNCATE is logged like DDL: its own GTID with one statement and no END record follows. Deliver it as
     * a transaction of its own, positioned right after the statement.
     */
    private void truncate(SourceRecord record, RowChange change) throws InterruptedException {
        if (begun) {
            throw new ReplicationException("TRUNCATE of " + change.table() + " at " + where(record) + " inside transaction "
                    + pendingId + " with rows; Understudy expects TRUNCATE to commit on its own");
        }
        handler.begin(pendingId, position(record.sourceOffset()));
        begun = true;
        handler.changes(List.of(change));
        Struct source = ((Struct) record.value()).getStruct("source");
        Instant commitTime = Instant.ofEpochMilli(source.getInt64("ts_ms"));
        handler.commit(new Transaction(pendingId, afterStatement(record), commitTime, 1));
        reset();
    }

    /** Hands over the buffered changes; a key change's first half stays until its second half arrives. */
    private void flush() throws InterruptedException {
        if (!chunk.isEmpty()) {
            List<RowChange> out = List.copyOf(chunk);
            chunk.clear();
            handler.changes(out);
        }
    }

    private void end(SourceRecord record, Struct value) throws InterruptedException {
        String id = value.getString("id");
        long eventCount = value.getInt64("event_count");
        BinlogPosition position = position(record.sourceOffset());
        if (!begun && eventCount == 0) {
            if (id.equals(resentTransactionId)) {
                LOG.debug("skipping re-sent empty transaction {} at {}", id, position);
                reset();
                return;
            }
            leader.statementDml(position.file(), position.offset()).ifPresent(statement -> {
                throw new ReplicationException("a session wrote with binlog_format=STATEMENT on leader "
                        + leader.leader().host() + ":" + leader.leader().port() + " in transaction " + id + " at " + position
                        + " (" + abbreviate(statement) + "); its rows cannot be captured. Make every session use "
                        + "binlog_format=ROW, then re-snapshot the affected tables on each follower and move its position past "
                        + position);
            });
        }
        resentTransactionId = null;
        if (!begun) {
            handler.begin(id, position);
            begun = true;
        }
        if (keyChangeStart != null) {
            add(keyChangeStart); // never happens with Debezium 3.5: the insert half always follows
            keyChangeStart = null;
        }
        flush();
        Instant commitTime = Instant.ofEpochMilli(value.getInt64("ts_ms"));
        Transaction tx = new Transaction(id, position, commitTime, count);
        handler.commit(tx); // if it throws, begun stays true and run() aborts the transaction
        reset();
    }

    private void reset() {
        keyChangeStart = null;
        pendingId = null;
        begun = false;
        count = 0;
        chunk.clear();
    }

    /**
     * DDL is a barrier: the previous transaction was committed at its END, and the statement has no END of
     * its own, so it goes to the handler on its own, positioned right after the statement.
     */
    private void schemaChange(SourceRecord record, Struct value) throws InterruptedException {
        String ddl = value.getString("ddl");
        List<TableId> tables = SchemaChanges.tables(value);
        if (tables.stream().noneMatch(filter::includes)) {
            LOG.debug("ignoring DDL on tables not replicated: {}", ddl);
            reset();
            return;
        }
        if (begun) {
            throw new ReplicationException("DDL " + abbreviate(ddl) + " at " + where(record) + " inside transaction "
                    + pendingId + " with rows; Understudy expects DDL to commit on its own");
        }
        SchemaChange change = SchemaChanges.convert(value, filter, pendingId, afterStatement(record));
        LOG.info("leader DDL at {}: {}", change.position().describe(), abbreviate(ddl));
        handler.schemaChange(change);
        reset();
    }

    /** Aborts the transaction in flight, if any. Only after the engine thread stopped calling this object. */
    void abortOpen() {
        if (begun) {
            begun = false;
            handler.abort();
        }
        reset();
    }

    static BinlogPosition position(Map<String, ?> offset) {
        return Offsets.position(offset);
    }

    /**
     * Where to resume right after a DDL or TRUNCATE statement. Debezium's offset for such a record points
     * before it, and its event-skip counter does not skip statements, so build a clean offset from the end
     * of the statement's binlog event and the GTID set including its transaction.
     */
    private BinlogPosition afterStatement(SourceRecord record) {
        Struct source = ((Struct) record.value()).getStruct("source");
        String file = source.getString("file");
        long end = leader.endOfEvent(file, source.getInt64("pos"));
        Map<String, Object> offset = record.sourceOffset() == null ? Map.of() : new java.util.HashMap<>(record.sourceOffset());
        Map<String, Object> after = new java.util.LinkedHashMap<>();
        after.put("file", file);
        after.put("pos", end);
        Object gtids = offset.get("gtids");
        Object gtid = offset.get("transaction_id");
        String merged = Gtids.plus(gtids == null ? null : gtids.toString(), gtid == null ? null : gtid.toString());
        if (merged != null && !merged.isBlank()) {
            after.put("gtids", merged);
        }
        return position(after);
    }

    private static String where(SourceRecord record) {
        return position(record.sourceOffset()).describe();
    }

    private static String abbreviate(String sql) {
        String flat = sql.replaceAll("\\s+", " ").trim();
        return flat.length() <= 200 ? flat : flat.substring(0, 200) + "...";
    }
}
