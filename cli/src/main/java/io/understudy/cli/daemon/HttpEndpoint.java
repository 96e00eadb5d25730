package io.understudy.cli.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.understudy.config.HttpConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /metrics} (Prometheus text) and {@code GET /health} (JSON; 200 when no follower has
 * FAILED, 503 otherwise). Thread-safe.
 */
final class HttpEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Supplier<List<FollowerState>> states;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private HttpEndpoint(HttpServer server, Supplier<List<FollowerState>> states) {
        this.server = server;
        this.states = states;
    }

    static HttpEndpoint start(HttpConfig config, Supplier<List<FollowerState>> states) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(config.bind(), config.port()), 0);
            HttpEndpoint endpoint = new HttpEndpoint(server, states);
            endpoint.registerMeters();
            server.createContext("/metrics", endpoint::metrics);
            server.createContext("/health", endpoint::health);
            server.start();
            return endpoint;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on http " + config.bind() + ":" + config.port()
                    + " (change http.port or free the port)", e);
        }
    }

    private void registerMeters() {
        for (FollowerState s : states.get()) {
            String name = s.follower();
            FunctionCounter.builder("understudy.transactions.applied", this, e -> e.state(name).transactions())
                    .tag("follower", name).description("leader transactions applied on the follower").register(registry);
            FunctionCounter.builder("understudy.rows.applied", this, e -> e.state(name).rows())
                    .tag("follower", name).description("row changes applied on the follower").register(registry);
            Gauge.builder("understudy.apply.delay.seconds", this, e -> e.state(name).applyDelaySeconds())
                    .tag("follower", name).description("leader commit to follower apply of the last transaction")
                    .register(registry);
            Gauge.builder("understudy.follower.up", this,
                            e -> e.state(name).phase() == FollowerState.Phase.STREAMING ? 1 : 0)
                    .tag("follower", name).description("1 while the follower is streaming").register(registry);
        }
    }

    private FollowerState state(String follower) {
        return states.get().stream().filter(s -> s.follower().equals(follower)).findFirst().orElseThrow();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void metrics(HttpExchange exchange) throws IOException {
        respond(exchange, 200, "text/plain; version=0.0.4", registry.scrape());
    }

    private void health(HttpExchange exchange) throws IOException {
        List<FollowerState> all = states.get();
        boolean healthy = all.stream().noneMatch(s -> s.phase() == FollowerState.Phase.FAILED);
        String body = json.writeValueAsString(Map.of("status", healthy ? "UP" : "DOWN", "followers", all));
        respond(exchange, healthy ? 200 : 503, "application/json", body);
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        registry.close();
    }
}
