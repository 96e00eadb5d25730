package io.understudy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.understudy.cli.daemon.Daemon;
import io.understudy.cli.daemon.FollowerReport;
import io.understudy.cli.daemon.FollowerState;
import io.understudy.config.ConfigLoader;
import io.understudy.config.UnderstudyConfig;
import io.understudy.servers.DatabaseServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lag and the guarantees readers ask for, against real followers of both kinds in both capture modes: lag while the
 * leader is idle and while a follower is held back, readiness flipping at max-lag and back, tokens waited for over
 * HTTP ({@code /wait}) and inside follower sessions ({@code understudy.wait_for}), plain reads from a held-back
 * follower shown stale, and bad tokens refused clearly.
 */
class ReadersIT extends ClusterTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void forgetEarlierRuns() {
        cluster.forgetPositions();
    }

    @Test
    void binlogMode(@TempDir Path dir) throws Exception {
        exercise("binlog", "rdb", dir);
    }

    @Test
    void triggerMode(@TempDir Path dir) throws Exception {
        exercise("trigger", "rdt", dir);
    }

    private void exercise(String mode, String schema, Path dir) throws Exception {
        cluster.leader.execute(null, "CREATE DATABASE " + schema,
                "CREATE TABLE " + schema + ".acct (id INT PRIMARY KEY, balance INT NOT NULL)",
                "INSERT INTO " + schema + ".acct VALUES (1, 100)");
        cluster.createFollowerTables(schema + ".*");
        int port = freePort();
        String yaml = String.join("\n",
                "leader: { kind: mariadb, url: '" + cluster.leaderUrl() + "', user: understudy, password: '${LEADER_PASSWORD}' }",
                "capture: { mode: " + mode + ", tables: [" + schema + ".*] }",
                "followers:",
                "  - { name: pg, kind: postgresql, url: '" + cluster.postgres.jdbcUrl(null) + "', user: "
                        + cluster.postgres.user() + ", password: '${PG_PASSWORD}' }",
                "  - { name: maria, kind: mariadb, url: '" + cluster.mariadb.jdbcUrl("mysql") + "', user: "
                        + cluster.mariadb.user() + ", password: '${MARIA_PASSWORD}', max-lag: 2s }",
                "  - { name: gone, kind: mariadb, url: 'jdbc:mariadb://127.0.0.1:" + freePort() + "/x', user: u, password: p }",
                "http: { port: " + port + " }",
                "lag: { heartbeat-interval: 200ms }",
                "sync: { first: 1, followers: [gone, pg] }", "");
        if (mode.equals("trigger")) {
            cluster.leader.execute(null, "GRANT TRIGGER ON " + schema + ".* TO 'understudy'@'%'",
                    "GRANT ALL ON understudy.* TO 'understudy'@'%'", "SET GLOBAL log_bin_trust_function_creators = 1");
            Path config = dir.resolve("understudy.yaml");
            Files.writeString(config, yaml);
            Path log = dir.resolve("install.log");
            assertThat(DaemonProcess.runToEnd(log, cluster.environment(), "triggers", "install", "--config",
                    config.toString())).as("triggers install:%n%s", Files.readString(log)).isZero();
        }
        UnderstudyConfig config = new ConfigLoader(cluster.environment()).parse(yaml, "readers.yaml");
        try (Daemon daemon = new Daemon(config, Clock.systemUTC())) {
            daemon.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> daemon.states().stream().filter(s -> !s.follower().equals("gone"))
                    .allMatch(s -> s.phase() == FollowerState.Phase.STREAMING && !s.position().isEmpty()));
            String base = "http://127.0.0.1:" + port;

            // an idle leader: lag stays small because the readings go on, and readiness holds
            Thread.sleep(1500);
            for (String f : List.of("pg", "maria")) {
                await().atMost(Duration.ofSeconds(10)).until(() -> lag(daemon, f) != null && lag(daemon, f) < 1.0);
            }
            assertThat(get(base + "/health/ready?follower=maria").statusCode()).isEqualTo(200);
            assertThat(get(base + "/health/live").statusCode()).isEqualTo(200);
            // caught up on an idle leader: 0 behind, once the newest reading (in trigger mode a fresh tick) is applied
            String caughtUp = mode.equals("trigger") ? "understudy_follower_lag_ticks{follower=\"pg\"} 0.0"
                    : "understudy_follower_lag_transactions{follower=\"pg\"} 0.0";
            String metrics = await().atMost(Duration.ofSeconds(10)).until(() -> get(base + "/metrics").body(),
                    body -> body.contains(caughtUp));
            assertThat(metrics).contains("understudy_follower_lag_seconds{follower=\"maria\"}")
                    .contains("understudy_apply_delay_seconds").contains("jvm_memory_used_bytes")
                    .contains("process_cpu_usage").contains("hikaricp_connections_active{pool=\"understudy-maria\"}");
            if (mode.equals("binlog")) {
                assertThat(metrics).contains("understudy_follower_lag_bytes{follower=\"maria\"} 0.0");
            }

            if (mode.equals("binlog")) {
                assertEveryMonitoredMetricExists(metrics);
            }
            assertThat(metrics).contains("understudy_sync_required 1.0").contains("understudy_follower_sync{follower=\"pg\"} 1.0")
                    .contains("understudy_follower_sync{follower=\"gone\"} 0.0");

            // a write, its token, and both ways of waiting for it
            String token = write(schema, 2, mode);
            HttpResponse<String> bySync = get(base + "/wait?timeout=10s&token=" + enc(token));
            assertThat(bySync.statusCode()).as("the first streaming follower of sync: [gone, pg] acknowledges; %s", bySync.body())
                    .isEqualTo(200);
            assertThat(bySync.body()).contains("\"have\":[{\"follower\":\"pg\"");
            HttpResponse<String> both = get(base + "/wait?followers=2&timeout=10s&token=" + enc(token));
            assertThat(both.statusCode()).as(both.body()).isEqualTo(200);
            assertThat(both.body()).contains("\"follower\":\"pg\"").contains("\"follower\":\"maria\"");
            assertThat(waitOnMaria(token, 5)).isTrue();
            assertThat(waitOnPostgres(token, 5)).isTrue();
            assertThat(count(cluster.mariadb, "SELECT count(*) FROM " + schema + ".acct WHERE id = 2")).isOne();

            // hold the MariaDB follower back: its plain reads are stale, waits on it time out, the other follower answers
            try (Connection lock = cluster.mariadb.connect(null); Statement s = lock.createStatement()) {
                s.execute("LOCK TABLES " + schema + ".acct READ"); // readers go on, the applier waits
                String held = write(schema, 3, mode);
                assertThat(waitOnPostgres(held, 10)).isTrue();
                assertThat(count(cluster.postgres, "SELECT count(*) FROM " + schema + ".acct WHERE id = 3")).isOne();
                assertThat(count(cluster.mariadb, "SELECT count(*) FROM " + schema + ".acct WHERE id = 3"))
                        .as("a plain read from the held-back follower is stale").isZero();
                HttpResponse<String> onMaria = get(base + "/wait?followers=maria&timeout=500ms&token=" + enc(held));
                assertThat(onMaria.statusCode()).isEqualTo(504);
                assertThat(onMaria.body()).contains("\"missing\":[{\"follower\":\"maria\"");
                HttpResponse<String> any = get(base + "/wait?followers=1&timeout=5s&token=" + enc(held));
                assertThat(any.statusCode()).isEqualTo(200);
                assertThat(any.body()).contains("\"have\":[{\"follower\":\"pg\"");
                HttpResponse<String> down = get(base + "/wait?followers=gone,pg&timeout=300ms&token=" + enc(held));
                assertThat(down.statusCode()).isEqualTo(504);
                assertThat(down.body()).contains("\"follower\":\"gone\"").contains("RETRYING");
                assertThat(waitOnMaria(held, 0.3)).isFalse();
                await().atMost(Duration.ofSeconds(15)).until(() -> get(base + "/health/ready?follower=maria").statusCode() == 503);
                assertThat(lag(daemon, "maria")).isGreaterThan(2.0);
                assertThat(get(base + "/health/ready?follower=pg&max-lag=5s").statusCode()).isEqualTo(200);
                assertThat(get(base + "/health/ready").statusCode()).isEqualTo(503);
                s.execute("UNLOCK TABLES");
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> get(base + "/health/ready?follower=maria").statusCode() == 200);
            assertThat(count(cluster.mariadb, "SELECT count(*) FROM " + schema + ".acct WHERE id = 3")).isOne();

            Path configFile = dir.resolve("status.yaml");
            Files.writeString(configFile, yaml);
            Path statusLog = dir.resolve("status.log");
            DaemonProcess.runToEnd(statusLog, cluster.environment(), "status", "--config", configFile.toString());
            assertThat(Files.readString(statusLog)).contains("LAG").contains(mode.equals("trigger") ? "TICKS BEHIND" : "TX BEHIND");
            DaemonProcess.runToEnd(statusLog, cluster.environment(), "status", "--json", "--config", configFile.toString());
            assertThat(Files.readString(statusLog)).contains("\"lagSeconds\"").containsPattern("\"token\"\\s*:\\s*\"e1/");

            // bad requests say what is wrong
            HttpResponse<String> bad = get(base + "/wait?token=" + enc("not-a-token"));
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("is not an Understudy token");
            assertThat(get(base + "/wait?followers=nobody&token=" + enc(token)).body()).contains("no follower named 'nobody'");
            assertThat(get(base + "/health/ready?max-lag=soon").statusCode()).isEqualTo(400);
            assertThatThrownBy(() -> waitOnMaria("not-a-token", 1)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("is not an Understudy token");
            assertThatThrownBy(() -> waitOnPostgres("not-a-token", 1)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("is not an Understudy token");
        }
    }

    /** The Grafana dashboard and the alert rules in docs/monitoring name only metrics the daemon exports. */
    private static void assertEveryMonitoredMetricExists(String metrics) throws Exception {
        Pattern name = Pattern.compile("\\b((?:understudy|jvm|process|hikaricp)_[a-z_]+)");
        int checked = 0;
        for (String file : List.of("grafana-dashboard.json", "alerts.yml")) {
            Matcher m = name.matcher(Files.readString(Path.of("../docs/monitoring", file)));
            while (m.find()) {
                assertThat(metrics).as("metric %s named in docs/monitoring/%s", m.group(1), file)
                        .containsPattern("(?m)^" + Pattern.quote(m.group(1)) + "[{ ]");
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(10);
    }

    /** The status page in a real headless browser: it renders each follower and its lag chart, and updates. */
    @Test
    void statusPageInHeadlessChromium(@TempDir Path dir) throws Exception {
        Path chromium = java.util.stream.Stream.of("/usr/bin/chromium", "/usr/bin/chromium-browser").map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(chromium != null,
                "status page test skipped: no chromium here (.ci/run installs Debian's chromium)");
        cluster.leader.execute(null, "CREATE DATABASE rdp", "CREATE TABLE rdp.t (id INT PRIMARY KEY)");
        cluster.createFollowerTables("rdp.*");
        int port = freePort();
        UnderstudyConfig config = new ConfigLoader(cluster.environment())
                .parse(cluster.yaml(List.of("rdp.*"), port) + "lag: { heartbeat-interval: 200ms }\n", "page.yaml");
        try (Daemon daemon = new Daemon(config, Clock.systemUTC())) {
            daemon.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> daemon.states().stream()
                    .allMatch(s -> s.phase() == FollowerState.Phase.STREAMING && !s.position().isEmpty()));
            Thread.sleep(1000);
            Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--user-data-dir=" + dir.resolve("profile"), "--virtual-time-budget=3500", "--dump-dom",
                    "http://127.0.0.1:" + port + "/").redirectError(dir.resolve("chromium.err").toFile()).start();
            String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("chromium; stderr:%n%s", Files.readString(dir.resolve("chromium.err"))).isZero();
            assertThat(dom).contains("<tr data-follower=\"pg\">").contains("<tr data-follower=\"maria\">")
                    .contains("STREAMING").containsPattern("<polyline points=\"[0-9.]+,[0-9.]+ [0-9.]+,[0-9.]+");
            Matcher refreshes = Pattern.compile("id=\"refreshes\">(\\d+)<").matcher(dom);
            assertThat(refreshes.find()).as(dom).isTrue();
            assertThat(Integer.parseInt(refreshes.group(1))).as("the page refreshes itself").isGreaterThanOrEqualTo(2);
        }
    }

    /** Writes a row on the leader and returns the token the writing session gets for it. */
    private String write(String schema, int id, String mode) throws Exception {
        try (Connection c = cluster.leader.connect(null); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO " + schema + ".acct VALUES (" + id + ", 0)");
            String sql = mode.equals("trigger") ? "SELECT understudy.token()" : "SELECT @@last_gtid";
            try (ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static boolean waitOnMaria(String token, double seconds) throws Exception {
        return Cluster.waitFor(cluster.mariadb, token, seconds);
    }

    private static boolean waitOnPostgres(String token, double seconds) throws Exception {
        return Cluster.waitFor(cluster.postgres, token, seconds);
    }

    private static Double lag(Daemon daemon, String follower) {
        return daemon.reports().stream().filter(r -> r.follower().equals(follower)).findFirst()
                .map(FollowerReport::lagSeconds).orElse(null);
    }

    private static long count(DatabaseServer server, String sql) throws Exception {
        return Cluster.count(server, sql);
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
