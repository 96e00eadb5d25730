package io.understudy.snapshot;

import io.understudy.applier.SnapshotProgress;
import io.understudy.applier.SnapshotWriter;
import io.understudy.catalog.LeaderValues;
import io.understudy.catalog.TableDef;
import io.understudy.config.CaptureMode;
import io.understudy.config.Endpoint;
import io.understudy.model.Position;
import io.understudy.model.KeyValues;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one leader table onto the follower inside one consistent leader snapshot: reads chunks in key order
 * and writes each chunk together with the table's progress row, reading the next chunk while the previous one
 * is written (at most two chunks in memory). Resumes an interrupted copy after its last committed chunk when
 * the key is a single integer column; otherwise starts the table over. Used by one thread.
 */
final class TableCopy {
    private static final Logger LOG = LoggerFactory.getLogger(TableCopy.class);

    private final TableDef table;
    private final long estimatedRows;
    private final SnapshotProgress existing;
    private final Endpoint leader;
    private final CaptureMode mode;
    private final SnapshotWriter writer;
    private final int chunkSize;
    private final ProgressListener listener;
    private final boolean integerKey;

    TableCopy(TableDef table, long estimatedRows, SnapshotProgress existing, Endpoint leader, CaptureMode mode,
              SnapshotWriter writer, int chunkSize, ProgressListener listener) {
        this.mode = mode;
        this.table = table;
        this.estimatedRows = estimatedRows;
        this.existing = existing;
        this.leader = leader;
        this.writer = writer;
        this.chunkSize = chunkSize;
        this.listener = listener;
        this.integerKey = table.primaryKey().size() == 1
                && table.column(table.primaryKey().get(0)).map(LeaderValues::isInteger).orElse(false);
    }

    /** Whether an interrupted copy of a table with this key continues by key range (else it starts over). */
    boolean resumable() {
        return integerKey;
    }

    /** @param positionTaken runs once the table's snapshot position is taken (or known, for a finished copy) */
    SnapshotProgress run(Runnable positionTaken) throws InterruptedException {
        if (existing != null && existing.done()) {
            positionTaken.run();
            return existing;
        }
        ExecutorService writes = Executors.newSingleThreadExecutor(r -> new Thread(r, "snapshot-write-" + table.id()));
        try (ConsistentRead read = ConsistentRead.open(leader, mode)) {
            positionTaken.run();
            return copy(read, writes);
        } finally {
            writes.shutdownNow();
        }
    }

    private SnapshotProgress copy(ConsistentRead read, ExecutorService writes) throws InterruptedException {
        Position at = read.position();
        List<Cutoffs.Segment> segments = new ArrayList<>();
        List<Object> after = null;
        long rows = 0;
        boolean resume = existing != null && integerKey && existing.lastKey() != null;
        if (resume) {
            segments.addAll(Cutoffs.decodeSegments(table.id(), existing.earlierSegments()));
            segments.add(new Cutoffs.Segment(new BigInteger(existing.lastKey()), Positions.decode(existing.position())));
            after = List.of(new BigDecimal(existing.lastKey()));
            rows = existing.rowsCopied();
            LOG.info("{}: resuming after key {} ({} rows copied at {}); the rest is read at {}", table.id(),
                    existing.lastKey(), rows, existing.description(), at);
        } else {
            if (existing != null) {
                LOG.info("{}: restarting the interrupted copy from the beginning ({})", table.id(), integerKey
                        ? "no chunk was committed" : "its key is not a single integer column, so it cannot resume by range");
            }
            writer.restartTable(progress(at, null, segments, 0, false));
        }
        listener.started(table.id(), estimatedRows, rows, resume);
        String encodedSegments = Cutoffs.encodeSegments(segments);
        Future<?> pending = null;
        while (true) {
            ConsistentRead.Chunk chunk = read.read(table, after, chunkSize);
            await(pending);
            boolean last = chunk.rows().size() < chunkSize;
            if (chunk.rows().isEmpty()) {
                SnapshotProgress done = progress(at, lastKey(after), encodedSegments, rows, true);
                writer.saveProgress(done);
                listener.done(table.id(), rows);
                return done;
            }
            rows += chunk.rows().size();
            SnapshotProgress p = progress(at, lastKey(chunk.lastKey()), encodedSegments, rows, last);
            long copied = rows;
            pending = writes.submit(() -> {
                writer.insertChunk(table.id(), table.primaryKey(), chunk.rows(), p);
                listener.chunk(table.id(), copied, chunk.bytes());
            });
            if (last) {
                await(pending);
                listener.done(table.id(), rows);
                return p;
            }
            after = chunk.lastKey();
        }
    }

    private static void await(Future<?> pending) throws InterruptedException {
        if (pending == null) {
            return;
        }
        try {
            pending.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private String lastKey(List<Object> key) {
        if (key == null) {
            return null;
        }
        return integerKey ? new BigDecimal(key.get(0).toString()).toBigIntegerExact().toString() : KeyValues.describe(key);
    }

    private SnapshotProgress progress(Position at, String lastKey, List<Cutoffs.Segment> segments, long rows,
                                      boolean done) {
        return progress(at, lastKey, Cutoffs.encodeSegments(segments), rows, done);
    }

    private SnapshotProgress progress(Position at, String lastKey, String segments, long rows, boolean done) {
        return new SnapshotProgress(table.id(), at.encode(), at.describe(), lastKey, segments, rows, done);
    }
}
