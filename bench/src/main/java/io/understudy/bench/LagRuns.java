package io.understudy.bench;

import io.understudy.servers.DatabaseServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Steady-state lag: the OLTP mix at a fixed leader rate plus heartbeats, replicated by one consumer at a time
 * (native single-threaded replication, then Understudy into MariaDB, then into PostgreSQL), each caught up
 * before its run starts. Not thread-safe.
 */
final class LagRuns {
    private final ApplyBenchmark.Setup s;
    private final OltpWorkload oltp;
    private final Duration duration;
    private final double rate;
    private final ResultTable table;
    private final Map<String, List<Heartbeat.Sample>> series;
    private long nextHeartbeat = 1;

    private final BenchOptions options;

    LagRuns(ApplyBenchmark.Setup s, OltpWorkload oltp, BenchOptions options, double rate, ResultTable table,
            Map<String, List<Heartbeat.Sample>> series) {
        this.options = options;
        this.s = s;
        this.oltp = oltp;
        this.duration = options.lag();
        this.rate = rate;
        this.table = table;
        this.series = series;
    }

    void runAll() throws Exception {
        System.out.printf("lag: OLTP at %.0f tx/s for %s per consumer%n", rate, duration);
        s.parallel().stopSlave();
        if (options.runs("native")) {
            s.single().startSlave(); // its SQL thread may already run; START SLAVE then only warns
            s.single().awaitApplied(s.consumers().leaderEnd().gtid(), Consumers.CATCH_UP_TIMEOUT);
            record(s.single().server(), "native 1 thread", new UnderstudyDaemon.Memory(-1, -1),
                    measure(s.single().server()));
        }
        s.single().stopSlave();
        if (options.runs("mariadb")) {
            understudy(s.maria(), s.mariaConfig(), "understudy -> mariadb", "lag-maria");
        }
        if (options.runs("postgresql")) {
            understudy(s.pg(), s.pgConfig(), "understudy -> postgresql", "lag-pg");
        }
    }

    private void understudy(DatabaseServer follower, Path config, String name, String tag) throws Exception {
        try (UnderstudyDaemon daemon = s.consumers().daemon(config, tag)) {
            String ready = tag + "-ready";
            FollowerProbe.writeMarker(s.leader(), ready);
            Consumers.awaitMarker(daemon, follower, ready);
            Outcome o = measure(follower);
            UnderstudyDaemon.Memory memory = daemon.memory();
            daemon.terminate();
            record(follower, name, memory, o);
        }
    }

    private record Outcome(Counts counts, List<Heartbeat.Sample> samples) {
    }

    private Outcome measure(DatabaseServer follower) throws Exception {
        Heartbeat heartbeat = new Heartbeat(s.leader(), follower, nextHeartbeat);
        heartbeat.start();
        Counts counts = oltp.run(duration, rate);
        // the last beat follows the last workload transaction: once it is visible, the follower has everything
        List<Heartbeat.Sample> samples = heartbeat.stop(Consumers.CATCH_UP_TIMEOUT);
        if (counts.txPerSecond() < 0.9 * rate) {
            System.out.printf("lag: the leader reached only %.0f of the requested %.0f tx/s (its own limit on this machine)%n",
                    counts.txPerSecond(), rate);
        }
        nextHeartbeat += 10_000_000; // ids of the next run stay above this one's (20 beats/s)
        return new Outcome(counts, samples);
    }

    private void record(DatabaseServer follower, String name, UnderstudyDaemon.Memory memory, Outcome o) throws Exception {
        Heartbeat.Stats stats = Heartbeat.Stats.of(o.samples());
        String check = s.consumers().check(follower, OltpWorkload.SCHEMA);
        System.out.printf("lag: %s p50 %.0f ms, p99 %.0f ms, max %.0f ms over %d heartbeats; %s%n", name, stats.p50(),
                stats.p99(), stats.max(), stats.count(), check);
        series.put(name, o.samples());
        table.add(new ResultTable.Row("lag", name, o.counts().transactions(), o.counts().rows(), o.counts().seconds(), 0,
                Double.NaN, Double.NaN, stats, memory, Consumers.Cpu.NONE, check));
    }
}
