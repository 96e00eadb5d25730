package io.understudy.bench;

import io.understudy.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Trigger-overhead benchmark (issue 5): leader write throughput and latency of the apply benchmark's OLTP and bulk
 * mixes on a MariaDB and a PostgreSQL leader in three setups: no triggers; capture triggers installed but no daemon
 * (the change table only grows); triggers and a running {@code understudy run} in its own JVM replicating to a
 * follower of the same engine, so its ticks, batch reads and purge compete with the writers. Every round measures
 * each setup once, in alternating order, and a daemon run ends with the follower compared to the leader by
 * checksum. All servers are embedded on this machine. Prints one table and writes CSV; see docs/benchmarks.md.
 */
public final class TriggerOverheadBenchmark {
    /** At most this long (and 3 windows) the daemon's purge gets to empty the change table before a daemon window. */
    private static final Duration PURGE_WAIT = Duration.ofSeconds(60);
    private static final Duration WARM_UP = Duration.ofSeconds(3);

    private final TriggerBenchOptions options;
    private final TriggerResults results = new TriggerResults();

    private TriggerOverheadBenchmark(TriggerBenchOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Main.routeJavaUtilLogging();
        TriggerBenchOptions options;
        try {
            options = TriggerBenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        boolean equal = new TriggerOverheadBenchmark(options).run();
        System.exit(equal ? 0 : 1); // exit also stops the embedded servers' reaper threads
    }

    /** Returns whether every follower check found the follower equal to the leader. */
    private boolean run() throws Exception {
        Path out = options.out().toAbsolutePath();
        Path logs = Files.createDirectories(out.resolve("trigger-logs"));
        long started = System.nanoTime();
        System.out.printf(Locale.ROOT, "trigger overhead: %s per window, %d round(s), %d OLTP threads, %d bulk threads,"
                        + " %,d rows x %d tables, engines %s, mixes %s; load average %.2f; logs in %s%n", options.window(),
                options.rounds(), options.threads(), options.bulkThreads(), options.rowsPerTable(), LeaderMixes.TABLES,
                options.engines(), options.mixes(), ProcessCpu.loadAverage(), logs);
        List<TriggerRig> rigs = new ArrayList<>();
        try {
            for (String engine : options.engines()) {
                System.out.println(engine + ": starting leader and follower, filling, installing triggers, copying ...");
                TriggerRig rig = TriggerRig.launch(engine, logs);
                rigs.add(rig);
                rig.prepare(options.rowsPerTable());
                System.out.println(engine + ": " + rig.leaderSettings());
                warmUp(rig);
            }
            for (int round = 1; round <= options.rounds(); round++) {
                List<String> order = round % 2 == 1 ? List.of(TriggerResults.NONE, TriggerResults.TRIGGERS, TriggerResults.DAEMON)
                        : List.of(TriggerResults.DAEMON, TriggerResults.TRIGGERS, TriggerResults.NONE);
                for (TriggerRig rig : rigs) {
                    for (String mix : options.mixes()) {
                        for (String setup : order) {
                            TriggerResults.Measurement m = measure(rig, mix, setup, round);
                            results.add(m);
                            System.out.println(TriggerResults.line(m));
                        }
                    }
                }
            }
            for (TriggerRig rig : rigs) {
                finalCheck(rig);
            }
        } finally {
            rigs.forEach(TriggerRig::close);
        }
        System.out.println();
        results.print(System.out);
        results.writeCsv(out.resolve("trigger-results.csv"));
        System.out.printf(Locale.ROOT, "%nwrote %s (one line per window, then the summary); %.0f s in all; load average now %.2f%n",
                out.resolve("trigger-results.csv"), (System.nanoTime() - started) / 1e9, ProcessCpu.loadAverage());
        if (!results.allChecksEqual()) {
            System.out.println("BROKEN RUN: a follower differed from its leader (CHECK column); the figures do not count");
            return false;
        }
        return true;
    }

    /** A few seconds of each mix on the plain tables, so the first measured window does not pay for the JIT. */
    private void warmUp(TriggerRig rig) throws Exception {
        LeaderMixes mixes = mixes(rig);
        for (String mix : options.mixes()) {
            mixes.run(mix, TriggerRig.PLAIN, min(WARM_UP, options.window()));
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private LeaderMixes mixes(TriggerRig rig) {
        return new LeaderMixes(rig.leader(), options.rowsPerTable(), options.threads(), options.bulkThreads());
    }

    private TriggerResults.Measurement measure(TriggerRig rig, String mix, String setup, int round) throws Exception {
        if (!setup.equals(TriggerResults.DAEMON)) {
            String schema = setup.equals(TriggerResults.NONE) ? TriggerRig.PLAIN : TriggerRig.CAPTURED;
            long before = setup.equals(TriggerResults.NONE) ? -1 : rig.changeRows();
            Window w = window(rig, mix, schema);
            long after = setup.equals(TriggerResults.NONE) ? -1 : rig.changeRows();
            return w.measurement(round, rig.engine(), mix, setup, before, after, Double.NaN, "-");
        }
        try (UnderstudyDaemon daemon = rig.startDaemon(mix + "-" + round)) {
            // the daemon first applies what the no-daemon windows left behind; its purge gets a while to delete it (it
            // may not finish: it deletes slower than the triggers write, docs/benchmarks.md); then the window
            double caughtUp = rig.awaitFollower(daemon, "before");
            double purged = rig.awaitPurged(daemon, min(PURGE_WAIT, options.window().multipliedBy(3)));
            long left = rig.changeRows();
            System.out.printf(Locale.ROOT, "round %d %s %s: the daemon caught up in %.1f s; purge waited %.1f s more, %,d change"
                    + " rows left%n", round, rig.engine(), mix, caughtUp, purged, left);
            Window w = window(rig, mix, TriggerRig.CAPTURED);
            long changeRows = rig.changeRows();
            double tail = rig.awaitFollower(daemon, "after");
            String check = rig.check(checkedTables(mix));
            daemon.terminate();
            return w.measurement(round, rig.engine(), mix, TriggerResults.DAEMON, left, changeRows, tail, check);
        }
    }

    private static List<String> checkedTables(String mix) {
        List<String> tables = new ArrayList<>(LeaderMixes.tables(mix));
        tables.add("marker");
        return tables;
    }

    /** One measurement window's workload result, load and CPU use. */
    private record Window(TimedRunner.Result result, double[] load, double leaderCpu, double daemonCpu, double followerCpu,
                          double clientCpu) {
        TriggerResults.Measurement measurement(int round, String engine, String mix, String setup, long changeRowsBefore,
                                               long changeRowsAfter, double tail, String check) {
            return new TriggerResults.Measurement(round, engine, mix, setup, result, load, leaderCpu, daemonCpu,
                    followerCpu, clientCpu, new long[] {changeRowsBefore, changeRowsAfter}, tail, check);
        }
    }

    private Window window(TriggerRig rig, String mix, String schema) throws Exception {
        OptionalLong daemon = ProcessCpu.daemonPid();
        double load = ProcessCpu.loadAverage();
        double leader = rig.leaderCpu();
        double follower = rig.followerCpu();
        double daemonCpu = daemon.isPresent() ? ProcessCpu.treeSeconds(daemon.getAsLong()) : 0;
        double self = ProcessCpu.selfSeconds();
        TimedRunner.Result r = mixes(rig).run(mix, schema, options.window());
        return new Window(r, new double[] {load, ProcessCpu.loadAverage()}, rig.leaderCpu() - leader,
                daemon.isPresent() ? ProcessCpu.treeSeconds(daemon.getAsLong()) - daemonCpu : 0,
                rig.followerCpu() - follower, ProcessCpu.selfSeconds() - self);
    }

    /** After the last round: the daemon applies whatever the last windows left and every captured table is compared. */
    private static void finalCheck(TriggerRig rig) throws Exception {
        try (UnderstudyDaemon daemon = rig.startDaemon("final")) {
            double seconds = rig.awaitFollower(daemon, "final");
            String check = rig.check(TriggerRig.capturedTables());
            daemon.terminate();
            System.out.printf(Locale.ROOT, "%s: final catch-up %.1f s; every captured table: %s%n", rig.engine(), seconds, check);
            if (!check.startsWith("equal")) {
                throw new IllegalStateException(rig.engine() + ": follower differs from the leader after the last round: " + check);
            }
        }
    }
}
