package io.understudy.cli.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.understudy.applier.PoolMetrics;
import io.understudy.config.Durations;
import io.understudy.config.HttpConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The daemon's HTTP endpoint (docs/operations.md, docs/readers.md): {@code GET /metrics} (Prometheus text: the
 * followers' progress and lag, JVM, process and connection-pool meters), {@code GET /health} (JSON; 503 when a
 * follower has FAILED), {@code GET /health/live}, {@code GET /health/ready[?follower=NAME&max-lag=5s]} (503 when a
 * follower is FAILED or behind its {@code max-lag}) and {@code GET /wait?token=T[&followers=N|A,B][&timeout=2s]}
 * ({@link Waits}), {@code GET /} (the status page) and {@code GET /lag-history} (its chart's data). Thread-safe; each request runs on a pooled thread, so waits do not hold up the others.
 */
final class HttpEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<JvmGcMetrics> gc = new java.util.ArrayList<>();
    private final Supplier<List<FollowerReport>> reports;
    private final Waits waits;
    private final LagHistory history;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private HttpEndpoint(HttpServer server, ExecutorService executor, Supplier<List<FollowerReport>> reports, Waits waits,
                         LagHistory history) {
        this.history = history;
        this.server = server;
        this.executor = executor;
        this.reports = reports;
        this.waits = waits;
    }

    static HttpEndpoint start(HttpConfig config, Supplier<List<FollowerReport>> reports, Waits waits, LagHistory history) {
        // the JDK server writes headers and body in separate segments: without TCP_NODELAY a small answer waits for
        // the client's delayed ACK (~40 ms), which a /wait answer must not (docs/benchmarks.md, "Readers")
        System.setProperty("sun.net.httpserver.nodelay", "true");
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(config.bind(), config.port()), 0);
            ExecutorService executor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "http");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(executor);
            HttpEndpoint endpoint = new HttpEndpoint(server, executor, reports, waits, history);
            endpoint.registerMeters();
            server.createContext("/metrics", exchange -> endpoint.handle(exchange, endpoint::metrics));
            server.createContext("/health", exchange -> endpoint.handle(exchange, endpoint::health));
            server.createContext("/wait", exchange -> endpoint.handle(exchange, endpoint::await));
            server.createContext("/lag-history", exchange -> endpoint.handle(exchange, (p, q) -> endpoint.json(200, history.snapshot())));
            server.createContext("/", exchange -> endpoint.handle(exchange, endpoint::page));
            server.start();
            return endpoint;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on http " + config.bind() + ":" + config.port()
                    + " (change http.port or free the port)", e);
        }
    }

    private void registerMeters() {
        Metrics.addRegistry(registry);
        PoolMetrics.reportTo(Metrics.globalRegistry);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics collector = new JvmGcMetrics();
        collector.bindTo(registry);
        gc.add(collector);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        waits.sync().ifPresent(sync -> Gauge.builder("understudy.sync.required", sync, s -> s.count())
                .description("followers that must have applied a write for /wait without followers= (sync: "
                        + sync.describe() + ")").register(registry));
        for (FollowerReport r : reports.get()) {
            String name = r.follower();
            if (waits.sync().isPresent()) {
                Gauge.builder("understudy.follower.sync", this, e -> e.synchronous().contains(name) ? 1 : 0)
                        .tag("follower", name).description("1 while the follower counts as synchronous for /wait")
                        .register(registry);
            }
            FunctionCounter.builder("understudy.transactions.applied", this, e -> e.report(name).transactions())
                    .tag("follower", name).description("leader transactions applied on the follower").register(registry);
            FunctionCounter.builder("understudy.rows.applied", this, e -> e.report(name).rows())
                    .tag("follower", name).description("row changes applied on the follower").register(registry);
            Gauge.builder("understudy.follower.lag.seconds", this, e -> orNaN(e.report(name).lagSeconds()))
                    .tag("follower", name).description("seconds the follower may be behind the leader: now minus the"
                            + " newest leader time it is known to hold (docs/readers.md)").register(registry);
            Gauge.builder("understudy.follower.lag.transactions", this, e -> orNaN(e.report(name).transactionsBehind()))
                    .tag("follower", name).description("leader transactions (GTIDs) the follower lacks of the leader's"
                            + " newest position").register(registry);
            Gauge.builder("understudy.follower.lag.bytes", this, e -> orNaN(e.report(name).bytesBehind()))
                    .tag("follower", name).description("leader binlog bytes the follower lacks of the leader's newest"
                            + " position").register(registry);
            Gauge.builder("understudy.follower.lag.ticks", this, e -> orNaN(e.report(name).ticksBehind()))
                    .tag("follower", name).description("trigger-mode ticks the follower lacks of the leader's newest tick")
                    .register(registry);
            Gauge.builder("understudy.follower.ready", this, e -> e.report(name).ready() ? 1 : 0)
                    .tag("follower", name).description("1 while the follower is not FAILED and within its max-lag")
                    .register(registry);
            Gauge.builder("understudy.follower.max.lag.seconds", this, e -> orNaN(e.report(name).maxLagSeconds()))
                    .tag("follower", name).description("the follower's configured max-lag").register(registry);
            Gauge.builder("understudy.apply.delay.seconds", this, e -> e.delay(name))
                    .tag("follower", name).description("DEPRECATED, use understudy_follower_lag_seconds (removed in 0.3):"
                            + " leader commit to follower apply of the last transaction").register(registry);
            Gauge.builder("understudy.follower.up", this,
                            e -> e.report(name).phase() == FollowerState.Phase.STREAMING ? 1 : 0)
                    .tag("follower", name).description("1 while the follower is streaming").register(registry);
        }
    }

    private Response page(String path, Map<String, String> query) throws IOException {
        if (!path.equals("/") && !path.equals("/index.html")) {
            return error(404, "no such page; the daemon serves /, /metrics, /health, /health/live, /health/ready, /wait");
        }
        try (java.io.InputStream in = HttpEndpoint.class.getResourceAsStream("status.html")) {
            return new Response(200, "text/html; charset=utf-8", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static double orNaN(Number n) {
        return n == null ? Double.NaN : n.doubleValue();
    }

    private List<String> synchronous() {
        Map<String, FollowerState.Phase> phases = new java.util.HashMap<>();
        reports.get().forEach(r -> phases.put(r.follower(), r.phase()));
        return waits.synchronous(phases);
    }

    private FollowerReport report(String follower) {
        return reports.get().stream().filter(s -> s.follower().equals(follower)).findFirst().orElseThrow();
    }

    private double delay(String follower) {
        FollowerReport r = report(follower);
        if (r.lastCommitTime() == null || r.lastAppliedAt() == null) {
            return 0;
        }
        return Math.max(0, (r.lastAppliedAt().toEpochMilli() - r.lastCommitTime().toEpochMilli()) / 1000.0);
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** A response: status, content type and body. */
    record Response(int status, String type, String body) {
    }

    private interface Route {
        Response answer(String path, Map<String, String> query) throws Exception;
    }

    private void handle(HttpExchange exchange, Route route) throws IOException {
        Response response;
        try {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                response = error(405, "only GET is served here");
            } else {
                response = route.answer(exchange.getRequestURI().getPath(), query(exchange.getRequestURI().getRawQuery()));
            }
        } catch (IllegalArgumentException e) {
            response = error(400, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response = error(503, "the daemon is stopping");
        } catch (Exception e) {
            response = error(500, String.valueOf(e.getMessage()));
        }
        byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", response.type());
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(response.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Response error(int status, String message) {
        return json(status, Map.of("error", message));
    }

    private Response json(int status, Object body) {
        try {
            return new Response(status, "application/json", json.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.put(key, value);
        }
        return query;
    }

    private Response metrics(String path, Map<String, String> query) {
        return new Response(200, "text/plain; version=0.0.4", registry.scrape());
    }

    private Response health(String path, Map<String, String> query) {
        switch (path.replaceAll("/+$", "")) {
            case "/health" -> {
                List<FollowerReport> all = reports.get();
                boolean healthy = all.stream().noneMatch(s -> s.phase() == FollowerState.Phase.FAILED);
                return json(healthy ? 200 : 503, Map.of("status", healthy ? "UP" : "DOWN", "followers", all));
            }
            case "/health/live" -> {
                return json(200, Map.of("status", "UP"));
            }
            case "/health/ready" -> {
                return ready(query);
            }
            default -> {
                return error(404, "no such page; try /health, /health/live or /health/ready");
            }
        }
    }

    private Response ready(Map<String, String> query) {
        List<FollowerReport> all = reports.get();
        String only = query.get("follower");
        if (only != null) {
            all = all.stream().filter(r -> r.follower().equals(only)).toList();
            if (all.isEmpty()) {
                throw new IllegalArgumentException("no follower named '" + only + "'; followers: "
                        + reports.get().stream().map(FollowerReport::follower).toList());
            }
        }
        String maxLag = query.get("max-lag");
        if (maxLag != null) {
            Duration bound = Durations.parse(maxLag);
            all = all.stream().map(r -> r.withMaxLag(bound)).toList();
        }
        boolean ready = all.stream().allMatch(FollowerReport::ready);
        return json(ready ? 200 : 503, Map.of("status", ready ? "READY" : "NOT_READY", "followers", all));
    }

    private Response await(String path, Map<String, String> query) throws InterruptedException {
        Waits.Result result = waits.await(query.get("token"), query.get("followers"), query.get("timeout"));
        return json(result.satisfied() ? 200 : 504, result);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        PoolMetrics.reportTo(null);
        Metrics.removeRegistry(registry);
        gc.forEach(JvmGcMetrics::close);
        registry.close();
    }
}
