package io.understudy.bench;

import io.understudy.catalog.SqlScript;
import io.understudy.cli.Main;
import io.understudy.config.TableFilter;
import io.understudy.demo.DemoComparison;
import io.understudy.servers.DatabaseServer;
import io.understudy.servers.EmbeddedMariaDb;
import io.understudy.servers.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bootstraps the same data into an empty follower with each tool a user might pick and prints one table:
 * {@code understudy snapshot} vs {@code mariadb-dump --single-transaction | mariadb} into MariaDB, and vs pgloader
 * into PostgreSQL (skipped when pgloader is not installed). Two data sets from one run: Sakila alone, then Sakila
 * plus a generated table {@code bench.t} ({@code --rows}, default 2,000,000: {@code id INT PRIMARY KEY, a INT,
 * b VARCHAR(64), c DECIMAL(12,2), d DATETIME, KEY(a)}). Every tool runs as its own process, as a user would start
 * it, and is timed as a whole command; Understudy's own figure (its copy rate) and its start-up time (from the
 * JVM's start to the first table copied) are printed beside it. The snapshot runs with a 512 MiB heap. All servers
 * are embedded, on this machine.
 */
public final class SnapshotBenchmark {
    private static final Pattern OWN_FIGURE = Pattern.compile("\\(([\\d,]+) rows/s");
    private static final Pattern START_UP = Pattern.compile("copying started ([\\d.]+) s after the command");
    private static final Pattern PGLOADER_TOTAL = Pattern.compile("Total import time.*?([\\d.]+)s\\s*$");
    private static final String HEAP = "-Xmx512m";

    private record Run(String data, String tool, String target, long rows, double seconds, String ownFigure,
                       String startUp, String result, double toolCpu, double leaderCpu, double followerCpu) {
    }

    private record Output(String ownFigure, String startUp) {
    }

    private final long generatedRows;
    private final int repeat;
    private final String targets;
    private final Path root;
    private final List<Run> runs = new ArrayList<>();

    private SnapshotBenchmark(long generatedRows, int repeat, String targets, Path root) {
        this.generatedRows = generatedRows;
        this.repeat = repeat;
        this.targets = targets;
        this.root = root;
    }

    /**
     * Options: {@code --rows N} (rows of bench.t, default 2,000,000), {@code --repeat N} (rounds per data set,
     * default 1), {@code --targets all|mariadb|postgresql} (followers to bootstrap, default all).
     */
    public static void main(String[] args) throws Exception {
        Main.routeJavaUtilLogging();
        long rows = 2_000_000L;
        int repeat = 1;
        String targets = "all";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rows" -> rows = Long.parseLong(args[i + 1]);
                case "--repeat" -> repeat = Integer.parseInt(args[i + 1]);
                case "--targets" -> targets = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --rows N, --repeat N, --targets all|mariadb|postgresql");
            }
        }
        new SnapshotBenchmark(rows, repeat, targets, Path.of("").toAbsolutePath()).run();
    }

    private void run() throws Exception {
        try (EmbeddedMariaDb leader = EmbeddedMariaDb.launch(); EmbeddedMariaDb maria = EmbeddedMariaDb.launch();
             EmbeddedPostgres pg = EmbeddedPostgres.launch()) {
            loadSakila(leader);
            leader.execute(null, "CREATE USER 'understudy'@'%' IDENTIFIED BY 'bench-pw'",
                    "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'understudy'@'%'");
            dataSet("Sakila", List.of("sakila"), leader, maria, pg);
            generate(leader);
            dataSet("Sakila + " + String.format("%,d", generatedRows), List.of("sakila", "bench"), leader, maria, pg);
        }
        print();
    }

    private void dataSet(String data, List<String> schemas, EmbeddedMariaDb leader, EmbeddedMariaDb maria,
                         EmbeddedPostgres pg) throws Exception {
        long rows = count(leader, schemas);
        System.out.printf("data %s: %,d rows%n", data, rows);
        for (int round = 0; round < repeat; round++) {
            if (!"postgresql".equals(targets)) {
                empty(maria, pg);
                time(data, "mariadb-dump | mariadb", "mariadb", rows, schemas, () -> {
                    dumpPipe(leader, maria, schemas);
                    return new Output("-", "-");
                }, leader, maria);
                empty(maria, pg);
                time(data, "understudy snapshot", "mariadb", rows, schemas, () -> snapshot(leader, maria, "maria", schemas),
                        leader, maria);
            }
            if (!"mariadb".equals(targets)) {
                empty(maria, pg);
                if (onPath("pgloader")) {
                    time(data, "pgloader", "postgresql", rows, schemas, () -> pgloader(leader, pg, schemas, rows), leader, pg);
                } else {
                    runs.add(new Run(data, "pgloader", "postgresql", rows, 0, "-", "-", "not installed (apt-get install pgloader)",
                            0, 0, 0));
                }
                empty(maria, pg);
                time(data, "understudy snapshot", "postgresql", rows, schemas, () -> snapshot(leader, pg, "pg", schemas),
                        leader, pg);
            }
        }
    }

    private static void empty(EmbeddedMariaDb maria, EmbeddedPostgres pg) throws Exception {
        maria.execute(null, "DROP DATABASE IF EXISTS sakila", "DROP DATABASE IF EXISTS bench",
                "DROP DATABASE IF EXISTS understudy");
        pg.execute(null, "DROP SCHEMA IF EXISTS sakila CASCADE", "DROP SCHEMA IF EXISTS bench CASCADE",
                "DROP SCHEMA IF EXISTS understudy CASCADE");
    }

    private interface Step {
        Output run() throws Exception;
    }

    private void time(String data, String tool, String target, long rows, List<String> schemas, Step step,
                      DatabaseServer leader, DatabaseServer follower) throws Exception {
        settle(leader);
        settle(follower);
        System.out.println("running " + tool + " -> " + target + " (" + data + ") ...");
        long leaderPid = ProcessCpu.serverPid(leader);
        long followerPid = ProcessCpu.serverPid(follower);
        double tool0 = ProcessCpu.endedChildrenSeconds();
        double leader0 = ProcessCpu.treeSeconds(leaderPid);
        double follower0 = ProcessCpu.treeSeconds(followerPid);
        long start = System.nanoTime();
        Output out = step.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        double toolCpu = ProcessCpu.endedChildrenSeconds() - tool0;
        double leaderCpu = ProcessCpu.treeSeconds(leaderPid) - leader0;
        double followerCpu = ProcessCpu.treeSeconds(followerPid) - follower0;
        TableFilter filter = new TableFilter(schemas.stream().map(s -> s + ".*").toList(), List.of());
        String result = DemoComparison.compare(leader, follower, filter).equal() ? "checksums equal" : "DIFFERENT";
        runs.add(new Run(data, tool, target, rows, seconds, out.ownFigure(), out.startUp(), result, toolCpu, leaderCpu,
                followerCpu));
    }

    /**
     * Waits until a MariaDB server has written its dirty pages (a bulk load or a dropped copy leaves seconds of
     * background flushing, which would otherwise slow whichever tool runs next).
     */
    private static void settle(DatabaseServer server) throws Exception {
        if ("postgresql".equals(server.kind())) {
            server.execute(null, "CHECKPOINT");
            return;
        }
        try (Connection c = server.connect(null); Statement s = c.createStatement()) {
            s.execute("SET GLOBAL innodb_max_dirty_pages_pct = 0");
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (System.nanoTime() < deadline) {
                    try (ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'")) {
                        if (!rs.next() || rs.getLong(2) < 100) {
                            break;
                        }
                    }
                    Thread.sleep(200);
                }
            } finally {
                s.execute("SET GLOBAL innodb_max_dirty_pages_pct = DEFAULT");
            }
        }
    }

    private void print() {
        System.out.println();
        String format = "%-20s %-24s %-11s %10s %8s %9s %7s %11s %8s %8s %8s %8s  %s%n";
        System.out.printf(format, "DATA", "TOOL", "TARGET", "ROWS", "SECONDS", "ROWS/S", "VS PEER", "OWN ROWS/S",
                "START-UP", "CPU TOOL", "LEADER", "FOLLOWER", "RESULT");
        for (Run r : runs) {
            if (r.seconds() == 0) {
                System.out.printf(format, r.data(), r.tool(), r.target(), "-", "-", "-", "-", "-", "-", "-", "-", "-",
                        r.result());
                continue;
            }
            String ratio = "-";
            if (r.tool().startsWith("understudy")) {
                Run peer = runs.stream().filter(p -> p.data().equals(r.data()) && p.target().equals(r.target())
                        && !p.tool().startsWith("understudy") && p.seconds() > 0).reduce((a, b) -> b).orElse(null);
                if (peer != null) {
                    ratio = String.format("%.2fx", peer.seconds() / r.seconds());
                }
            }
            System.out.printf(format, r.data(), r.tool(), r.target(), String.format("%,d", r.rows()),
                    String.format("%.1f", r.seconds()), String.format("%,.0f", r.rows() / r.seconds()), ratio,
                    r.ownFigure(), r.startUp().equals("-") ? "-" : r.startUp() + " s", cpu(r.toolCpu()),
                    cpu(r.leaderCpu()), cpu(r.followerCpu()), r.result());
        }
        System.out.println();
        System.out.println("SECONDS: the whole command, as a user starts it; VS PEER: the peer's time / Understudy's time"
                + " (same data, same target);"
                + " OWN ROWS/S: the rate the tool prints for its copy (pgloader: its total import time);"
                + " START-UP: from its JVM's start to the first table copied; CPU: seconds of the tool's processes,"
                + " the leader's and the follower's server. Understudy runs with " + HEAP + ".");
    }

    private static String cpu(double seconds) {
        return String.format("%.1f s", seconds);
    }

    private void loadSakila(DatabaseServer leader) throws Exception {
        Path sakila = root.resolve("testdata/sakila");
        for (String file : List.of("sakila-schema.sql", "sakila-data.sql")) {
            String sql = Files.readString(sakila.resolve(file), StandardCharsets.UTF_8);
            try (Connection c = leader.connect(null); Statement s = c.createStatement()) {
                for (String statement : SqlScript.statements(sql)) {
                    s.execute(statement);
                }
            }
        }
    }

    private void generate(DatabaseServer leader) throws Exception {
        leader.execute(null, "CREATE DATABASE bench",
                "CREATE TABLE bench.t (id INT PRIMARY KEY, a INT, b VARCHAR(64), c DECIMAL(12,2), d DATETIME, KEY (a))");
        leader.execute("bench", "INSERT INTO bench.t SELECT seq, (seq * 7919) % 1000003, CONCAT('row ', seq, ' ',"
                + " MD5(seq)), (seq % 1000000) / 100, '2024-01-01' + INTERVAL seq SECOND FROM seq_1_to_" + generatedRows);
        try (Connection c = leader.connect(null); Statement s = c.createStatement()) {
            s.execute("ANALYZE TABLE bench.t");
        }
    }

    private static long count(DatabaseServer leader, List<String> schemas) throws Exception {
        try (Connection c = leader.connect(null); Statement s = c.createStatement()) {
            long total = 0;
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) FROM information_schema.TABLES"
                    + " WHERE TABLE_SCHEMA IN ('" + String.join("','", schemas) + "') AND TABLE_TYPE = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + t)) {
                    rs.next();
                    total += rs.getLong(1);
                }
            }
            return total;
        }
    }

    private static void dumpPipe(EmbeddedMariaDb leader, EmbeddedMariaDb follower, List<String> schemas) throws Exception {
        String cmd = leader.clientProgram("mariadb-dump") + " -h127.0.0.1 -P" + leader.port() + " -u" + leader.user()
                + " --single-transaction --skip-triggers --databases " + String.join(" ", schemas) + " | "
                + follower.clientProgram("mariadb") + " -h127.0.0.1 -P" + follower.port() + " -u" + follower.user();
        shell(cmd, Map.of("MYSQL_PWD", leader.password()));
    }

    /** One pgloader run per schema; its own figure: the rows over the sum of its "Total import time" lines. */
    private static Output pgloader(DatabaseServer leader, DatabaseServer pg, List<String> schemas, long rows)
            throws Exception {
        double seconds = 0;
        for (String db : schemas) {
            ProcessBuilder pb = new ProcessBuilder("pgloader", "--quiet", "mysql://" + leader.user() + ":"
                    + leader.password() + "@127.0.0.1:" + leader.port() + "/" + db, "postgresql://" + pg.user()
                    + "@127.0.0.1:" + pg.port() + "/postgres").redirectErrorStream(true);
            Process p = pb.start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    System.out.println("  | " + line);
                    Matcher m = PGLOADER_TOTAL.matcher(line);
                    if (m.find()) {
                        seconds += Double.parseDouble(m.group(1));
                    }
                }
            }
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("pgloader exited " + p.exitValue());
            }
        }
        return new Output(seconds > 0 ? String.format("%,.0f", rows / seconds) : "-", "-");
    }

    private Output snapshot(DatabaseServer leader, DatabaseServer follower, String name, List<String> schemas)
            throws Exception {
        Path config = Files.createTempFile("understudy-bench-", ".yaml");
        String url = "postgresql".equals(follower.kind()) ? follower.jdbcUrl(null) : follower.jdbcUrl("mysql");
        Files.writeString(config, String.join("\n",
                "leader: { kind: mariadb, url: 'jdbc:mariadb://127.0.0.1:" + leader.port() + "/', user: understudy,"
                        + " password: '${BENCH_LEADER_PASSWORD}' }",
                "capture: { mode: binlog, tables: [" + String.join(", ", schemas.stream().map(s -> s + ".*").toList()) + "] }",
                "followers:",
                "  - { name: " + name + ", kind: " + follower.kind() + ", url: '" + url + "', user: " + follower.user()
                        + ", password: '${BENCH_FOLLOWER_PASSWORD}' }",
                ""));
        try {
            ProcessBuilder pb = new ProcessBuilder(root.resolve("bin/understudy").toString(), "snapshot", "--config",
                    config.toString(), "--follower", name).redirectErrorStream(true);
            // SNAPSHOT_JAVA_OPTS: more JVM options for the snapshot, e.g. a JFR recording to profile it
            pb.environment().put("UNDERSTUDY_JAVA_OPTS", (HEAP + " " + System.getenv().getOrDefault("SNAPSHOT_JAVA_OPTS", "")).trim());
            pb.environment().put("BENCH_LEADER_PASSWORD", "bench-pw");
            pb.environment().put("BENCH_FOLLOWER_PASSWORD", follower.password());
            Process p = pb.start();
            String ownFigure = "-";
            String startUp = "-";
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    System.out.println("  | " + line);
                    Matcher own = OWN_FIGURE.matcher(line);
                    if (line.contains("complete:") && own.find()) {
                        ownFigure = own.group(1);
                    }
                    Matcher up = START_UP.matcher(line);
                    if (up.find()) {
                        startUp = up.group(1);
                    }
                }
            }
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("understudy snapshot exited " + p.exitValue());
            }
            return new Output(ownFigure, startUp);
        } finally {
            Files.delete(config);
        }
    }

    private static void shell(String command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-o", "pipefail", "-c", command).inheritIO();
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("command failed (exit " + p.exitValue() + "): " + command);
        }
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
