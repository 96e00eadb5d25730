package io.understudy.trigger;

import io.understudy.config.CaptureConfig;
import io.understudy.config.Endpoint;
import io.understudy.config.TableFilter;
import io.understudy.model.ChangeSource;
import io.understudy.model.Op;
import io.understudy.model.Position;
import io.understudy.model.ReplicationException;
import io.understudy.model.RetriableException;
import io.understudy.model.RowChange;
import io.understudy.model.TickPosition;
import io.understudy.model.Transaction;
import io.understudy.model.TransactionHandler;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Trigger-mode capture: reads the leader's change table tick by tick and hands each batch to the handler as one
 * transaction, in tick order. Batch n holds every leader transaction that committed between ticks n-1 and n, each
 * one whole, their row changes in the leader's write order; its position is tick n, so the follower stores it with
 * the batch and resumes exactly after it (docs/trigger-mode.md argues order, gaps and exactly-once). While it runs,
 * the source also takes ticks when something committed, records its follower's applied tick on the leader
 * ({@code understudy.consumer}) once the handler made it durable, and purges change rows every consumer has.
 *
 * <p>{@link #run} blocks until {@link #close()} (returns normally), interruption, or a failure: leader problems
 * are {@link RetriableException}s, undecodable changes and purged positions {@link ReplicationException}s.
 * One {@code run} per instance. {@link #close()} is thread-safe.
 */
public final class TriggerChangeSource implements ChangeSource {
    /** How long an idle source waits before it looks again. */
    static final Duration POLL = Duration.ofMillis(50);
    /** Ticks are at least this far apart, so a busy leader's batches are not one transaction each. */
    static final Duration TICK_INTERVAL = Duration.ofMillis(50);
    private static final Duration CONSUMER_EVERY = Duration.ofSeconds(1);
    private static final Duration PURGE_EVERY = Duration.ofSeconds(2);
    private static final Duration PURGE_BUDGET = Duration.ofMillis(300);
    private static final int CHUNK = 1000;

    private final String consumer;
    private final LeaderLink session;
    private final TableFilter filter;
    private volatile boolean closed;

    /**
     * @param consumer the follower's name, under which its applied tick is recorded on the leader
     */
    public TriggerChangeSource(String consumer, Endpoint leader, CaptureConfig capture) {
        this.consumer = consumer;
        this.session = new LeaderLink(leader);
        this.filter = capture.filter();
    }

    /** Decodes a stored position ({@link TickPosition#encode()}). */
    public static Position decode(String encoded) {
        return TickPosition.decode(encoded);
    }

    /** A fresh tick: everything committed on the leader up to now. */
    @Override
    public Position currentPosition() {
        try (Connection c = session.open()) {
            return new TickPosition(session.dialect().tick(c, true, Duration.ZERO).orElseThrow());
        } catch (SQLException e) {
            throw session.failure("taking a tick", e);
        }
    }

    /** The leader's newest tick, read only (running sources take ticks every {@link #TICK_INTERVAL} when busy). */
    public TickPosition lastTick() {
        try (Connection c = session.open(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT MAX(id) FROM understudy.tick")) {
            rs.next();
            return new TickPosition(rs.getLong(1));
        } catch (SQLException e) {
            throw session.failure("reading the last tick", e);
        }
    }

    @Override
    public void run(Optional<Position> resumeAfter, TransactionHandler handler) throws InterruptedException {
        try (Connection c = session.open()) {
            long position = resumeAfter.isPresent() ? ((TickPosition) resumeAfter.get()).tick()
                    : session.dialect().tick(c, true, Duration.ZERO).orElseThrow();
            new Consumers(session.dialect()).register(c, consumer, position);
            stream(c, position, handler);
        } catch (SQLException e) {
            if (!closed) {
                throw session.failure("reading changes", e);
            }
        } finally {
            session.closed();
        }
    }

    private void stream(Connection c, long start, TransactionHandler handler) throws SQLException, InterruptedException {
        LeaderDialect dialect = session.dialect();
        Consumers consumers = new Consumers(dialect);
        Definitions definitions = new Definitions();
        definitions.load(c);
        long position = start;
        long recorded = start;
        long lastRecord = System.nanoTime();
        long lastPurge = System.nanoTime();
        while (!closed) {
            dialect.tick(c, false, TICK_INTERVAL);
            List<Tick> ticks = consumers.ticksAfter(c, position, 100);
            for (Tick tick : ticks) {
                try {
                    deliver(c, tick, handler, definitions);
                } catch (Reload e) {
                    // `triggers install` ran meanwhile (a table added or changed): learn its definitions, read again
                    definitions.load(c);
                    try {
                        deliver(c, tick, handler, definitions);
                    } catch (Reload again) {
                        if (again.getCause() instanceof RetriableException r) {
                            throw new RetriableException(again.getMessage(), r.getCause());
                        }
                        throw again;
                    }
                }
                position = tick.id();
            }
            if (!ticks.isEmpty()) {
                handler.endOfBatch();
            }
            if (position != recorded && elapsed(lastRecord, CONSUMER_EVERY)) {
                consumers.record(c, consumer, position);
                recorded = position;
                lastRecord = System.nanoTime();
            }
            if (elapsed(lastPurge, PURGE_EVERY)) {
                consumers.purge(c, PURGE_BUDGET);
                lastPurge = System.nanoTime();
            }
            if (ticks.isEmpty()) {
                Thread.sleep(POLL.toMillis());
            }
        }
        if (position != recorded) {
            consumers.record(c, consumer, position);
        }
    }

    private void deliver(Connection c, Tick tick, TransactionHandler handler, Definitions definitions)
            throws SQLException, InterruptedException {
        String id = "tick " + tick.id();
        List<RowChange> buffer = new ArrayList<>();
        long[] count = {0};
        handler.begin(id, new TickPosition(tick.id() - 1));
        try {
            session.dialect().readBatch(c, tick.id(), row -> {
                RowChange change = change(row, tick, definitions, c);
                if (change != null) {
                    buffer.add(change);
                    count[0]++;
                    if (buffer.size() == CHUNK) {
                        handler.changes(List.copyOf(buffer));
                        buffer.clear();
                    }
                }
            });
            if (!buffer.isEmpty()) {
                handler.changes(List.copyOf(buffer));
            }
            handler.commit(new Transaction(id, new TickPosition(tick.id()), tick.created(), count[0]));
        } catch (SQLException | InterruptedException | RuntimeException e) {
            handler.abort();
            throw e;
        }
    }

    private RowChange change(ChangeRow row, Tick tick, Definitions definitions, Connection c) {
        CaptureDefinition d = definitions.get(row.captureId()).orElseThrow(() -> new Reload("change " + row.id()
                + " in tick " + tick.id() + " on leader " + session.describe() + " names capture definition "
                + row.captureId() + ", which understudy.capture_table lacks; run `understudy triggers install` again", null));
        if (!filter.includes(d.tableId())) {
            return null;
        }
        try {
            return change(row, d);
        } catch (ImageDecoder.ImageException | IllegalArgumentException e) {
            // PostgreSQL images follow the table, not the definition: after DDL and a new install, the newer
            // definition of the same table reads rows written before the install that already had the new columns
            Optional<CaptureDefinition> newer = definitions.newer(d);
            if (newer.isPresent()) {
                try {
                    return change(row, newer.get());
                } catch (ImageDecoder.ImageException | IllegalArgumentException ignored) {
                    // report the first failure
                }
            }
            if (e instanceof ImageDecoder.UnknownColumnsException) {
                throw new Reload("change " + row.id() + " of " + d.tableId() + " in tick " + tick.id() + " on leader "
                        + session.describe() + ": " + e.getMessage() + " (`understudy triggers install`); retrying until then",
                        new RetriableException(e.getMessage(), e));
            }
            throw new Reload("change " + row.id() + " of " + d.tableId() + " in tick " + tick.id()
                    + " on leader " + session.describe() + " cannot be read: " + e.getMessage()
                    + "; exclude the table or fix the value on the leader, then copy the table again"
                    + " (understudy snapshot --table " + d.tableId() + ")", e);
        }
    }

    private RowChange change(ChangeRow row, CaptureDefinition d) {
        {
            ImageDecoder images = session.dialect().decoder();
            return switch (row.op()) {
                case 'I' -> new RowChange(d.tableId(), Op.INSERT, null, images.decode(d, row.after()), d.keyColumns());
                case 'U' -> new RowChange(d.tableId(), Op.UPDATE, images.decode(d, row.before()),
                        images.decode(d, row.after()), d.keyColumns());
                case 'D' -> new RowChange(d.tableId(), Op.DELETE, images.decode(d, row.before()), null, d.keyColumns());
                case 'T' -> RowChange.truncate(d.tableId());
                default -> throw new ImageDecoder.ImageException("unknown operation '" + row.op() + "'");
            };
        }
    }

    /**
     * A change this source cannot read with the capture definitions it has loaded: the batch is read once more after
     * loading them again (an install may have added one meanwhile); thrown again, it stops the follower.
     */
    private static final class Reload extends ReplicationException {
        Reload(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static boolean elapsed(long since, Duration d) {
        return System.nanoTime() - since >= d.toNanos();
    }

    /** Stops {@link #run}: the batch in flight is aborted (the follower rolls it back) and read again next time. */
    @Override
    public void close() {
        closed = true;
        session.abort();
    }
}
