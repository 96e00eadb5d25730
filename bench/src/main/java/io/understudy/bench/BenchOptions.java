package io.understudy.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Command-line options of {@code bench/apply}.
 *
 * @param workload     leader write time of each catch-up backlog (OLTP and bulk)
 * @param lag          duration of each steady-state lag run
 * @param threads      OLTP client threads
 * @param bulkThreads  bulk-insert client threads
 * @param rowsPerTable rows pre-filled in each OLTP table (a multiple of 1000)
 * @param lagRate      leader OLTP transactions/s during lag runs; 0 = half the native single-threaded catch-up rate
 * @param out          directory for CSV, PNG and daemon logs
 * @param durability   durability settings of every server (leader, native replicas, Understudy followers)
 * @param phases       which of oltp, bulk, lag run (all by default; for profiling one scenario)
 * @param consumers    which of native, mariadb, postgresql, mariadb-warm, postgresql-warm apply (all five by default;
 *                     raw ceilings follow the followers; -warm: the daemon ran before the backlog and was frozen
 *                     while it was written), and capture: the connector alone into a counting handler, for profiling
 * @param oltpLimit    at most this many OLTP backlog transactions (0: as many as the leader writes in {@code workload})
 * @param bulkLimit    the same for bulk transactions; fixed-size backlogs make CPU per row comparable between runs
 * @param daemonJavaOptions extra JVM options of each Understudy daemon, {@code {tag}} replaced by the run's tag
 *                     (e.g. {@code -XX:StartFlightRecording=filename=/tmp/{tag}.jfr,settings=profile})
 * @param warmUp       how long the warm daemons stream the phase's workload at full speed before they are frozen
 */
record BenchOptions(Duration workload, Duration lag, int threads, int bulkThreads, int rowsPerTable, double lagRate, Path out,
                    Durability durability, Set<String> phases, Set<String> consumers, long oltpLimit, long bulkLimit,
                    List<String> daemonJavaOptions, Duration warmUp) {
    static final Set<String> PHASES = Set.of("oltp", "bulk", "lag");
    /** capture: the connector alone into a counting handler (not in the default set; for profiling). */
    static final Set<String> CONSUMERS = Set.of("native", "mariadb", "postgresql", "mariadb-warm", "postgresql-warm", "capture");
    static final Set<String> DEFAULT_CONSUMERS = Set.of("native", "mariadb", "postgresql", "mariadb-warm", "postgresql-warm");
    static final String USAGE = "bench/apply [--quick] [--seconds N] [--lag-seconds N] [--threads N] [--bulk-threads N]"
            + " [--rows-per-table N] [--lag-rate TX_PER_S] [--durability default|relaxed] [--phases oltp,bulk,lag]"
            + " [--consumers native,mariadb,postgresql,mariadb-warm,postgresql-warm,capture] [--oltp-tx N] [--bulk-tx N]"
            + " [--warm-up-seconds N] [--daemon-java-opts 'OPTS'] [--out DIR]";

    BenchOptions {
        if (rowsPerTable < 1000 || rowsPerTable % 1000 != 0) {
            throw new IllegalArgumentException("--rows-per-table must be a positive multiple of 1000, got " + rowsPerTable);
        }
        if (threads < 1 || bulkThreads < 1) {
            throw new IllegalArgumentException("--threads and --bulk-threads must be at least 1");
        }
        phases = Set.copyOf(phases);
        consumers = Set.copyOf(consumers);
        daemonJavaOptions = List.copyOf(daemonJavaOptions);
    }

    /** Whether {@code consumer} (native, mariadb, postgresql, mariadb-warm, ...) takes part. */
    boolean runs(String consumer) {
        return consumers.contains(consumer);
    }

    /** Whether Understudy applies to {@code follower} (mariadb, postgresql) in a catch-up, cold or warm. */
    boolean feeds(String follower) {
        return runs(follower) || runs(follower + "-warm");
    }

    private static Set<String> choose(String option, String value, Set<String> allowed) {
        Set<String> chosen = Set.copyOf(Arrays.asList(value.split(",")));
        if (chosen.isEmpty() || !allowed.containsAll(chosen)) {
            throw new IllegalArgumentException(option + " takes a comma-separated subset of " + allowed.stream().sorted().toList()
                    + ", got " + value);
        }
        return chosen;
    }

    static BenchOptions parse(String... args) {
        long seconds = 60;
        Long lagSeconds = null;
        int threads = 4;
        int bulkThreads = 2;
        int rows = 100_000;
        double rate = 0;
        Path out = Path.of("bench/target");
        Durability durability = Durability.DEFAULT;
        Set<String> phases = PHASES;
        Set<String> consumers = DEFAULT_CONSUMERS;
        List<String> javaOptions = List.of();
        long oltpLimit = 0;
        long bulkLimit = 0;
        long warmUp = 20;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ("--quick".equals(a)) {
                seconds = 10;
                rows = 20_000;
                warmUp = 10;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown or incomplete option " + a + "; usage: " + USAGE);
            }
            String v = args[++i];
            switch (a) {
                case "--seconds" -> seconds = Long.parseLong(v);
                case "--lag-seconds" -> lagSeconds = Long.parseLong(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--bulk-threads" -> bulkThreads = Integer.parseInt(v);
                case "--rows-per-table" -> rows = Integer.parseInt(v);
                case "--lag-rate" -> rate = Double.parseDouble(v);
                case "--out" -> out = Path.of(v);
                case "--durability" -> durability = Durability.parse(v);
                case "--phases" -> phases = choose(a, v, PHASES);
                case "--consumers" -> consumers = choose(a, v, CONSUMERS);
                case "--oltp-tx" -> oltpLimit = Long.parseLong(v);
                case "--bulk-tx" -> bulkLimit = Long.parseLong(v);
                case "--warm-up-seconds" -> warmUp = Long.parseLong(v);
                case "--daemon-java-opts" -> javaOptions = Arrays.stream(v.trim().split("\\s+")).filter(o -> !o.isEmpty()).toList();
                default -> throw new IllegalArgumentException("unknown option " + a + "; usage: " + USAGE);
            }
        }
        return new BenchOptions(Duration.ofSeconds(seconds), Duration.ofSeconds(lagSeconds == null ? seconds : lagSeconds),
                threads, bulkThreads, rows, rate, out, durability, phases, consumers, oltpLimit, bulkLimit,
                javaOptions, Duration.ofSeconds(warmUp));
    }
}
