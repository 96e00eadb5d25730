package io.understudy.bench;

import io.understudy.servers.DatabaseServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a transaction body on several leader connections (autocommit off) for a fixed window, as fast as they go,
 * and records every committed transaction's latency: from its first statement until COMMIT returned, retries of
 * deadlocks, lock-wait timeouts and duplicate keys (a concurrent delete + re-insert of the same id) included. The
 * clients connect and prepare their statements before the window opens. Works on MariaDB/MySQL (error codes) and
 * PostgreSQL (SQLSTATEs). Stateless; each run uses its own threads.
 */
final class TimedRunner {
    private static final Set<Integer> MYSQL_RETRIABLE = Set.of(1213, 1205, 1062);
    private static final Set<String> PG_RETRIABLE = Set.of("40001", "40P01", "23505");
    private static final int MAX_ATTEMPTS = 10;

    /**
     * What one window wrote: committed transactions, their row changes, the window's length in seconds, how many
     * attempts were retried, and every transaction's latency in nanoseconds, sorted.
     */
    record Result(long transactions, long rows, double seconds, long retries, long[] latencies) {
        double txPerSecond() {
            return transactions / seconds;
        }

        double rowsPerSecond() {
            return rows / seconds;
        }

        /** Nearest-rank percentile in milliseconds ({@code p} in 0..100), NaN without samples. */
        double percentileMs(double p) {
            return percentileMs(latencies, p);
        }

        static double percentileMs(long[] sorted, double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100 * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
        }
    }

    private TimedRunner() {
    }

    static Result run(DatabaseServer leader, String name, int threads, Duration window, WorkloadRunner.BodyFactory factory)
            throws InterruptedException {
        AtomicLong transactions = new AtomicLong();
        AtomicLong rows = new AtomicLong();
        AtomicLong retries = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        long[][] perThread = new long[threads][];
        long[] deadline = new long[1];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                Samples samples = new Samples();
                try (Connection c = leader.connect(null)) {
                    c.setAutoCommit(false);
                    WorkloadRunner.Body body = factory.create(c, thread);
                    ready.countDown();
                    go.await();
                    while (System.nanoTime() < deadline[0] && failure.get() == null) {
                        long start = System.nanoTime();
                        int changed = commitWithRetry(c, body, retries);
                        samples.add(System.nanoTime() - start);
                        transactions.incrementAndGet();
                        rows.addAndGet(changed);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    ready.countDown();
                } finally {
                    perThread[thread] = samples.toArray();
                }
            }, name + "-" + t);
            worker.start();
            workers.add(worker);
        }
        ready.await();
        long start = System.nanoTime();
        deadline[0] = start + window.toNanos();
        go.countDown(); // the latch publishes deadline[0] to the workers
        for (Thread w : workers) {
            w.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failure.get() != null) {
            throw new IllegalStateException("workload " + name + " failed on leader " + leader.kind() + " " + leader.host()
                    + ":" + leader.port() + ": " + failure.get().getMessage(), failure.get());
        }
        long[] all = Arrays.stream(perThread).flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(transactions.get(), rows.get(), seconds, retries.get(), all);
    }

    private static int commitWithRetry(Connection c, WorkloadRunner.Body body, AtomicLong retries) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                int changed = body.run();
                c.commit();
                return changed;
            } catch (SQLException e) {
                c.rollback();
                boolean retriable = MYSQL_RETRIABLE.contains(e.getErrorCode()) || PG_RETRIABLE.contains(e.getSQLState());
                if (!retriable || attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                retries.incrementAndGet();
            }
        }
    }

    /** A growable array of one thread's latencies. */
    private static final class Samples {
        private long[] values = new long[1 << 14];
        private int size;

        void add(long nanos) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = nanos;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
