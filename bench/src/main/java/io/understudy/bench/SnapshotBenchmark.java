package io.understudy.bench;

import io.understudy.catalog.SqlScript;
import io.understudy.cli.Main;
import io.understudy.config.TableFilter;
import io.understudy.demo.DemoComparison;
import io.understudy.servers.DatabaseServer;
import io.understudy.servers.EmbeddedMariaDb;
import io.understudy.servers.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Bootstraps the same data into an empty follower with each tool a user might pick and prints one
 * table: understudy snapshot vs {@code mariadb-dump --single-transaction | mariadb} into MariaDB, and vs
 * pgloader into PostgreSQL (skipped when pgloader is not installed). Data: Sakila plus a generated
 * table ({@code --rows}, default 1,000,000). All servers are embedded, on this machine.
 */
public final class SnapshotBenchmark {
    private record Run(String tool, String target, long rows, double megabytes, double seconds, String result) {
    }

    private final long generatedRows;
    private final int repeat;
    private final String targets;
    private final Path sakila;
    private final List<Run> runs = new ArrayList<>();

    private SnapshotBenchmark(long generatedRows, int repeat, String targets, Path sakila) {
        this.generatedRows = generatedRows;
        this.repeat = repeat;
        this.targets = targets;
        this.sakila = sakila;
    }

    /**
     * Options: {@code --rows N} (generated rows, default 1,000,000), {@code --repeat N} (rounds, default 1),
     * {@code --targets all|mariadb|postgresql} (followers to bootstrap, default all).
     */
    public static void main(String[] args) throws Exception {
        Main.routeJavaUtilLogging();
        long rows = 1_000_000L;
        int repeat = 1;
        String targets = "all";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rows" -> rows = Long.parseLong(args[i + 1]);
                case "--repeat" -> repeat = Integer.parseInt(args[i + 1]);
                case "--targets" -> targets = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; options: --rows N, --repeat N, --targets all|mariadb|postgresql");
            }
        }
        Path sakila = Path.of("testdata/sakila").toAbsolutePath().normalize();
        new SnapshotBenchmark(rows, repeat, targets, sakila).run();
    }

    private void run() throws Exception {
        try (EmbeddedMariaDb leader = EmbeddedMariaDb.launch(); EmbeddedMariaDb maria = EmbeddedMariaDb.launch();
             EmbeddedPostgres pg = EmbeddedPostgres.launch()) {
            load(leader);
            long rows = count(leader);
            double mb = megabytes(leader);
            System.out.printf("data: Sakila + bench.items (%,d rows): %,d rows, %.1f MB of InnoDB data%n", generatedRows, rows, mb);

            for (int round = 0; round < repeat; round++) {
                // each round starts from empty followers, so peer and Understudy alternate under the same load
                if (round > 0) {
                    maria.execute(null, "DROP DATABASE IF EXISTS sakila", "DROP DATABASE IF EXISTS bench",
                            "DROP DATABASE IF EXISTS understudy");
                    pg.execute(null, "DROP SCHEMA IF EXISTS sakila CASCADE", "DROP SCHEMA IF EXISTS bench CASCADE",
                            "DROP SCHEMA IF EXISTS understudy CASCADE");
                }
                if (!"postgresql".equals(targets)) {
                    mariadbRound(leader, maria, rows, mb);
                }
                if (!"mariadb".equals(targets)) {
                    postgresRound(leader, pg, rows, mb);
                }
            }
        }
        print();
    }

    private void mariadbRound(EmbeddedMariaDb leader, EmbeddedMariaDb maria, long rows, double mb) throws Exception {
        time("mariadb-dump | mariadb", "mariadb", rows, mb, () -> dumpPipe(leader, maria), leader, maria);
        maria.execute(null, "DROP DATABASE sakila", "DROP DATABASE bench", "DROP DATABASE IF EXISTS understudy");
        time("understudy snapshot", "mariadb", rows, mb, () -> snapshot(leader, maria, "maria"), leader, maria);
    }

    private void postgresRound(EmbeddedMariaDb leader, EmbeddedPostgres pg, long rows, double mb) throws Exception {
        if (onPath("pgloader")) {
            time("pgloader", "postgresql", rows, mb, () -> pgloader(leader, pg), leader, pg);
            pg.execute(null, "DROP SCHEMA IF EXISTS sakila CASCADE", "DROP SCHEMA IF EXISTS bench CASCADE");
        } else {
            runs.add(new Run("pgloader", "postgresql", rows, mb, 0, "not installed (apt-get install pgloader)"));
        }
        time("understudy snapshot", "postgresql", rows, mb, () -> snapshot(leader, pg, "pg"), leader, pg);
    }

    private interface Step {
        void run() throws Exception;
    }

    private void time(String tool, String target, long rows, double mb, Step step, DatabaseServer leader,
                      DatabaseServer follower) throws Exception {
        System.out.println("running " + tool + " -> " + target + " ...");
        long start = System.nanoTime();
        step.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        TableFilter filter = new TableFilter(List.of("sakila.*", "bench.*"), List.of());
        String result = DemoComparison.compare(leader, follower, filter).equal() ? "checksums equal" : "DIFFERENT";
        runs.add(new Run(tool, target, rows, mb, seconds, result));
    }

    private void print() {
        System.out.println();
        System.out.printf("%-24s %-11s %12s %9s %11s %8s  %s%n", "TOOL", "TARGET", "ROWS", "SECONDS", "ROWS/S", "MB/S", "RESULT");
        for (Run r : runs) {
            if (r.seconds() == 0) {
                System.out.printf("%-24s %-11s %12s %9s %11s %8s  %s%n", r.tool(), r.target(), "-", "-", "-", "-", r.result());
            } else {
                System.out.printf("%-24s %-11s %,12d %9.1f %,11.0f %8.1f  %s%n", r.tool(), r.target(), r.rows(), r.seconds(),
                        r.rows() / r.seconds(), r.megabytes() / r.seconds(), r.result());
            }
        }
    }

    private void load(DatabaseServer leader) throws Exception {
        for (String file : List.of("sakila-schema.sql", "sakila-data.sql")) {
            String sql = Files.readString(sakila.resolve(file), StandardCharsets.UTF_8);
            try (Connection c = leader.connect(null); Statement s = c.createStatement()) {
                for (String statement : SqlScript.statements(sql)) {
                    s.execute(statement);
                }
            }
        }
        leader.execute(null, "CREATE DATABASE bench",
                "CREATE TABLE bench.items (id INT PRIMARY KEY, sku VARCHAR(32) NOT NULL, name VARCHAR(100) NOT NULL,"
                        + " price DECIMAL(10,2) NOT NULL, qty INT NOT NULL, created DATETIME(6) NOT NULL, note TEXT,"
                        + " KEY (sku))");
        leader.execute("bench", "INSERT INTO bench.items SELECT seq, CONCAT('SKU-', seq), CONCAT('item number ', seq),"
                + " (seq % 10000) / 100, seq % 97, '2024-01-01' + INTERVAL seq SECOND,"
                + " IF(seq % 3 = 0, NULL, REPEAT('x', seq % 50)) FROM seq_1_to_" + generatedRows);
        leader.execute(null, "CREATE USER 'understudy'@'%' IDENTIFIED BY 'bench-pw'",
                "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'understudy'@'%'");
    }

    private static long count(DatabaseServer leader) throws Exception {
        try (Connection c = leader.connect(null); Statement s = c.createStatement()) {
            long total = 0;
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) FROM information_schema.TABLES"
                    + " WHERE TABLE_SCHEMA IN ('sakila', 'bench') AND TABLE_TYPE = 'BASE TABLE'")) {
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

    private static double megabytes(DatabaseServer leader) throws Exception {
        try (Connection c = leader.connect(null); Statement s = c.createStatement()) {
            // InnoDB's DATA_LENGTH is a statistic: refresh it after the bulk load
            s.execute("ANALYZE TABLE bench.items");
        }
        try (Connection c = leader.connect(null); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT SUM(DATA_LENGTH) FROM information_schema.TABLES"
                     + " WHERE TABLE_SCHEMA IN ('sakila', 'bench') AND TABLE_TYPE = 'BASE TABLE'")) {
            rs.next();
            return rs.getLong(1) / 1e6;
        }
    }

    private static void dumpPipe(EmbeddedMariaDb leader, EmbeddedMariaDb follower) throws Exception {
        String cmd = leader.clientProgram("mariadb-dump") + " -h127.0.0.1 -P" + leader.port() + " -u" + leader.user()
                + " --single-transaction --databases sakila bench | " + follower.clientProgram("mariadb")
                + " -h127.0.0.1 -P" + follower.port() + " -u" + follower.user();
        shell(cmd, leader.password());
    }

    private static void pgloader(DatabaseServer leader, DatabaseServer pg) throws Exception {
        for (String db : List.of("sakila", "bench")) {
            shell("pgloader --quiet mysql://" + leader.user() + ":" + leader.password() + "@127.0.0.1:" + leader.port() + "/" + db
                    + " postgresql://" + pg.user() + "@127.0.0.1:" + pg.port() + "/postgres", leader.password());
        }
    }

    private static void snapshot(DatabaseServer leader, DatabaseServer follower, String name) throws Exception {
        Path config = Files.createTempFile("understudy-bench-", ".yaml");
        String url = "postgresql".equals(follower.kind()) ? follower.jdbcUrl(null) : follower.jdbcUrl("mysql");
        Files.writeString(config, String.join("\n",
                "leader: { kind: mariadb, url: 'jdbc:mariadb://127.0.0.1:" + leader.port() + "/', user: understudy, password: bench-pw }",
                "capture: { mode: binlog, tables: [sakila.*, bench.*] }",
                "followers:",
                "  - { name: " + name + ", kind: " + follower.kind() + ", url: '" + url + "', user: " + follower.user()
                        + ", password: '" + follower.password() + "' }",
                ""));
        int code = Main.execute("snapshot", "--config", config.toString(), "--follower", name);
        Files.delete(config);
        if (code != 0) {
            throw new IllegalStateException("understudy snapshot exited " + code);
        }
    }

    private static void shell(String command, String password) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-o", "pipefail", "-c", command).inheritIO();
        pb.environment().put("MYSQL_PWD", password);
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("command failed: " + command.replace(password, "****"));
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
