package io.understudy.bench;

import io.understudy.cli.Main;
import io.understudy.servers.DatabaseServer;
import io.understudy.servers.EmbeddedMariaDb;
import io.understudy.servers.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What replaying foreign-key cascades costs the apply side ({@code bench/cascades}): the same leader workload on two
 * schemas, once with cascading keys (the leader deletes and renumbers an order, InnoDB changes its lines without
 * logging them, Understudy replays that) and once without keys (the application deletes and renumbers the lines
 * itself, so the binlog carries every row). Each backlog is written with no daemon running, then caught up by a cold
 * daemon into MariaDB and into PostgreSQL, one at a time, with the engines' default durability; every catch-up is
 * checked by checksum. Prints a table; see docs/benchmarks.md, "Cascades".
 *
 * <p>Per leader transaction: a new order with four lines; from the 50th on, the order written 50 transactions
 * before is deleted; every tenth renumbers the order written ten before. The leader changes the same rows in both
 * schemas; only what reaches the binlog differs.
 */
public final class CascadeBenchmark {
    private static final int LINES = 4;

    private record Result(String follower, String schema, long transactions, double seconds, String check) {
    }

    public static void main(String[] args) throws Exception {
        Main.routeJavaUtilLogging();
        long transactions = 20_000;
        Path out = Path.of("bench/target");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> transactions = 5_000;
                case "--transactions" -> transactions = Long.parseLong(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println("unknown option " + args[i] + "; usage: bench/cascades [--quick] [--transactions N]"
                            + " [--out DIR]");
                    System.exit(2);
                }
            }
        }
        run(transactions, out.toAbsolutePath());
        System.exit(0); // embedded-server reaper threads would keep the JVM alive
    }

    private static void run(long transactions, Path out) throws Exception {
        Path logs = Files.createDirectories(out.resolve("cascade-logs"));
        System.out.printf("cascade benchmark: %,d leader transactions per schema, default durability; logs in %s%n",
                transactions, logs);
        List<Result> results = new ArrayList<>();
        try (EmbeddedMariaDb leader = EmbeddedMariaDb.launch("--innodb-buffer-pool-size=256M");
             EmbeddedMariaDb maria = EmbeddedMariaDb.launch("--server-id=4");
             EmbeddedPostgres pg = EmbeddedPostgres.launch()) {
            leader.execute(null, "CREATE USER 'understudy'@'%' IDENTIFIED BY '" + Consumers.LEADER_CAPTURE_PASSWORD + "'",
                    "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'understudy'@'%'",
                    "CREATE DATABASE hb",
                    "CREATE TABLE " + FollowerProbe.MARKER_TABLE + " (name VARCHAR(64) PRIMARY KEY, at_us BIGINT NOT NULL)");
            for (String schema : List.of("plain", "fk")) {
                String key = schema.equals("fk") ? ", CONSTRAINT lines_order FOREIGN KEY (order_id) REFERENCES fk.orders (id)"
                        + " ON DELETE CASCADE ON UPDATE CASCADE" : "";
                leader.execute(null, "CREATE DATABASE " + schema,
                        "CREATE TABLE " + schema + ".orders (id BIGINT PRIMARY KEY, customer INT, note VARCHAR(40))",
                        "CREATE TABLE " + schema + ".lines (order_id BIGINT NOT NULL, line INT NOT NULL, qty INT,"
                                + " price DECIMAL(10,2), PRIMARY KEY (order_id, line)" + key + ")");
            }
            Consumers consumers = new Consumers(leader, logs, List.of());
            Path mariaConfig = config(leader, maria, "maria", logs);
            Path pgConfig = config(leader, pg, "pg", logs);
            for (var f : List.of(new Object[] {mariaConfig, "maria"}, new Object[] {pgConfig, "pg"})) {
                if (Main.execute("snapshot", "--config", f[0].toString(), "--follower", (String) f[1]) != 0) {
                    throw new IllegalStateException("understudy snapshot of " + f[1] + " failed; see the output above");
                }
            }
            for (String schema : List.of("plain", "fk")) {
                System.out.printf("%s: writing %,d transactions on the leader ...%n", schema, transactions);
                long started = System.nanoTime();
                backlog(leader, schema, transactions);
                System.out.printf("%s: written in %.1f s%n", schema, (System.nanoTime() - started) / 1e9);
                FollowerProbe.writeMarker(leader, "end-" + schema);
                for (var f : List.of(new Object[] {maria, mariaConfig, "maria"}, new Object[] {pg, pgConfig, "pg"})) {
                    String tag = schema + "-" + f[2];
                    Consumers.Timing t = consumers.understudyCatchUp((DatabaseServer) f[0], (Path) f[1], "end-" + schema,
                            tag, schema);
                    System.out.printf("%s: %.1f s, %s%n", tag, t.seconds(), t.check());
                    results.add(new Result((String) f[2], schema, transactions, t.seconds(), t.check()));
                }
            }
        }
        print(results);
    }

    /** One client writing {@code count} transactions as fast as it can. */
    private static void backlog(DatabaseServer leader, String schema, long count) throws SQLException {
        boolean cascades = schema.equals("fk");
        try (Connection c = leader.connect(null); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (long n = 1; n <= count; n++) {
                s.addBatch("INSERT INTO " + schema + ".orders VALUES (" + n + ", " + (n % 997) + ", 'order " + n + "')");
                StringBuilder lines = new StringBuilder("INSERT INTO " + schema + ".lines VALUES ");
                for (int line = 1; line <= LINES; line++) {
                    lines.append(line > 1 ? ", " : "").append("(").append(n).append(", ").append(line).append(", ")
                            .append(line).append(", ").append(n % 100).append(".99)");
                }
                s.addBatch(lines.toString());
                if (n > 50) {
                    if (!cascades) {
                        s.addBatch("DELETE FROM " + schema + ".lines WHERE order_id = " + (n - 50));
                    }
                    s.addBatch("DELETE FROM " + schema + ".orders WHERE id = " + (n - 50));
                }
                if (n % 10 == 0) {
                    long from = n - 10;
                    long to = 10_000_000 + from;
                    s.addBatch("UPDATE " + schema + ".orders SET id = " + to + " WHERE id = " + from);
                    if (!cascades) {
                        s.addBatch("UPDATE " + schema + ".lines SET order_id = " + to + " WHERE order_id = " + from);
                    }
                }
                s.executeBatch();
                c.commit();
            }
        }
    }

    private static Path config(DatabaseServer leader, DatabaseServer follower, String name, Path dir) throws Exception {
        Path config = dir.resolve("understudy-" + name + ".yaml");
        String url = "postgresql".equals(follower.kind()) ? follower.jdbcUrl(null) : follower.jdbcUrl("mysql");
        Files.writeString(config, String.join("\n",
                "leader: { kind: mariadb, url: 'jdbc:mariadb://127.0.0.1:" + leader.port() + "/', user: understudy,"
                        + " password: " + Consumers.LEADER_CAPTURE_PASSWORD + " }",
                "capture: { mode: binlog, tables: [plain.*, fk.*, hb.*] }",
                "followers:",
                "  - { name: " + name + ", kind: " + follower.kind() + ", url: '" + url + "', user: " + follower.user()
                        + ", password: '" + follower.password() + "' }",
                ""));
        return config;
    }

    private static void print(List<Result> results) {
        System.out.println();
        System.out.printf("%-9s %-34s %12s %9s %8s %9s  %s%n", "FOLLOWER", "SCHEMA", "LEADER TX", "SECONDS", "TX/S",
                "VS PLAIN", "CHECK");
        for (Result r : results) {
            double plain = results.stream().filter(p -> p.follower().equals(r.follower()) && p.schema().equals("plain"))
                    .mapToDouble(Result::seconds).findFirst().orElse(Double.NaN);
            System.out.printf(Locale.ROOT, "%-9s %-34s %,12d %9.1f %,8.0f %8.2fx  %s%n", r.follower(),
                    r.schema().equals("fk") ? "fk (cascades replayed)" : "plain (child rows in the binlog)",
                    r.transactions(), r.seconds(), r.transactions() / r.seconds(), plain / r.seconds(), r.check());
        }
    }
}
