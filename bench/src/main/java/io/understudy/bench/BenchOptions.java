package io.understudy.bench;

import java.nio.file.Path;
import java.time.Duration;

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
 */
record BenchOptions(Duration workload, Duration lag, int threads, int bulkThreads, int rowsPerTable, double lagRate, Path out) {
    static final String USAGE = "bench/apply [--quick] [--seconds N] [--lag-seconds N] [--threads N] [--bulk-threads N]"
            + " [--rows-per-table N] [--lag-rate TX_PER_S] [--out DIR]";

    BenchOptions {
        if (rowsPerTable < 1000 || rowsPerTable % 1000 != 0) {
            throw new IllegalArgumentException("--rows-per-table must be a positive multiple of 1000, got " + rowsPerTable);
        }
        if (threads < 1 || bulkThreads < 1) {
            throw new IllegalArgumentException("--threads and --bulk-threads must be at least 1");
        }
    }

    static BenchOptions parse(String... args) {
        long seconds = 60;
        Long lagSeconds = null;
        int threads = 4;
        int bulkThreads = 2;
        int rows = 100_000;
        double rate = 0;
        Path out = Path.of("bench/target");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ("--quick".equals(a)) {
                seconds = 10;
                rows = 20_000;
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
                default -> throw new IllegalArgumentException("unknown option " + a + "; usage: " + USAGE);
            }
        }
        return new BenchOptions(Duration.ofSeconds(seconds), Duration.ofSeconds(lagSeconds == null ? seconds : lagSeconds),
                threads, bulkThreads, rows, rate, out);
    }
}
