package io.understudy.bench;

import io.understudy.servers.DatabaseServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Measures replication lag: a writer inserts a row into {@code hb.beat} on the leader every 50 ms carrying the
 * leader's NOW(6) (as microseconds since the epoch, so no time zone is involved), and a poller on the follower
 * notes when each row becomes visible there. Leader, follower and this JVM share one machine clock; polling
 * every 5 ms adds 0–5 ms. Thread-safe: {@link #start} and {@link #stop} from one thread, the rest is internal.
 */
final class Heartbeat {
    static final String TABLE = "hb.beat";
    static final long INTERVAL_MS = 50;
    private static final long POLL_MS = 5;

    /** One heartbeat seen on the follower: seconds since the run started, lag in milliseconds. */
    record Sample(double atSeconds, double lagMs) {
    }

    private final DatabaseServer leader;
    private final DatabaseServer follower;
    private final long firstId;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Sample> samples = new ArrayList<>();
    private long nextId;
    private long startMicros;
    private Thread writer;
    private Thread poller;

    /** {@code firstId}: ids must not repeat across runs sharing the leader. */
    Heartbeat(DatabaseServer leader, DatabaseServer follower, long firstId) {
        this.leader = leader;
        this.follower = follower;
        this.firstId = firstId;
        this.nextId = firstId;
    }

    void start() {
        startMicros = micros(Instant.now());
        writer = new Thread(this::write, "heartbeat-writer");
        poller = new Thread(this::poll, "heartbeat-poller");
        writer.setDaemon(true);
        poller.setDaemon(true);
        writer.start();
        poller.start();
    }

    /** Stops writing, waits until the follower shows the last beat (at most {@code timeout}), returns the samples. */
    List<Sample> stop(java.time.Duration timeout) throws InterruptedException {
        writer.interrupt();
        writer.join();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (seen() < nextId - firstId && System.nanoTime() < deadline && failure.get() == null) {
            Thread.sleep(20);
        }
        running.set(false);
        poller.join();
        if (failure.get() == null && seen() < nextId - firstId) {
            throw new IllegalStateException("the follower on port " + follower.port() + " showed " + seen() + " of "
                    + (nextId - firstId) + " heartbeats within " + timeout + " after the leader stopped writing");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("heartbeat failed: " + failure.get().getMessage(), failure.get());
        }
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    private int seen() {
        synchronized (samples) {
            return samples.size();
        }
    }

    private void write() {
        try (Connection c = leader.connect(null); PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE
                + " (id, at_us) VALUES (?, CAST(UNIX_TIMESTAMP(NOW(6)) * 1000000 AS SIGNED))")) {
            long next = System.nanoTime();
            boolean stopping = false;
            while (!stopping) {
                try {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                } catch (InterruptedException e) {
                    stopping = true; // still write one last beat: it follows every workload transaction
                }
                ps.setLong(1, nextId);
                ps.executeUpdate();
                nextId++;
                next += INTERVAL_MS * 1_000_000;
            }
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
    }

    private void poll() {
        long last = firstId - 1;
        try (Connection c = follower.connect(null); PreparedStatement ps = c.prepareStatement(
                "SELECT id, at_us FROM " + TABLE + " WHERE id > ? ORDER BY id")) {
            while (running.get()) {
                ps.setLong(1, last);
                try (ResultSet rs = ps.executeQuery()) {
                    long now = micros(Instant.now());
                    while (rs.next()) {
                        last = rs.getLong(1);
                        long leaderMicros = rs.getLong(2);
                        synchronized (samples) {
                            samples.add(new Sample((leaderMicros - startMicros) / 1e6, (now - leaderMicros) / 1e3));
                        }
                    }
                }
                Thread.sleep(POLL_MS);
            }
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
    }

    private static long micros(Instant t) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }

    /** p50/p99/max of the samples' lag in ms; NaN when there are none. */
    record Stats(double p50, double p99, double max, int count) {
        static Stats of(List<Sample> samples) {
            double[] lags = samples.stream().mapToDouble(Sample::lagMs).sorted().toArray();
            if (lags.length == 0) {
                return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
            }
            return new Stats(percentile(lags, 0.50), percentile(lags, 0.99), lags[lags.length - 1], lags.length);
        }

        static double percentile(double[] sorted, double p) {
            int index = (int) Math.ceil(p * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
        }
    }
}
