package io.understudy.bench;

import io.understudy.cli.Main;
import io.understudy.servers.DatabaseServer;
import io.understudy.servers.EmbeddedMariaDb;
import io.understudy.servers.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Apply-throughput benchmark (issue 4): backlogs of an OLTP write-only mix and a bulk-insert mix on a MariaDB
 * leader, caught up by native MariaDB replication (one SQL thread; 4 optimistic parallel threads), by the
 * Understudy daemon into MariaDB and into PostgreSQL, compared with each follower's raw multi-row INSERT ceiling;
 * then steady-state lag at a fixed leader rate. All five servers are embedded on this machine; only one consumer
 * applies at a time. Prints one table and writes CSV and a PNG chart; see docs/benchmarks.md.
 */
public final class ApplyBenchmark {
    private final BenchOptions options;
    private final ResultTable table = new ResultTable();
    private final Map<String, List<Heartbeat.Sample>> lagSeries = new LinkedHashMap<>();

    private ApplyBenchmark(BenchOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Main.routeJavaUtilLogging();
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        new ApplyBenchmark(options).run();
        System.exit(0); // embedded-server reaper threads would keep the JVM alive
    }

    private void run() throws Exception {
        Path out = options.out().toAbsolutePath();
        Path logs = Files.createDirectories(out.resolve("apply-logs"));
        Durability durability = options.durability();
        System.out.printf("apply benchmark: %s per backlog, %s per lag run, %d OLTP threads, %d bulk threads, %,d rows x %d"
                        + " tables, durability %s on every server; logs in %s%n", options.workload(), options.lag(),
                options.threads(), options.bulkThreads(), options.rowsPerTable(), OltpWorkload.TABLES, durability.label(), logs);
        try (EmbeddedMariaDb leader = EmbeddedMariaDb.launch(mariaDbArgs(durability, "--innodb-buffer-pool-size=512M"));
             NativeReplica single = NativeReplica.launch(2, 0, durability);
             NativeReplica parallel = NativeReplica.launch(3, 4, durability);
             EmbeddedMariaDb maria = EmbeddedMariaDb.launch(mariaDbArgs(durability, "--server-id=4"));
             EmbeddedPostgres pg = EmbeddedPostgres.launch(durability.postgresConfig())) {
            for (DatabaseServer server : List.of(leader, single.server(), parallel.server(), maria, pg)) {
                System.out.println("durability " + durability.label() + ": " + durability.verify(server));
            }
            Consumers consumers = new Consumers(leader, logs, options.daemonJavaOptions());
            OltpWorkload oltp = new OltpWorkload(leader, options.rowsPerTable(), options.threads());
            BulkWorkload bulk = new BulkWorkload(leader, options.bulkThreads());
            setUp(leader, single, parallel, consumers, oltp, bulk);
            Path mariaConfig = consumers.config(maria, "maria");
            Path pgConfig = consumers.config(pg, "pg");
            snapshot(mariaConfig, "maria");
            snapshot(pgConfig, "pg");

            Setup s = new Setup(leader, single, parallel, maria, pg, mariaConfig, pgConfig, consumers);
            double nativeOltpRate = Double.NaN;
            if (options.phases().contains("oltp")) {
                nativeOltpRate = catchUp(s, "oltp", OltpWorkload.SCHEMA, options.oltpLimit(), (time, limit) -> oltp.run(time, 0, limit));
            }
            if (options.phases().contains("bulk")) {
                catchUp(s, "bulk", BulkWorkload.SCHEMA, options.bulkLimit(), bulk::run);
            }
            if (options.phases().contains("lag")) {
                double rate = options.lagRate() > 0 ? options.lagRate() : nativeOltpRate / 2;
                if (Double.isNaN(rate)) {
                    throw new IllegalArgumentException("the lag phase without a native OLTP catch-up needs --lag-rate");
                }
                new LagRuns(s, oltp, options, rate, table, lagSeries).runAll();
            }
        }
        report(out);
    }

    private static String[] mariaDbArgs(Durability durability, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(durability.mariaDbArgs()));
        return all.toArray(String[]::new);
    }

    /** The servers and configs every phase uses. */
    record Setup(DatabaseServer leader, NativeReplica single, NativeReplica parallel, DatabaseServer maria,
                 DatabaseServer pg, Path mariaConfig, Path pgConfig, Consumers consumers) {
    }

    private void setUp(DatabaseServer leader, NativeReplica single, NativeReplica parallel, Consumers consumers,
                       OltpWorkload oltp, BulkWorkload bulk) throws Exception {
        String base = consumers.leaderEnd().gtid();
        leader.execute(null, "CREATE USER 'understudy'@'%' IDENTIFIED BY '" + Consumers.LEADER_CAPTURE_PASSWORD + "'",
                "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'understudy'@'%'",
                "CREATE DATABASE hb", "CREATE TABLE " + Heartbeat.TABLE + " (id BIGINT PRIMARY KEY, at_us BIGINT NOT NULL)",
                "CREATE TABLE " + FollowerProbe.MARKER_TABLE + " (name VARCHAR(64) PRIMARY KEY, at_us BIGINT NOT NULL)");
        System.out.println("filling the OLTP tables and replicating them to the native replicas ...");
        oltp.create();
        bulk.create();
        FollowerProbe.writeMarker(leader, "setup");
        single.follow(leader, base);
        parallel.follow(leader, base);
        String gtid = consumers.leaderEnd().gtid();
        single.awaitApplied(gtid, Consumers.CATCH_UP_TIMEOUT);
        parallel.awaitApplied(gtid, Consumers.CATCH_UP_TIMEOUT);
    }

    private static void snapshot(Path config, String follower) {
        System.out.println("understudy snapshot (" + config.getFileName() + ") ...");
        int code = Main.execute("snapshot", "--config", config.toString(), "--follower", follower);
        if (code != 0) {
            throw new IllegalStateException("understudy snapshot --config " + config + " exited " + code);
        }
    }

    /** The phase's workload on the leader at full speed. */
    private interface Backlog {
        /** Writes for {@code time}, at most {@code limit} transactions (0: no limit). */
        Counts write(Duration time, long limit) throws Exception;
    }

    /**
     * Builds one backlog of at most {@code limit} transactions and times every consumer on it, then the warm
     * daemons on a second backlog of as many transactions; returns native single-threaded tx/s.
     */
    private double catchUp(Setup s, String phase, String schema, long limit, Backlog backlog) throws Exception {
        s.single().stopSqlThread();
        s.parallel().stopSqlThread();
        String capturePosition = options.runs("capture") ? s.consumers().capturePosition(s.mariaConfig()) : null;
        System.out.printf("%s: writing the backlog on the leader for %s ...%n", phase, options.workload());
        Counts counts = backlog.write(options.workload(), limit);
        String marker = phase + "-end";
        FollowerProbe.writeMarker(s.leader(), marker);
        Consumers.LeaderEnd end = s.consumers().leaderEnd();
        System.out.printf("%s: %,d transactions, %,d rows in %.1f s (%,.0f tx/s); leader at %s:%d gtid %s%n", phase,
                counts.transactions(), counts.rows(), counts.seconds(), counts.txPerSecond(), end.file(), end.pos(), end.gtid());
        Consumers c = s.consumers();
        List<Named> runs = new ArrayList<>();
        if (options.runs("native")) {
            runs.add(step(phase, "native 1 thread", counts, () -> c.nativeCatchUp(s.single(), end, schema)));
            runs.add(step(phase, "native 4 optimistic", counts, () -> c.nativeCatchUp(s.parallel(), end, schema)));
        }
        if (options.runs("mariadb")) {
            runs.add(step(phase, "understudy -> mariadb", counts,
                    () -> c.understudyCatchUp(s.maria(), s.mariaConfig(), marker, phase + "-maria", schema)));
        }
        if (options.runs("postgresql")) {
            runs.add(step(phase, "understudy -> postgresql", counts,
                    () -> c.understudyCatchUp(s.pg(), s.pgConfig(), marker, phase + "-pg", schema)));
        }
        if (options.runs("capture")) {
            runs.add(step(phase, "capture only (no apply)", counts,
                    () -> c.captureOnly(s.mariaConfig(), capturePosition, marker, phase)));
        }
        boolean maria = options.feeds("mariadb") || options.runs("native");
        Consumers.Timing rawMariaRun = maria ? step(phase, "raw mariadb", counts, () -> raw(c, s.maria(), counts.rows())).timing() : null;
        Consumers.Timing rawPgRun = options.feeds("postgresql")
                ? step(phase, "raw postgresql", counts, () -> raw(c, s.pg(), counts.rows())).timing() : null;
        warmCatchUps(s, phase, schema, counts.transactions(), backlog, runs);
        double rawMaria = rawMariaRun == null ? Double.NaN : rawMariaRun.seconds();
        double rawPg = rawPgRun == null ? Double.NaN : rawPgRun.seconds();
        double native1 = options.runs("native") ? counts.transactions() / runs.get(0).timing().seconds() : Double.NaN;
        Heartbeat.Stats none = Heartbeat.Stats.of(List.of());
        for (Named run : runs) {
            String name = run.name();
            Consumers.Timing t = run.timing();
            Counts n = run.counts();
            double rawRate = counts.rows() / (name.contains("postgresql") ? rawPg : rawMaria);
            table.add(new ResultTable.Row(phase, name, n.transactions(), n.rows(), t.seconds(), t.startSeconds(),
                    n.transactions() / t.seconds() / native1, n.rows() / t.seconds() / rawRate, none, t.memory(), t.cpu(), t.check()));
        }
        UnderstudyDaemon.Memory noMemory = new UnderstudyDaemon.Memory(-1, -1);
        if (maria) {
            table.add(new ResultTable.Row(phase, "raw mariadb (INSERT x1000)", 0, counts.rows(), rawMaria, 0, Double.NaN, 1,
                    none, noMemory, rawMariaRun.cpu(), "-"));
        }
        if (options.feeds("postgresql")) {
            table.add(new ResultTable.Row(phase, "raw postgresql (INSERT x1000)", 0, counts.rows(), rawPg, 0, Double.NaN, 1,
                    none, noMemory, rawPgRun.cpu(), "-"));
        }
        return native1;
    }

    private interface Timed {
        Consumers.Timing run() throws Exception;
    }

    /** One timed consumer and the backlog it applied. */
    private record Named(String name, Counts counts, Consumers.Timing timing) {
    }

    private static Named step(String phase, String name, Counts counts, Timed timed) throws Exception {
        System.out.printf("%s: %s ...%n", phase, name);
        Consumers.Timing t = timed.run();
        System.out.printf("%s: %s took %.1f s (+%.1f s start-up), CPU s: consumer %.1f, follower server %.1f, leader %.1f; %s%n",
                phase, name, t.seconds(), t.startSeconds(), t.cpu().consumer(), t.cpu().server(), t.cpu().leader(), t.check());
        return new Named(name, counts, t);
    }

    /** A follower of the warm scenario: scenario name, server, daemon tag and its running daemon. */
    private record Warm(String name, DatabaseServer follower, String tag, UnderstudyDaemon daemon) {
    }

    /**
     * The warm scenario (a follower outage with the daemon running): daemons started before the backlog stream
     * the phase's workload for {@code --warm-up-seconds} (JIT-compiled by then, like a daemon that has run for a
     * while) and catch up; then they are frozen (SIGSTOP) while a backlog of {@code transactions} is written, and
     * timed one after the other from SIGCONT. The native replicas' SQL threads are stopped meanwhile, as for the
     * cold backlog, and catch up afterwards (untimed) so that the next phase starts from an applied leader.
     */
    private void warmCatchUps(Setup s, String phase, String schema, long transactions, Backlog backlog, List<Named> runs)
            throws Exception {
        boolean maria = options.runs("mariadb-warm");
        boolean pg = options.runs("postgresql-warm");
        if (!maria && !pg) {
            return;
        }
        Consumers c = s.consumers();
        // the leader's binlog dump threads must not drop a frozen daemon's connection while the backlog is written
        // (net_write_timeout, 60 s by default); their sessions take the values at connect, so before the start
        String restore = c.leaderNetTimeouts(3600);
        List<Warm> warm = new ArrayList<>();
        try {
            if (maria) {
                String tag = phase + "-maria-warm";
                warm.add(new Warm("understudy -> mariadb (warm)", s.maria(), tag, c.daemon(s.mariaConfig(), tag)));
            }
            if (pg) {
                String tag = phase + "-pg-warm";
                warm.add(new Warm("understudy -> postgresql (warm)", s.pg(), tag, c.daemon(s.pgConfig(), tag)));
            }
            System.out.printf("%s: warm-up, the workload for %s with the daemons running ...%n", phase, options.warmUp());
            backlog.write(options.warmUp(), 0);
            String ready = phase + "-warm-ready";
            FollowerProbe.writeMarker(s.leader(), ready);
            for (Warm w : warm) {
                Consumers.awaitMarker(w.daemon(), w.follower(), ready);
            }
            s.single().stopSqlThread();
            s.parallel().stopSqlThread();
            for (Warm w : warm) {
                w.daemon().freeze();
            }
            System.out.printf("%s: daemons frozen; writing %,d transactions on the leader ...%n", phase, transactions);
            Counts counts = backlog.write(Consumers.CATCH_UP_TIMEOUT, transactions);
            String marker = phase + "-warm-end";
            FollowerProbe.writeMarker(s.leader(), marker);
            System.out.printf("%s: warm backlog %,d transactions, %,d rows in %.1f s (%,.0f tx/s)%n", phase,
                    counts.transactions(), counts.rows(), counts.seconds(), counts.txPerSecond());
            for (Warm w : warm) {
                runs.add(step(phase, w.name(), counts, () -> c.warmCatchUp(w.daemon(), w.follower(), marker, w.tag(), schema)));
            }
        } finally {
            warm.forEach(w -> w.daemon().close());
            s.leader().execute(null, restore);
        }
        if (options.runs("native")) {
            String gtid = c.leaderEnd().gtid();
            for (NativeReplica replica : List.of(s.single(), s.parallel())) {
                replica.startSqlThread();
                replica.awaitApplied(gtid, Consumers.CATCH_UP_TIMEOUT);
            }
        }
    }

    private static Consumers.Timing raw(Consumers consumers, DatabaseServer follower, long rows) {
        double[] seconds = new double[1];
        Consumers.Cpu cpu = consumers.serverCpu(follower, () -> {
            try {
                seconds[0] = RawCeiling.measure(follower, rows);
            } catch (Exception e) {
                throw new IllegalStateException("raw ceiling on " + follower.kind() + " port " + follower.port() + ": " + e, e);
            }
        });
        return new Consumers.Timing(seconds[0], 0, new UnderstudyDaemon.Memory(-1, -1), cpu, "-");
    }

    private void report(Path out) throws Exception {
        System.out.println();
        System.out.println("durability: " + options.durability().label() + " (the same on every server)");
        table.print(System.out);
        table.writeCsv(out.resolve("apply-results.csv"), options.durability().label());
        List<String> lines = new ArrayList<>(List.of("scenario,at_s,lag_ms"));
        lagSeries.forEach((name, samples) -> samples.forEach(p -> lines.add(name + "," + p.atSeconds() + "," + p.lagMs())));
        Files.write(out.resolve("apply-lag.csv"), lines);
        LagChart.write(lagSeries, "Replication lag at a fixed leader rate (heartbeat every 50 ms)", out.resolve("apply-lag.png"));
        System.out.println("\nwrote " + out.resolve("apply-results.csv") + ", apply-lag.csv, apply-lag.png");
    }
}
