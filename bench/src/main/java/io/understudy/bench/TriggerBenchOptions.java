package io.understudy.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Command-line options of {@code bench/triggers}.
 *
 * @param window       how long the leader is written in each measurement
 * @param rounds       rounds; each measures every setup once, alternating their order
 * @param threads      OLTP client threads
 * @param bulkThreads  bulk-insert client threads
 * @param rowsPerTable rows pre-filled in each OLTP table (a multiple of 1000)
 * @param engines      leader engines to measure: mariadb, postgresql
 * @param mixes        workloads to measure: oltp, bulk
 * @param out          directory for the CSV, daemon logs and configs
 */
record TriggerBenchOptions(Duration window, int rounds, int threads, int bulkThreads, int rowsPerTable,
                           List<String> engines, List<String> mixes, Path out) {
    static final String USAGE = "bench/triggers [--quick] [--seconds N] [--rounds N] [--threads N] [--bulk-threads N]"
            + " [--rows-per-table N] [--engines mariadb,postgresql] [--mixes oltp,bulk] [--out DIR]";
    private static final Set<String> ENGINES = Set.of("mariadb", "postgresql");
    private static final Set<String> MIXES = Set.of("oltp", "bulk");

    TriggerBenchOptions {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("--seconds must be at least 1");
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
        }
        if (threads < 1 || bulkThreads < 1) {
            throw new IllegalArgumentException("--threads and --bulk-threads must be at least 1");
        }
        if (rowsPerTable < 1000 || rowsPerTable % 1000 != 0) {
            throw new IllegalArgumentException("--rows-per-table must be a positive multiple of 1000, got " + rowsPerTable);
        }
        check("--engines", engines, ENGINES);
        check("--mixes", mixes, MIXES);
        engines = List.copyOf(engines);
        mixes = List.copyOf(mixes);
    }

    private static void check(String option, List<String> values, Set<String> allowed) {
        if (values.isEmpty() || !allowed.containsAll(values)) {
            throw new IllegalArgumentException(option + " takes a comma-separated list of " + allowed.stream().sorted().toList()
                    + ", got " + values);
        }
    }

    static TriggerBenchOptions parse(String... args) {
        long seconds = 10;
        int rounds = 2;
        int threads = 4;
        int bulkThreads = 2;
        int rows = 100_000;
        List<String> engines = List.of("mariadb", "postgresql");
        List<String> mixes = List.of("oltp", "bulk");
        Path out = Path.of("bench/target");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ("--quick".equals(a)) {
                seconds = 3;
                rounds = 1;
                rows = 10_000;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown or incomplete option " + a + "; usage: " + USAGE);
            }
            String v = args[++i];
            switch (a) {
                case "--seconds" -> seconds = Long.parseLong(v);
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--bulk-threads" -> bulkThreads = Integer.parseInt(v);
                case "--rows-per-table" -> rows = Integer.parseInt(v);
                case "--engines" -> engines = List.of(v.split(","));
                case "--mixes" -> mixes = List.of(v.split(","));
                case "--out" -> out = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a + "; usage: " + USAGE);
            }
        }
        return new TriggerBenchOptions(Duration.ofSeconds(seconds), rounds, threads, bulkThreads, rows, engines, mixes, out);
    }
}
