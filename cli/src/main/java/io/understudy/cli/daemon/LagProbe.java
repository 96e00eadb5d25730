package io.understudy.cli.daemon;

import io.understudy.model.Position;
import io.understudy.model.Token;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
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
    /** Newest first. */
    private final Deque<Entry> readings = new ArrayDeque<>();
    private final Thread thread;
    private final Runnable afterReading;
    private volatile boolean closed;
    private String lastFailure;

    /** A reading with its position as a token, parsed once: every scrape compares each follower against it. */
    private record Entry(Lag.Reading reading, Optional<Token> token) {
    }

    /**
     * @param leader       reads the leader's position now (the reading's time is the caller's to set)
     * @param afterReading runs on the probe's thread after each reading (the status page's history)
     */
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
                readings.addFirst(new Entry(reading, Token.of(reading.position(), Token.FIRST_EPOCH)));
                while (readings.size() > KEEP) {
                    readings.removeLast();
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
            Entry first = readings.peekFirst();
            if (first == null) {
                return appliedCommit == null ? Lag.UNKNOWN : new Lag(Math.max(0, Duration.between(appliedCommit,
                        clock.instant()).toNanos() / 1e9), -1, -1, -1);
            }
            newest = first.reading();
            Optional<Token> have = Token.of(applied, Token.FIRST_EPOCH);
            for (Entry e : readings) {
                boolean covered = have.isPresent() && e.token().isPresent() ? e.token().get().coveredBy(have.get())
                        : Lag.covers(applied, e.reading().position());
                if (covered) {
                    coveredAt = e.reading().at();
                    break;
                }
            }
        }
        return Lag.of(newest, coveredAt, applied, appliedCommit, clock.instant());
    }

    /** The newest reading, if any. */
    synchronized Optional<Lag.Reading> newest() {
        return Optional.ofNullable(readings.peekFirst()).map(Entry::reading);
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
