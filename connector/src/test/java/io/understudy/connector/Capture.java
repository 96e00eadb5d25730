package io.understudy.connector;

import io.understudy.config.CaptureConfig;
import io.understudy.config.CaptureMode;
import io.understudy.config.DatabaseKind;
import io.understudy.config.Endpoint;
import io.understudy.config.Secret;
import io.understudy.model.Position;
import io.understudy.model.TableId;
import io.understudy.servers.DatabaseServer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** A source running on its own thread in a test, with what it delivered and how run() ended. */
final class Capture implements AutoCloseable {
    private static final AtomicInteger SERVER_IDS = new AtomicInteger(5400);

    final BinlogChangeSource source;
    final RecordingHandler handler = new RecordingHandler();
    final CompletableFuture<Void> ended = new CompletableFuture<>();

    private Capture(BinlogChangeSource source) {
        this.source = source;
    }

    static Endpoint endpoint(DatabaseServer server) {
        return new Endpoint(DatabaseKind.MARIADB, server.jdbcUrl(""), server.user(), new Secret(server.password()));
    }

    static CaptureConfig config(List<String> tables, List<String> exclude, Map<TableId, List<String>> keys) {
        return new CaptureConfig(CaptureMode.BINLOG, tables, exclude, keys, SERVER_IDS.incrementAndGet());
    }

    static Capture start(String name, DatabaseServer server, CaptureConfig config, Optional<Position> from) {
        Capture capture = new Capture(new BinlogChangeSource(name, endpoint(server), config, Clock.systemUTC()));
        Thread thread = new Thread(() -> {
            try {
                capture.source.run(from, capture.handler);
                capture.ended.complete(null);
            } catch (Throwable t) {
                capture.ended.completeExceptionally(t);
            }
        }, "test-capture-" + name);
        thread.start();
        return capture;
    }

    /** Waits until at least n transactions with rows were committed; fails at once if run() ended. */
    List<RecordingHandler.Committed> awaitRows(int n) {
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> ended.isDone() || handler.withRows().size() >= n);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("waited for " + n + " transactions; handler saw " + handler.calls, e);
        }
        if (ended.isDone() && handler.withRows().size() < n) {
            throw new AssertionError("run() ended after " + handler.withRows().size() + " transactions: " + handler.calls,
                    ended.handle((v, t) -> t).join());
        }
        return handler.withRows();
    }

    /** How run() failed, waiting for it. */
    Throwable failure() {
        try {
            ended.get(60, java.util.concurrent.TimeUnit.SECONDS);
            throw new AssertionError("run() returned normally");
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("run() did not end: " + e, e);
        }
    }

    @Override
    public void close() throws Exception {
        source.close();
        try {
            ended.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException ignored) {
            // the test looked at the failure already
        }
    }
}
