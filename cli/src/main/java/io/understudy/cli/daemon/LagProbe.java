package io.understudy.cli.daemon;

import io.understudy.model.Position;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's heartbeat: every {@code lag.heartbeat-interval} it reads the leader's current position (binlog
 * mode: {@code SHOW MASTER STATUS} and the GTID position; trigger mode: it takes a tick, which an idle leader
 * otherwise would not get) and keeps the readings of the last {@value #KEEP} intervals, against which each follower's
 * applied position gives its lag ({@link Lag}). Runs on its own daemon thread; thread-safe.
 */
final class LagProbe implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LagProbe.class);
    static final int KEEP = 900;

    private final Supplier<Lag.Reading> leader;
    private final Clock clock;
    private final Duration interval;
    private final Deque<Lag.Reading> readings = new ArrayDeque<>();
    /** Each reading's position as a token (parallel to readings), parsed once: every scrape compares against them. */
    private final Deque<Optional<io.understudy.model.Token>> tokens = new ArrayDeque<>();
    private final Thread thread;
    private final Runnable afterReading;
    private volatile boolean closed;
    private String lastFailure;

    /** @param afterReading runs on the probe's thread after each reading (the status page's history) */
    /** @param leader reads the leader's position now (the reading's time is the caller's to set) */
    LagProbe(Supplier<Lag.Reading> leader, Clock clock, Duration interval, Runnable afterReading) {
        this.afterReading = afterReading;
        this.leader = leader;
        this.clock = clock;
        this.interval = interval;
        this.thread = new Thread(this::run, "lag-probe");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        while (!closed) {
            long started = System.nanoTime();
            read();
            try {
                afterReading.run();
            } catch (RuntimeException e) {
                LOG.warn("lag: recording the history failed: {}", e.getMessage());
            }
            long sleep = interval.toNanos() - (System.nanoTime() - started);
            try {
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Takes one reading now. */
    void read() {
        try {
            Lag.Reading reading = leader.get();
            synchronized (this) {
                readings.addFirst(reading);
                tokens.addFirst(io.understudy.model.Token.of(reading.position(), io.understudy.model.Token.FIRST_EPOCH));
                while (readings.size() > KEEP) {
                    readings.removeLast();
                    tokens.removeLast();
                }
            }
            if (lastFailure != null) {
                LOG.info("lag: the leader's position can be read again");
                lastFailure = null;
            }
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).equals(lastFailure)) {
                LOG.warn("lag: cannot read the leader's position ({}); lag in seconds grows from the last reading until"
                        + " it can", e.getMessage());
            }
            lastFailure = String.valueOf(e.getMessage());
        }
    }

    /** The lag of a follower at {@code applied}; UNKNOWN before the first reading. */
    Lag lag(Position applied, Instant appliedCommit) {
        Lag.Reading newest;
        Instant coveredAt = null;
        synchronized (this) {
            newest = readings.peekFirst();
            if (newest == null) {
                return appliedCommit == null ? Lag.UNKNOWN : new Lag(Math.max(0, Duration.between(appliedCommit,
                        clock.instant()).toNanos() / 1e9), -1, -1, -1);
            }
            Optional<io.understudy.model.Token> have = io.understudy.model.Token.of(applied, io.understudy.model.Token.FIRST_EPOCH);
            Iterator<Optional<io.understudy.model.Token>> want = tokens.iterator();
            for (Iterator<Lag.Reading> it = readings.iterator(); it.hasNext(); ) {
                Lag.Reading r = it.next();
                Optional<io.understudy.model.Token> w = want.next();
                boolean covered = have.isPresent() && w.isPresent() ? w.get().coveredBy(have.get())
                        : Lag.covers(applied, r.position());
                if (covered) {
                    coveredAt = r.at();
                    break;
                }
            }
        }
        return Lag.of(newest, coveredAt, applied, appliedCommit, clock.instant());
    }

    /** The newest reading, if any. */
    synchronized Optional<Lag.Reading> newest() {
        return Optional.ofNullable(readings.peekFirst());
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
