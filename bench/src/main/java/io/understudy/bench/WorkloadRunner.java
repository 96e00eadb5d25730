package io.understudy.bench;

import io.understudy.servers.DatabaseServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a transaction body on several leader connections (autocommit off) until a deadline, retrying
 * deadlocks and lock-wait timeouts, and counts committed transactions and row changes. Stateless;
 * each run uses its own threads.
 */
final class WorkloadRunner {
    /** One client's transaction: runs its statements (no commit) and returns the row changes it made. */
    interface Body {
        int run() throws SQLException;
    }

    /** Makes one client's body on its connection (prepares statements). */
    interface BodyFactory {
        Body create(Connection c, int thread) throws SQLException;
    }

    private WorkloadRunner() {
    }

    static Counts run(DatabaseServer leader, String name, int threads, Duration duration, double rate, BodyFactory factory)
            throws InterruptedException {
        return run(leader, name, threads, duration, rate, 0, factory);
    }

    /** As above, but stops after {@code limit} transactions in total (0: no limit) if that comes first. */
    static Counts run(DatabaseServer leader, String name, int threads, Duration duration, double rate, long limit,
                      BodyFactory factory) throws InterruptedException {
        AtomicLong started = new AtomicLong();
        AtomicLong transactions = new AtomicLong();
        AtomicLong rows = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Pacer pacer = new Pacer(rate);
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                try (Connection c = leader.connect(null)) {
                    c.setAutoCommit(false);
                    Body body = factory.create(c, thread);
                    while (System.nanoTime() < deadline && failure.get() == null
                            && (limit == 0 || started.incrementAndGet() <= limit)) {
                        pacer.acquire();
                        int changed = commitWithRetry(c, body);
                        transactions.incrementAndGet();
                        rows.addAndGet(changed);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, name + "-" + t);
            worker.start();
            workers.add(worker);
        }
        for (Thread w : workers) {
            w.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("workload " + name + " failed on leader " + leader.host() + ":"
                    + leader.port() + ": " + failure.get().getMessage(), failure.get());
        }
        return new Counts(transactions.get(), rows.get(), (System.nanoTime() - start) / 1e9);
    }

    private static int commitWithRetry(Connection c, Body body) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                int changed = body.run();
                c.commit();
                return changed;
            } catch (SQLException e) {
                c.rollback();
                // 1213 deadlock, 1205 lock wait timeout, 1062 duplicate key from a concurrent delete+insert
                boolean retriable = e.getErrorCode() == 1213 || e.getErrorCode() == 1205 || e.getErrorCode() == 1062;
                if (!retriable || attempt >= 10) {
                    throw e;
                }
            }
        }
    }
}
