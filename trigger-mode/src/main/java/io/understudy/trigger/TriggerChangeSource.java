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
import java.util.Map;
import java.util.Optional;

/**
 * Trigger-mode capture: reads the leader's change table tick by tick and hands each batch to the handler as one
 * transaction, in tick order. Batch n holds every leader transaction that committed between ticks n-1 and n, each
 * one whole, their row changes in the leader's write order; its position is tick n, so the follower stores it with
 * the batch and resumes exactly after it (docs/trigger-mode.md argues order, gaps and exactly-once). While it runs,
 * the source also takes ticks when something committed, records on the leader ({@code understudy.consumer}) the
 * tick its follower has durably applied ({@link TransactionHandler#durable()}), purges change rows every consumer
 * has, and checks that the captured tables still match their triggers.
 *
 * <p>{@link #run} blocks until {@link #close()} (returns normally), interruption, or a failure: leader problems
 * and changes that need a restart from the stored position are {@link RetriableException}s; undecodable changes,
 * purged or foreign positions {@link ReplicationException}s. One {@code run} per instance. {@link #close()} is
 * thread-safe.
 */
public final class TriggerChangeSource implements ChangeSource {
    /** How long an idle source waits before it looks again. */
    static final Duration POLL = Duration.ofMillis(50);
    /** Ticks are at least this far apart (more when a tick itself is slow), so a batch is not one transaction each. */
    static final Duration TICK_INTERVAL = Duration.ofMillis(50);
    private static final Duration CONSUMER_EVERY = Duration.ofSeconds(1);
    private static final Duration PURGE_EVERY = Duration.ofSeconds(2);
    private static final Duration PURGE_BUDGET = Duration.ofMillis(300);
    private static final Duration COVERAGE_EVERY = Duration.ofSeconds(30);
    private static final int CHUNK = 1000;

    private final String consumer;
    private final LeaderLink session;
    private final CaptureConfig capture;
    private final TableFilter filter;
    private volatile boolean closed;

    /**
     * @param consumer the follower's name, under which its applied tick is recorded on the leader
     */
    public TriggerChangeSource(String consumer, Endpoint leader, CaptureConfig capture) {
        this.consumer = consumer;
        this.session = new LeaderLink(leader);
        this.capture = capture;
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
            String installation = Consumers.installation(c);
            return new TickPosition(session.dialect().tick(c, true, Duration.ZERO).orElseThrow(), installation);
        } catch (SQLException e) {
            throw session.failure("taking a tick", e);
        }
    }

    /**
     * For lag readings (docs/readers.md, "Lag"): the leader's newest tick and its age, when it is younger than
     * {@code fresh} (running sources take ticks every {@link #TICK_INTERVAL} while something commits), else a fresh
     * tick (age 0), so that an idle leader's followers move on. A tick includes every transaction that committed
     * before it was taken, so the reading's time is now minus its age.
     */
    public Map.Entry<TickPosition, Duration> recentTick(Duration fresh) {
        try (Connection c = session.open()) {
            String installation = Consumers.installation(c);
            String sql = session.dialect().kind().isMySqlFamily()
                    ? "SELECT id, TIMESTAMPDIFF(MICROSECOND, created, NOW(6)) FROM understudy.tick ORDER BY id DESC LIMIT 1"
                    : "SELECT id, (extract(epoch FROM clock_timestamp() - created) * 1000000)::bigint FROM understudy.tick"
                            + " ORDER BY id DESC LIMIT 1";
            try (var s = c.createStatement(); var rs = s.executeQuery(sql)) {
                if (rs.next() && rs.getLong(2) >= 0 && rs.getLong(2) < fresh.toNanos() / 1000) {
                    return Map.entry(new TickPosition(rs.getLong(1), installation), Duration.ofNanos(rs.getLong(2) * 1000));
                }
            }
            return Map.entry(new TickPosition(session.dialect().tick(c, true, Duration.ZERO).orElseThrow(), installation),
                    Duration.ZERO);
        } catch (SQLException e) {
            throw session.failure("reading the newest tick", e);
        }
    }

    /** The leader's newest tick, read only (running sources take ticks every {@link #TICK_INTERVAL} when busy). */
    public TickPosition lastTick() {
        try (Connection c = session.open(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT MAX(id) FROM understudy.tick")) {
            rs.next();
            return new TickPosition(rs.getLong(1), Consumers.installation(c));
        } catch (SQLException e) {
            throw session.failure("reading the last tick", e);
        }
    }

    @Override
    public void run(Optional<Position> resumeAfter, TransactionHandler handler) throws InterruptedException {
        try (Connection c = session.open()) {
            TickPosition position = resumeAfter.isPresent() ? (TickPosition) resumeAfter.get()
                    : new TickPosition(session.dialect().tick(c, true, Duration.ZERO).orElseThrow(), Consumers.installation(c));
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

    private void stream(Connection c, TickPosition start, TransactionHandler handler) throws SQLException, InterruptedException {
        LeaderDialect dialect = session.dialect();
        Consumers consumers = new Consumers(dialect);
        Definitions definitions = new Definitions();
        definitions.load(c);
        Coverage coverage = new Coverage(dialect, capture, session.describe());
        long position = start.tick();
        long recorded = start.tick();
        long lastRecord = System.nanoTime();
        long lastPurge = System.nanoTime();
        long lastCoverage = 0;
        Duration tickInterval = TICK_INTERVAL;
        while (!closed) {
            long tickStarted = System.nanoTime();
            dialect.tick(c, false, tickInterval);
            // a tick that scans many uncommitted change rows (a long transaction) is slow: tick less often meanwhile
            Duration slow = Duration.ofNanos(System.nanoTime() - tickStarted).multipliedBy(5);
            tickInterval = slow.compareTo(TICK_INTERVAL) > 0 ? slow : TICK_INTERVAL;
            if (definitions.stale(c)) {
                definitions.load(c); // `triggers install` added or changed a table: know its definition before its rows
            }
            List<Tick> ticks = consumers.ticksAfter(c, position, 100);
            if (!ticks.isEmpty() && ticks.get(0).id() != position + 1) {
                throw new ReplicationException("follower '" + consumer + "' is at tick " + position + " but the leader's"
                        + " next tick is " + ticks.get(0).id() + ": the changes between were purged (the follower was"
                        + " forgotten with `understudy triggers forget` while it ran?); copy it again with `understudy snapshot`");
            }
            for (Tick tick : ticks) {
                deliver(c, tick, start, handler, definitions);
                position = tick.id();
            }
            if (!ticks.isEmpty()) {
                handler.endOfBatch();
            }
            long durable = durableTick(handler, start);
            if (durable > recorded && elapsed(lastRecord, CONSUMER_EVERY)) {
                consumers.record(c, consumer, durable);
                recorded = durable;
                lastRecord = System.nanoTime();
            }
            if (elapsed(lastPurge, PURGE_EVERY)) {
                // a purge that used its whole budget goes on in the next round, not 2 s later
                lastPurge = consumers.purge(c, PURGE_BUDGET) ? 0 : System.nanoTime();
            }
            if (elapsed(lastCoverage, COVERAGE_EVERY)) {
                coverage.check(c);
                lastCoverage = System.nanoTime();
            }
            if (ticks.isEmpty()) {
                Thread.sleep(POLL.toMillis());
            }
        }
        long durable = durableTick(handler, start);
        if (durable > recorded) {
            consumers.record(c, consumer, durable);
        }
    }

    /** The last tick the handler has committed on the follower; the start when it cannot tell or has none yet. */
    private static long durableTick(TransactionHandler handler, TickPosition start) {
        return handler.durable().filter(p -> p instanceof TickPosition t && t.installation().equals(start.installation()))
                .map(p -> ((TickPosition) p).tick()).orElse(start.tick());
    }

    private void deliver(Connection c, Tick tick, TickPosition start, TransactionHandler handler, Definitions definitions)
            throws SQLException, InterruptedException {
        String id = "tick " + tick.id();
        List<RowChange> buffer = new ArrayList<>();
        long[] count = {0};
        handler.begin(id, start.at(tick.id() - 1));
        try {
            session.dialect().readBatch(c, tick.id(), row -> {
                RowChange change = change(row, tick, definitions);
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
            handler.commit(new Transaction(id, start.at(tick.id()), tick.created(), count[0]));
        } catch (SQLException | InterruptedException | RuntimeException e) {
            // the handler discards every uncommitted transaction it holds, also earlier folded ones: resume from the
            // follower's stored position, never from here
            handler.abort();
            throw e;
        }
    }

    private RowChange change(ChangeRow row, Tick tick, Definitions definitions) {
        CaptureDefinition d = definitions.get(row.captureId()).orElseThrow(() -> new RetriableException("change "
                + row.id() + " in tick " + tick.id() + " on leader " + session.describe() + " names capture definition "
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
            String where = "change " + row.id() + " of " + d.tableId() + " in tick " + tick.id() + " on leader "
                    + session.describe();
            if (e instanceof ImageDecoder.UnknownColumnsException) {
                throw new RetriableException(where + ": " + e.getMessage() + " (`understudy triggers install`);"
                        + " retrying until then", e);
            }
            throw new ReplicationException(where + " cannot be read: " + e.getMessage() + "; exclude the table or fix"
                    + " the value on the leader, then copy the table again (understudy snapshot --table " + d.tableId()
                    + ")", e);
        }
    }

    private RowChange change(ChangeRow row, CaptureDefinition d) {
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
