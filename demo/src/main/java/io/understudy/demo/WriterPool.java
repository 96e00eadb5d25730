package io.understudy.demo;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Writer threads running {@link SakilaWorkload} until closed. */
public final class WriterPool implements AutoCloseable {
    /** Opens a leader connection. */
    public interface ConnectionFactory {
        Connection open() throws SQLException;
    }

    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    public static WriterPool start(int writers, ConnectionFactory connections, AtomicLong written) {
        WriterPool pool = new WriterPool();
        for (int i = 0; i < writers; i++) {
            long seed = i;
            Thread t = new Thread(() -> pool.write(connections, seed, written), "writer-" + i);
            pool.threads.add(t);
            t.start();
        }
        return pool;
    }

    private void write(ConnectionFactory connections, long seed, AtomicLong written) {
        try (Connection c = connections.open()) {
            SakilaWorkload workload = new SakilaWorkload(c, seed, written);
            while (running.get()) {
                workload.step();
            }
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a writer failed: " + failure.get(), failure.get());
        }
    }
}
