package io.understudy.demo;

import io.understudy.catalog.FollowerSchema;
import io.understudy.catalog.SqlScript;
import io.understudy.cli.daemon.Daemon;
import io.understudy.cli.daemon.FollowerState;
import io.understudy.config.ConfigLoader;
import io.understudy.config.DatabaseKind;
import io.understudy.config.TableFilter;
import io.understudy.config.UnderstudyConfig;
import io.understudy.servers.DatabaseServer;
import io.understudy.servers.EmbeddedMariaDb;
import io.understudy.servers.EmbeddedPostgres;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code understudy demo}: with nothing but a JDK, starts an embedded MariaDB leader and an embedded
 * PostgreSQL follower, replicates the Sakila sample database and a stream of writes, and proves the
 * follower equal to the leader by per-table checksums. Stops everything it started.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start an embedded MariaDB leader and PostgreSQL follower, replicate the Sakila sample database plus a stream of writes, and compare both sides by checksum.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--seconds", defaultValue = "15", description = "How long to run the write stream (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--writers", defaultValue = "2", description = "Concurrent writer sessions on the leader (default: ${DEFAULT-VALUE}).")
    int writers;

    @Option(names = "--sakila", paramLabel = "DIR", description = "Directory with sakila-schema.sql and sakila-data.sql (default: the repository's testdata/sakila, found from the working directory).")
    Path sakilaDir;

    @Spec
    CommandSpec spec;

    private static final String LEADER_PASSWORD = "demo-" + Long.toHexString(System.nanoTime());

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path sakila = SakilaFiles.locate(sakilaDir);
        say(out, "Starting an embedded MariaDB leader and an embedded PostgreSQL follower (binaries from Maven Central)...");
        try (DatabaseServer leader = EmbeddedMariaDb.launch(); DatabaseServer follower = EmbeddedPostgres.launch()) {
            say(out, "  leader   mariadb    127.0.0.1:" + leader.port());
            say(out, "  follower postgresql 127.0.0.1:" + follower.port());
            prepareLeader(leader, sakila);
            TableFilter filter = new TableFilter(List.of("sakila.*"), List.of());
            try (Connection l = leader.connect("sakila"); Connection f = follower.connect(null)) {
                FollowerSchema.create(l, f, DatabaseKind.POSTGRESQL, filter);
            }
            say(out, "Created the 16 Sakila tables on the follower (types translated, no triggers, no foreign keys).");
            UnderstudyConfig config = config(leader, follower);
            try (Daemon daemon = new Daemon(config, Clock.systemUTC())) {
                daemon.start();
                awaitStreaming(daemon);
                loadData(out, leader, sakila, daemon);
                runWrites(out, leader, daemon);
                return compare(out, leader, follower, filter, daemon);
            }
        }
    }

    private void prepareLeader(DatabaseServer leader, Path sakila) throws Exception {
        leader.execute(null,
                "CREATE USER 'understudy'@'%' IDENTIFIED BY '" + LEADER_PASSWORD + "'",
                "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'understudy'@'%'");
        runScript(leader, sakila.resolve("sakila-schema.sql"));
        // Sakila's SMALLINT payment ids run out after ~49k new payments: a longer --seconds would hit that
        leader.execute("sakila", "ALTER TABLE payment MODIFY payment_id INT UNSIGNED NOT NULL AUTO_INCREMENT");
    }

    private static void runScript(DatabaseServer server, Path file) throws Exception {
        String sql = Files.readString(file, StandardCharsets.UTF_8);
        try (Connection c = server.connect(null); Statement s = c.createStatement()) {
            for (String statement : SqlScript.statements(sql)) {
                s.execute(statement);
            }
        }
    }

    private UnderstudyConfig config(DatabaseServer leader, DatabaseServer follower) throws Exception {
        String yaml = String.join("\n",
                "leader:    { kind: mariadb, url: 'jdbc:mariadb://127.0.0.1:" + leader.port() + "/sakila', user: understudy, password: '${LEADER_PASSWORD}' }",
                "capture:   { mode: binlog, tables: [sakila.*] }",
                "followers:",
                "  - { name: reporting, kind: postgresql, url: 'jdbc:postgresql://127.0.0.1:" + follower.port() + "/postgres', user: postgres, password: '${FOLLOWER_PASSWORD}' }",
                "");
        say(spec.commandLine().getOut(), "Configuration (secrets come from the environment):\n" + indent(yaml));
        return new ConfigLoader(Map.of("LEADER_PASSWORD", LEADER_PASSWORD, "FOLLOWER_PASSWORD", follower.password()))
                .parse(yaml, "demo.yaml");
    }

    private static void awaitStreaming(Daemon daemon) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (daemon.states().stream().anyMatch(s -> s.phase() != FollowerState.Phase.STREAMING || s.position().isEmpty())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("replication did not start: " + daemon.states());
            }
            Thread.sleep(100);
        }
    }

    private void loadData(PrintWriter out, DatabaseServer leader, Path sakila, Daemon daemon) throws Exception {
        say(out, "Loading the Sakila data (~47,000 rows) into the leader while replication runs...");
        long start = System.nanoTime();
        runScript(leader, sakila.resolve("sakila-data.sql"));
        say(out, String.format("  loaded on the leader in %.1f s", (System.nanoTime() - start) / 1e9));
    }

    private void runWrites(PrintWriter out, DatabaseServer leader, Daemon daemon) throws Exception {
        say(out, "Running " + writers + " writer session(s) for " + seconds + " s: rentals, returns, customer and film edits, deletes...");
        AtomicLong written = new AtomicLong();
        WriterPool pool = WriterPool.start(writers, () -> leader.connect(null), written);
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        TextProgress progress = new TextProgress(out);
        while (System.nanoTime() < end) {
            Thread.sleep(1000);
            progress.print(written.get(), daemon.states().get(0));
        }
        pool.close();
        say(out, "  leader transactions written: " + written.get());
    }

    private int compare(PrintWriter out, DatabaseServer leader, DatabaseServer follower, TableFilter filter,
                        Daemon daemon) throws Exception {
        say(out, "Waiting for the follower to catch up, then comparing every table by checksum...");
        DemoComparison.Result result = DemoComparison.awaitEqual(leader, follower, filter, Duration.ofSeconds(120));
        result.print(out);
        FollowerState s = daemon.states().get(0);
        say(out, String.format("Follower 'reporting': %d transactions, %d row changes applied; last position %s; apply delay %.3f s",
                s.transactions(), s.rows(), s.position(), s.applyDelaySeconds()));
        say(out, result.equal() ? "RESULT: the follower is identical to the leader." : "RESULT: DIFFERENCES FOUND (see above).");
        return result.equal() ? 0 : 1;
    }

    private static String indent(String text) {
        return text.lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    private static void say(PrintWriter out, String line) {
        out.println(line);
        out.flush();
    }

    static void createDatabase(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + name);
        }
    }
}
