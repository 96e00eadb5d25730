package io.understudy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.understudy.cli.Main;
import io.understudy.cli.daemon.Daemon;
import io.understudy.cli.daemon.FollowerState;
import io.understudy.client.ReadRouter;
import io.understudy.client.Session;
import io.understudy.config.ConfigLoader;
import io.understudy.config.UnderstudyConfig;
import io.understudy.servers.DatabaseServer;
import io.understudy.servers.EmbeddedMariaDb;
import io.understudy.servers.EmbeddedPostgres;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the reader guarantees cost ({@code bench/readers}; docs/benchmarks.md, "Readers"): how soon a waiter wakes
 * after the follower commit that gives it its token ({@code /wait} in the daemon, {@code understudy.wait_for} in
 * MariaDB and PostgreSQL follower sessions), what the heartbeat (the daemon's reading of the leader position) costs
 * the idle leader and daemon, and the rate of read-your-writes reads through the client against plain follower
 * reads. Embedded servers, the daemon in this JVM. Prints a table.
 */
public final class ReadersBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Row(String what, String figure, String note) {
    }

    public static void main(String[] args) throws Exception {
        Main.routeJavaUtilLogging();
        int samples = 300;
        int seconds = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> {
                    samples = 60;
                    seconds = 3;
                }
                case "--samples" -> samples = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("unknown option " + args[i] + "; usage: bench/readers [--quick] [--samples N] [--seconds S]");
                    System.exit(2);
                }
            }
        }
        run(samples, seconds);
        System.exit(0); // embedded-server reaper threads would keep the JVM alive
    }

    private static void run(int samples, int seconds) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (EmbeddedMariaDb leader = EmbeddedMariaDb.launch("--innodb-buffer-pool-size=256M");
             EmbeddedMariaDb maria = EmbeddedMariaDb.launch("--server-id=4");
             EmbeddedPostgres pg = EmbeddedPostgres.launch()) {
            leader.execute(null, "CREATE USER 'understudy'@'%' IDENTIFIED BY '" + Consumers.LEADER_CAPTURE_PASSWORD + "'",
                    "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'understudy'@'%'",
                    "CREATE DATABASE rb", "CREATE TABLE rb.t (id INT PRIMARY KEY, v INT NOT NULL)",
                    "INSERT INTO rb.t SELECT seq, 0 FROM rb.seq_1_to_10000");
            int port = freePort();
            UnderstudyConfig config = config(leader, maria, pg, port, "1s");
            for (String f : List.of("maria", "pg")) {
                java.nio.file.Path file = java.nio.file.Files.createTempFile("readers-bench", ".yaml");
                java.nio.file.Files.writeString(file, yaml(leader, maria, pg, port, "1s"));
                if (Main.execute("snapshot", "--config", file.toString(), "--follower", f) != 0) {
                    throw new IllegalStateException("understudy snapshot of " + f + " failed; see the output above");
                }
            }
            try (Daemon daemon = new Daemon(config, Clock.systemUTC())) {
                daemon.start();
                awaitStreaming(daemon);
                rows.addAll(wakeUps(leader, maria, pg, port, samples));
                rows.addAll(reads(leader, maria, pg, seconds));
            }
            rows.addAll(heartbeatCost(leader, maria, pg, seconds));
        }
        System.out.println();
        System.out.printf("%-58s %-34s %s%n", "MEASURE", "FIGURE", "NOTE");
        for (Row r : rows) {
            System.out.printf("%-58s %-34s %s%n", r.what(), r.figure(), r.note());
        }
    }

    /** Wake-up latency: follower commit (its applied_at) to the waiter getting its answer. */
    private static List<Row> wakeUps(DatabaseServer leader, DatabaseServer maria, DatabaseServer pg, int port, int samples)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<Double> viaHttp = new ArrayList<>();
        List<Double> viaMaria = new ArrayList<>();
        List<Double> viaPg = new ArrayList<>();
        int already = 0;
        try (Connection l = leader.connect(null); Connection m = maria.connect(null); Connection p = pg.connect(null)) {
            for (int i = 0; i < samples * 3; i++) {
                String token = write(l, i);
                int kind = i % 3;
                long started = System.nanoTime();
                double micros;
                if (kind == 0) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/wait?followers=maria&timeout=10s&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    Instant now = Instant.now();
                    JsonNode have = JSON.readTree(r.body()).path("have").path(0);
                    micros = Duration.between(Instant.parse(have.path("appliedAt").asText()), now).toNanos() / 1000.0;
                } else if (kind == 1) {
                    try (CallableStatement c = m.prepareCall("CALL understudy.wait_for(?, 10)")) {
                        c.setString(1, token);
                        c.executeQuery().close();
                    }
                    micros = single(m, "SELECT TIMESTAMPDIFF(MICROSECOND, applied_at, UTC_TIMESTAMP(6))"
                            + " FROM understudy.applied_position WHERE source = 'leader'");
                } else {
                    try (PreparedStatement s = p.prepareStatement("SELECT understudy.wait_for(?, 10)")) {
                        s.setString(1, token);
                        s.executeQuery().close();
                    }
                    micros = single(p, "SELECT extract(epoch FROM clock_timestamp() - applied_at) * 1e6"
                            + " FROM understudy.applied_position WHERE source = 'leader'");
                }
                if ((System.nanoTime() - started) / 1000.0 < micros) {
                    already++; // the follower had it before the wait began: no wake-up to measure
                    continue;
                }
                (kind == 0 ? viaHttp : kind == 1 ? viaMaria : viaPg).add(micros / 1000.0);
            }
        }
        String note = "ms, p50 / p99 / max over waits that waited; " + already + " of " + samples * 3
                + " samples had the follower ahead of the waiter";
        return List.of(new Row("wake-up after follower commit: GET /wait (MariaDB follower)", percentiles(viaHttp), note),
                new Row("wake-up after follower commit: CALL understudy.wait_for (MariaDB)", percentiles(viaMaria), note),
                new Row("wake-up after follower commit: understudy.wait_for (PostgreSQL)", percentiles(viaPg), note));
    }

    private static String write(Connection leader, int i) throws SQLException {
        try (Statement s = leader.createStatement()) {
            s.executeUpdate("UPDATE rb.t SET v = v + 1 WHERE id = " + (i % 10000 + 1));
            try (ResultSet rs = s.executeQuery("SELECT @@last_gtid")) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** Read throughput: plain follower reads against client reads that carry a session token. */
    private static List<Row> reads(DatabaseServer leader, DatabaseServer maria, DatabaseServer pg, int seconds)
            throws Exception {
        List<Row> rows = new ArrayList<>();
        try (HikariDataSource l = pool(leader, ""); HikariDataSource m = pool(maria, "mysql");
             ReadRouter router = ReadRouter.builder().leader(l).follower("maria", m).build()) { // as the plain reads
            Session session = router.session();
            session.write(c -> {
                try (Statement s = c.createStatement()) {
                    return s.executeUpdate("UPDATE rb.t SET v = v + 1 WHERE id = 1");
                }
            });
            double plain = rate(seconds, () -> {
                try (Connection c = m.getConnection()) {
                    return value(c);
                }
            });
            double viaClient = rate(seconds, () -> session.read(ReadersBenchmark::value));
            double pairs = rate(seconds, () -> {
                Session own = router.session();
                own.write(c -> {
                    try (Statement s = c.createStatement()) {
                        return s.executeUpdate("UPDATE rb.t SET v = v + 1 WHERE id = " + (1 + (int) (Math.random() * 9999)));
                    }
                });
                return own.read(ReadersBenchmark::value);
            });
            rows.add(new Row("plain follower reads (MariaDB, 4 threads)", String.format(Locale.ROOT, "%,.0f reads/s", plain),
                    "primary-key SELECT on a pooled connection"));
            rows.add(new Row("read-your-writes reads through the client (4 threads)",
                    String.format(Locale.ROOT, "%,.0f reads/s (%.2fx)", viaClient, viaClient / plain),
                    "same SELECT on the same follower; its token known covered: one position read after each read"));
            rows.add(new Row("write then read-your-write pairs through the client (4 threads)",
                    String.format(Locale.ROOT, "%,.0f pairs/s", pairs), "each pair waits for the follower to apply its write"));
        }
        return rows;
    }

    private interface Op {
        long run() throws Exception;
    }

    private static double rate(int seconds, Op op) throws Exception {
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        op.run();
                        done.incrementAndGet();
                    }
                } catch (Exception e) {
                    failures.add(e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        return done.get() / (double) seconds;
    }

    private static long value(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM rb.t WHERE id = 1")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Leader and daemon CPU of an idle leader with the heartbeat every second and with it (nearly) off. */
    private static List<Row> heartbeatCost(DatabaseServer leader, DatabaseServer maria, DatabaseServer pg, int seconds)
            throws Exception {
        long leaderPid = ProcessCpu.serverPid(leader);
        Map<String, double[]> cpu = new java.util.LinkedHashMap<>();
        for (String interval : List.of("10m", "1s", "100ms")) {
            try (Daemon daemon = new Daemon(config(leader, maria, pg, 0, interval), Clock.systemUTC())) {
                daemon.start();
                awaitStreaming(daemon);
                Thread.sleep(2000);
                double l0 = ProcessCpu.treeSeconds(leaderPid);
                double d0 = ProcessCpu.treeSeconds(ProcessHandle.current().pid());
                Thread.sleep(seconds * 3000L);
                cpu.put(interval, new double[] {(ProcessCpu.treeSeconds(leaderPid) - l0) / (seconds * 3.0) * 1000,
                        (ProcessCpu.treeSeconds(ProcessHandle.current().pid()) - d0) / (seconds * 3.0) * 1000});
            }
        }
        List<Row> rows = new ArrayList<>();
        cpu.forEach((interval, c) -> rows.add(new Row("idle leader, heartbeat-interval " + interval,
                String.format(Locale.ROOT, "leader %.1f ms/s, daemon JVM %.1f ms/s", c[0], c[1]),
                "CPU per second of wall time (/proc), over " + seconds * 3 + " s")));
        return rows;
    }

    private static String percentiles(List<Double> ms) {
        if (ms.isEmpty()) {
            return "no sample";
        }
        List<Double> s = new ArrayList<>(ms);
        Collections.sort(s);
        return String.format(Locale.ROOT, "%.1f / %.1f / %.1f (n=%d)", s.get(s.size() / 2),
                s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.99) - 1)), s.get(s.size() - 1), s.size());
    }

    private static double single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    private static void awaitStreaming(Daemon daemon) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!daemon.states().stream().allMatch(s -> s.phase() == FollowerState.Phase.STREAMING && !s.position().isEmpty())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("followers not streaming: " + daemon.states());
            }
            Thread.sleep(100);
        }
    }

    private static UnderstudyConfig config(DatabaseServer leader, DatabaseServer maria, DatabaseServer pg, int port,
                                           String interval) throws Exception {
        return new ConfigLoader(Map.of()).parse(yaml(leader, maria, pg, port, interval), "readers-bench.yaml");
    }

    private static String yaml(DatabaseServer leader, DatabaseServer maria, DatabaseServer pg, int port, String interval) {
        return String.join("\n",
                "leader: { kind: mariadb, url: 'jdbc:mariadb://127.0.0.1:" + leader.port() + "/', user: understudy,"
                        + " password: " + Consumers.LEADER_CAPTURE_PASSWORD + " }",
                "capture: { mode: binlog, tables: [rb.*] }",
                "followers:",
                "  - { name: maria, kind: mariadb, url: '" + maria.jdbcUrl("mysql") + "', user: " + maria.user()
                        + ", password: '" + maria.password() + "' }",
                "  - { name: pg, kind: postgresql, url: '" + pg.jdbcUrl(null) + "', user: " + pg.user()
                        + ", password: '" + pg.password() + "' }",
                port > 0 ? "http: { port: " + port + " }" : "",
                "lag: { heartbeat-interval: " + interval + " }", "");
    }

    private static HikariDataSource pool(DatabaseServer server, String database) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(server.jdbcUrl(database));
        c.setUsername(server.user());
        c.setPassword(server.password());
        c.setMaximumPoolSize(8);
        return new HikariDataSource(c);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
