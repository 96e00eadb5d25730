package io.understudy.connector;

import io.debezium.embedded.Connect;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.understudy.config.CaptureConfig;
import io.understudy.config.Endpoint;
import io.understudy.model.BinlogPosition;
import io.understudy.model.ChangeSource;
import io.understudy.model.Position;
import io.understudy.model.TransactionHandler;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails a MariaDB or MySQL leader's binlog with Debezium's embedded engine and hands whole transactions,
 * in commit order, to a {@link TransactionHandler}.
 *
 * <p><b>Positions.</b> The engine keeps no offset file. The resume offset comes from the caller (the
 * follower's position table) and is preloaded into a memory-only offset store ({@link ResumeOffsetStore}).
 * A transaction's position is Debezium's source offset of its END record as JSON; resuming from it makes
 * Debezium re-read that transaction with all its events skipped, and the empty re-send is dropped here.
 *
 * <p><b>Schema.</b> With a follower given, Debezium's schema history lives on that follower
 * ({@link FollowerSchemaHistory}): the first start takes the leader's current catalog, later starts recover the
 * history up to the resume position, so rows logged before a DDL decode with the structure they were written
 * with. Without one, each start rebuilds the schemas from the leader's current catalog. DDL on a replicated
 * table goes to {@link TransactionHandler#schemaChange} between transactions.
 *
 * <p><b>Refusals.</b> A leader without binlog_format=ROW and binlog_row_image=FULL; a transaction whose rows
 * were logged as statements (detected by reading the leader's binlog when Debezium delivers an empty
 * transaction); a table without primary key and without configured key columns.
 *
 * <p><b>Threads.</b> {@link #run} may be called once; {@link #close()} and {@link #currentPosition()} are
 * thread-safe. The handler is called from one engine thread.
 */
public final class BinlogChangeSource implements ChangeSource {
    private static final Logger LOG = LoggerFactory.getLogger(BinlogChangeSource.class);
    private static final long STOP_TIMEOUT_SECONDS = 60;

    private final String name;
    private final Endpoint leader;
    private final CaptureConfig capture;
    private final Clock clock;
    private final Optional<Endpoint> historyOn;
    private final AtomicBoolean used = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object engineLock = new Object();
    private DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> engine;
    private boolean engineCloseIssued;

    /**
     * A source whose table schemas are rebuilt from the leader's current catalog at each start (memory history):
     * right only when no DDL ran on a captured table between the resume position and now. For status look-ups
     * and tests; the daemon keeps the history on the follower. No I/O here. {@code name} distinguishes engines
     * (one per follower) and must be unique in the process.
     */
    public BinlogChangeSource(String name, Endpoint leader, CaptureConfig capture, Clock clock) {
        this(name, leader, capture, Optional.empty(), clock);
    }

    /**
     * A source that keeps Debezium's schema history on {@code follower} ({@link FollowerSchemaHistory}; the
     * table {@code understudy.schema_history} must exist, the applier's migration creates it). No I/O here.
     */
    public BinlogChangeSource(String name, Endpoint leader, CaptureConfig capture, Endpoint follower, Clock clock) {
        this(name, leader, capture, Optional.of(follower), clock);
    }

    private BinlogChangeSource(String name, Endpoint leader, CaptureConfig capture, Optional<Endpoint> historyOn, Clock clock) {
        this.historyOn = historyOn;
        this.name = Objects.requireNonNull(name, "name");
        this.leader = Objects.requireNonNull(leader, "leader");
        this.capture = Objects.requireNonNull(capture, "capture");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Decodes {@link Position#encode()} of a position made by this class. */
    public static Position decode(String encoded) {
        return Offsets.decode(encoded);
    }

    @Override
    public Position currentPosition() {
        try (LeaderSession session = LeaderSession.open(leader)) {
            return session.currentPosition();
        }
    }

    @Override
    public void run(Optional<Position> resumeAfter, TransactionHandler handler) throws InterruptedException {
        Objects.requireNonNull(handler, "handler");
        if (!used.compareAndSet(false, true)) {
            throw new IllegalStateException("BinlogChangeSource " + name + " was already run; create a new one to resume");
        }
        try (LeaderSession session = LeaderSession.open(leader)) {
            session.requireRowImages();
            BinlogPosition start = resumeAfter.map(p -> Offsets.decode(p.encode())).orElseGet(session::currentPosition);
            Map<String, Object> offset = Offsets.parse(start.encode());
            Object resent = offset.get("transaction_id");
            TransactionAssembler assembler = new TransactionAssembler(handler, capture.filter(),
                    new RecordConverter(capture.keys()), session, name, resent == null ? null : resent.toString());
            LOG.info("capture {} from {} starts after {}", name, leader.describe(), start.describe());
            runEngine(start, assembler);
        }
    }

    private void runEngine(BinlogPosition start, TransactionAssembler assembler) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Throwable> engineError = new AtomicReference<>();
        synchronized (engineLock) {
            if (closed.get()) {
                return;
            }
            engine = DebeziumEngine.create(Connect.class)
                    .using(engineProperties(start))
                    .notifying(assembler)
                    .using((success, message, error) -> {
                        engineError.set(error);
                        done.countDown();
                    })
                    .build();
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "understudy-capture-" + name));
        try {
            executor.execute(engine);
            awaitEngine(done);
        } catch (InterruptedException e) {
            stopEngine();
            done.await(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assembler.abortOpen();
            throw e;
        } finally {
            executor.shutdown();
        }
        assembler.abortOpen();
        rethrow(assembler.failure(), engineError.get());
    }

    private java.util.Properties engineProperties(BinlogPosition start) {
        if (historyOn.isEmpty()) {
            return EngineProperties.build(name, leader, capture, start.encode());
        }
        Endpoint follower = historyOn.get();
        boolean exists = FollowerSchemaHistory.hasRecords(follower.url(), follower.user(), follower.password().reveal(),
                follower.describe());
        LOG.info("capture {}: schema history on follower {} {}", name, follower.describe(),
                exists ? "recovered up to the resume position" : "is empty; taken from the leader's current catalog");
        return EngineProperties.build(name, leader, capture, start.encode(), follower, exists);
    }

    private void awaitEngine(CountDownLatch done) throws InterruptedException {
        while (!done.await(50, TimeUnit.MILLISECONDS)) {
            if (closed.get()) {
                stopEngine(); // retried: the engine refuses to stop while its tasks start
            }
        }
    }

    private void rethrow(Exception failure, Throwable engineError) throws InterruptedException {
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (closed.get()) {
            return;
        }
        if (failure instanceof InterruptedException e) {
            throw e;
        }
        throw Failures.translate(engineError, leader, clock);
    }

    private void stopEngine() {
        synchronized (engineLock) {
            if (engine == null || engineCloseIssued) {
                return;
            }
            try {
                engine.close();
                engineCloseIssued = true;
            } catch (IllegalStateException e) {
                LOG.debug("engine {} not ready to stop yet: {}", name, e.getMessage());
            } catch (IOException e) {
                engineCloseIssued = true;
                LOG.warn("closing capture engine {} failed: {}", name, e.toString());
            }
        }
    }

    /** Stops {@link #run} from another thread; run aborts the open transaction and returns normally. */
    @Override
    public void close() {
        closed.set(true);
        stopEngine();
    }
}
