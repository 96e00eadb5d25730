package io.understudy.bench;

import io.understudy.config.ConfigLoader;
import io.understudy.config.TableFilter;
import io.understudy.config.UnderstudyConfig;
import io.understudy.connector.BinlogChangeSource;
import io.understudy.demo.DemoComparison;
import io.understudy.servers.DatabaseServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The leader and the ways a backlog reaches a follower: native replication (catch-up from a fetched relay log)
 * and the Understudy daemon (catch-up from the leader's binlog). Each method times one catch-up and verifies the
 * follower against the leader afterwards. Not thread-safe.
 */
final class Consumers {
    static final Duration CATCH_UP_TIMEOUT = Duration.ofHours(1);
    static final String LEADER_CAPTURE_PASSWORD = "bench-pw";

    /** The leader's binlog end: file, position and GTID position. */
    record LeaderEnd(String file, long pos, String gtid) {
    }

    /** One timed catch-up: apply seconds, daemon start-up seconds, memory (-1 for native), CPU used while applying. */
    record Timing(double seconds, double startSeconds, UnderstudyDaemon.Memory memory, Cpu cpu, String check) {
    }

    /**
     * CPU seconds used while applying by the consumer's own process (the Understudy daemon; 0 for native
     * replication, which applies inside the replica), the follower's server and the leader's server; NaN when the
     * process was not found.
     */
    record Cpu(double consumer, double server, double leader) {
        static final Cpu NONE = new Cpu(Double.NaN, Double.NaN, Double.NaN);

        /** Consumer plus follower server: what applying cost on this machine. */
        double apply() {
            return consumer + server;
        }
    }

    /** Reads the CPU counters of the processes of one measurement. */
    private final class CpuProbe {
        private final long consumerPid;
        private final long serverPid;
        private final long leaderPid;
        private final double consumer;
        private final double server;
        private final double leaderCpu;

        CpuProbe(long consumerPid, DatabaseServer follower) {
            this.consumerPid = consumerPid;
            this.serverPid = ProcessCpu.serverPid(follower);
            this.leaderPid = ProcessCpu.serverPid(leader);
            this.consumer = seconds(consumerPid);
            this.server = seconds(serverPid);
            this.leaderCpu = seconds(leaderPid);
        }

        Cpu used() {
            return new Cpu(consumerPid < 0 ? 0 : seconds(consumerPid) - consumer, seconds(serverPid) - server,
                    seconds(leaderPid) - leaderCpu);
        }

        private static double seconds(long pid) {
            return pid < 0 ? Double.NaN : ProcessCpu.treeSeconds(pid);
        }
    }

    /** CPU used by {@code server} (and the leader) while {@code work} runs; for the raw ceiling. */
    Cpu serverCpu(DatabaseServer server, Runnable work) {
        CpuProbe probe = new CpuProbe(-1, server);
        work.run();
        return probe.used();
    }

    private final DatabaseServer leader;
    private final Path dir;
    private final List<String> daemonJavaOptions;

    Consumers(DatabaseServer leader, Path dir, List<String> daemonJavaOptions) {
        this.leader = leader;
        this.dir = dir;
        this.daemonJavaOptions = List.copyOf(daemonJavaOptions);
    }

    /** Starts the Understudy daemon on {@code config} with the benchmark's daemon JVM options. */
    UnderstudyDaemon daemon(Path config, String tag) throws java.io.IOException {
        return UnderstudyDaemon.start(config, dir, tag, daemonJavaOptions);
    }

    /** Where daemon logs and configs go. */
    Path dir() {
        return dir;
    }

    LeaderEnd leaderEnd() throws Exception {
        try (Connection c = leader.connect(null); Statement s = c.createStatement()) {
            String file;
            long pos;
            try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
                rs.next();
                file = rs.getString("File");
                pos = rs.getLong("Position");
            }
            try (ResultSet rs = s.executeQuery("SELECT @@gtid_binlog_pos")) {
                rs.next();
                return new LeaderEnd(file, pos, rs.getString(1));
            }
        }
    }

    /** Starts the stopped SQL thread of a replica whose IO thread fetched the backlog; times until it reaches {@code end}. */
    Timing nativeCatchUp(NativeReplica replica, LeaderEnd end, String schema) throws Exception {
        replica.awaitFetched(end.file(), end.pos(), CATCH_UP_TIMEOUT);
        CpuProbe cpu = new CpuProbe(-1, replica.server());
        long start = System.nanoTime();
        replica.startSqlThread();
        replica.awaitApplied(end.gtid(), CATCH_UP_TIMEOUT);
        double seconds = (System.nanoTime() - start) / 1e9;
        Cpu used = cpu.used();
        return new Timing(seconds, 0, new UnderstudyDaemon.Memory(-1, -1), used, check(replica.server(), schema));
    }

    /**
     * Starts the daemon (a cold JVM) on a config with one follower and times from its first applied transaction
     * until the follower shows the leader's {@code marker} row (written after the backlog); then SIGTERMs it.
     */
    Timing understudyCatchUp(DatabaseServer follower, Path config, String marker, String tag, String schema) throws Exception {
        try (FollowerProbe probe = new FollowerProbe(follower)) {
            long before = probe.appliedTransactions();
            long start = System.nanoTime();
            try (UnderstudyDaemon daemon = daemon(config, tag)) {
                return untilMarker(daemon, probe, follower, marker, tag, schema, start, before, null);
            }
        }
    }

    /**
     * Thaws a daemon frozen (SIGSTOP) while the backlog was written and times from SIGCONT until the follower
     * shows {@code marker}; then SIGTERMs it.
     */
    Timing warmCatchUp(UnderstudyDaemon daemon, DatabaseServer follower, String marker, String tag, String schema) throws Exception {
        try (FollowerProbe probe = new FollowerProbe(follower)) {
            printThreads(tag + " at SIGCONT", ProcessCpu.threadSeconds(daemon.pid()));
            CpuProbe cpu = new CpuProbe(daemon.pid(), follower);
            long start = System.nanoTime();
            daemon.thaw();
            return untilMarker(daemon, probe, follower, marker, tag, schema, start, Long.MAX_VALUE, cpu);
        }
    }

    /**
     * Waits for {@code marker}; the apply time runs from the first transaction applied after {@code before} when
     * {@code cpu} is null (read from then on), else from {@code start}.
     */
    private Timing untilMarker(UnderstudyDaemon daemon, FollowerProbe probe, DatabaseServer follower, String marker,
                               String tag, String schema, long start, long before, CpuProbe cpu) throws Exception {
        long first = cpu == null ? 0 : start;
        while (!probe.hasMarker(marker)) {
            if (first == 0 && probe.appliedTransactions() > before) {
                first = System.nanoTime();
                cpu = new CpuProbe(daemon.pid(), follower);
            }
            daemon.checkAlive();
            if (System.nanoTime() - start > CATCH_UP_TIMEOUT.toNanos()) {
                throw new IllegalStateException(tag + ": follower did not reach marker " + marker + " within " + CATCH_UP_TIMEOUT);
            }
            Thread.sleep(20);
        }
        long end = System.nanoTime();
        Cpu used = cpu == null ? Cpu.NONE : cpu.used();
        printThreads(tag, ProcessCpu.threadSeconds(daemon.pid()));
        UnderstudyDaemon.Memory memory = daemon.memory();
        daemon.terminate();
        first = first == 0 ? end : first;
        return new Timing((end - first) / 1e9, (first - start) / 1e9, memory, used, check(follower, schema));
    }

    /** Waits until the running {@code daemon} has brought {@code follower} up to the leader's {@code marker}. */
    static void awaitMarker(UnderstudyDaemon daemon, DatabaseServer follower, String marker) throws Exception {
        try (FollowerProbe probe = new FollowerProbe(follower)) {
            long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
            while (!probe.hasMarker(marker)) {
                daemon.checkAlive();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("follower on port " + follower.port() + " did not reach marker " + marker);
                }
                Thread.sleep(20);
            }
        }
    }

    /**
     * Sets the leader's {@code net_read_timeout} and {@code net_write_timeout} for the sessions opened from now on
     * (a session keeps the values it started with); returns the statement that restores the previous values.
     */
    String leaderNetTimeouts(long seconds) throws Exception {
        try (Connection c = leader.connect(null); Statement s = c.createStatement()) {
            String restore;
            try (ResultSet rs = s.executeQuery("SELECT @@global.net_read_timeout, @@global.net_write_timeout")) {
                rs.next();
                restore = "SET GLOBAL net_read_timeout = " + rs.getLong(1) + ", net_write_timeout = " + rs.getLong(2);
            }
            s.execute("SET GLOBAL net_read_timeout = " + seconds + ", net_write_timeout = " + seconds);
            return restore;
        }
    }

    /** The daemon's busiest threads since its start (JVM start-up included), for the log. */
    private static void printThreads(String tag, java.util.Map<String, Double> threads) {
        StringBuilder line = new StringBuilder(tag + ": daemon thread CPU s since start:");
        threads.entrySet().stream().limit(12).forEach(e -> line.append(String.format(java.util.Locale.ROOT, " %s=%.1f",
                e.getKey().replace(' ', '_'), e.getValue())));
        System.out.println(line);
    }

    /** The leader's current position as the connector encodes it, for {@link #captureOnly}. */
    String capturePosition(Path config) throws Exception {
        UnderstudyConfig c = new ConfigLoader(System.getenv()).load(config);
        return new BinlogChangeSource("bench-position", c.leader(), c.capture(), Clock.systemUTC()).currentPosition().encode();
    }

    /**
     * Runs {@link CaptureOnly} in its own JVM from {@code position} until the leader's {@code marker}; the capture
     * side's seconds and CPU seconds as it reports them (from its first transaction on).
     */
    Timing captureOnly(Path config, String position, String marker, String tag) throws Exception {
        Path log = dir.resolve("capture-" + tag + ".log");
        List<String> command = UnderstudyDaemon.java(daemonJavaOptions, "capture-" + tag);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CaptureOnly.class.getName(),
                config.toString(), position, marker));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(CATCH_UP_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("capture-only run failed; see " + log);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("in ([0-9.]+) s, ([0-9.]+) CPU s")
                .matcher(java.nio.file.Files.readString(log));
        if (!m.find()) {
            throw new IllegalStateException("capture-only printed no result; see " + log);
        }
        return new Timing(Double.parseDouble(m.group(1)), 0, new UnderstudyDaemon.Memory(-1, -1),
                new Cpu(Double.parseDouble(m.group(2)), 0, Double.NaN), "-");
    }

    /** Checksums every table of {@code schema} on leader and follower. */
    String check(DatabaseServer follower, String schema) throws Exception {
        DemoComparison.Result r = DemoComparison.compare(leader, follower, new TableFilter(List.of(schema + ".*"), List.of()));
        if (r.tables().isEmpty()) {
            return "NO TABLES in " + schema;
        }
        long rows = r.tables().stream().mapToLong(DemoComparison.TableResult::followerRows).sum();
        if (r.equal()) {
            return String.format("checksums equal (%,d rows)", rows);
        }
        for (DemoComparison.TableResult t : r.tables()) {
            if (!t.equal()) {
                RowDiffs.first(leader, follower, schema + "." + t.table()).forEach(d -> System.out.println("  differs: " + d));
            }
        }
        return "DIFFERENT: " + r.tables().stream().filter(t -> !t.equal())
                .map(t -> t.table() + " " + t.leaderRows() + "/" + t.followerRows()).collect(Collectors.joining(", "));
    }

    /** Writes the YAML for a daemon that replicates the benchmark schemas to one follower. */
    Path config(DatabaseServer follower, String name) throws Exception {
        Path config = dir.resolve("understudy-" + name + ".yaml");
        String url = "postgresql".equals(follower.kind()) ? follower.jdbcUrl(null) : follower.jdbcUrl("mysql");
        Files.writeString(config, String.join("\n",
                "leader: { kind: mariadb, url: 'jdbc:mariadb://127.0.0.1:" + leader.port() + "/', user: understudy,"
                        + " password: " + LEADER_CAPTURE_PASSWORD + " }",
                "capture: { mode: binlog, tables: [oltp.*, bulk.*, hb.*] }",
                "followers:",
                "  - { name: " + name + ", kind: " + follower.kind() + ", url: '" + url + "', user: " + follower.user()
                        + ", password: '" + follower.password() + "' }",
                ""));
        return config;
    }
}
