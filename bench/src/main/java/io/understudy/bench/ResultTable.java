package io.understudy.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The benchmark's results: printed as one table and written as CSV. Not thread-safe. */
final class ResultTable {
    /**
     * One scenario. Ratios are NaN when they do not apply; memory -1 when not measured.
     *
     * @param phase        catch-up workload ("oltp", "bulk") or "lag"
     * @param seconds      apply time (for Understudy: first applied transaction to the end marker)
     * @param startSeconds daemon start to its first applied transaction (0 for native replication)
     * @param cpu          CPU seconds of consumer process, follower server and leader while applying
     */
    record Row(String phase, String scenario, long transactions, long rows, double seconds, double startSeconds,
               double vsNative, double vsRaw, Heartbeat.Stats lag, UnderstudyDaemon.Memory memory, Consumers.Cpu cpu,
               String check) {
        double txPerSecond() {
            return transactions / seconds;
        }

        double rowsPerSecond() {
            return rows / seconds;
        }

        /** CPU microseconds (consumer + follower server) per row change applied. */
        double cpuMicrosPerRow() {
            return cpu.apply() * 1e6 / rows;
        }
    }

    private final List<Row> rows = new ArrayList<>();

    void add(Row row) {
        rows.add(row);
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    void print(PrintStream out) {
        String header = "%-5s %-31s %9s %10s %8s %6s %9s %10s %8s %7s %11s %7s %8s %8s %8s %8s %8s  %s%n";
        out.printf(header, "PHASE", "SCENARIO", "TX", "ROWS", "SECONDS", "START", "TX/S", "ROWS/S", "xNATIVE1", "xRAW",
                "CPU_S(C+S)", "US/ROW", "LAG_P50", "LAG_P99", "LAG_MAX", "RSS_MIB", "HEAP_MIB", "CHECK");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%-5s %-31s %9s %10s %8.1f %6.1f %9s %10s %8s %7s %11s %7s %8s %8s %8s %8s %8s  %s%n",
                    r.phase(), r.scenario(), count(r.transactions()), count(r.rows()), r.seconds(), r.startSeconds(),
                    r.transactions() > 0 ? String.format(Locale.ROOT, "%,.0f", r.txPerSecond()) : "-",
                    String.format(Locale.ROOT, "%,.0f", r.rowsPerSecond()), ratio(r.vsNative()), ratio(r.vsRaw()),
                    cpu(r.cpu()), ms(r.cpuMicrosPerRow()), ms(r.lag().p50()), ms(r.lag().p99()), ms(r.lag().max()),
                    mib(r.memory().peakRssMiB()), mib(r.memory().peakHeapMiB()), r.check());
        }
    }

    /** One line per scenario; {@code durability} (the servers' setting) is the first column of every line. */
    void writeCsv(Path file, String durability) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("durability,phase,scenario,transactions,rows,seconds,start_seconds,tx_per_s,rows_per_s,vs_native1,vs_raw,"
                + "cpu_consumer_s,cpu_follower_server_s,cpu_leader_s,cpu_us_per_row,"
                + "lag_p50_ms,lag_p99_ms,lag_max_ms,lag_samples,peak_rss_mib,peak_heap_mib,check");
        for (Row r : rows) {
            lines.add(String.join(",", durability, r.phase(), r.scenario(), Long.toString(r.transactions()), Long.toString(r.rows()),
                    num(r.seconds()), num(r.startSeconds()), num(r.txPerSecond()), num(r.rowsPerSecond()), num(r.vsNative()),
                    num(r.vsRaw()), num(r.cpu().consumer()), num(r.cpu().server()), num(r.cpu().leader()),
                    num(r.cpuMicrosPerRow()), num(r.lag().p50()), num(r.lag().p99()), num(r.lag().max()),
                    Integer.toString(r.lag().count()), Long.toString(r.memory().peakRssMiB()),
                    Long.toString(r.memory().peakHeapMiB()), '"' + r.check() + '"'));
        }
        Files.write(file, lines);
    }

    private static String count(long n) {
        return n > 0 ? String.format(Locale.ROOT, "%,d", n) : "-";
    }

    private static String ratio(double r) {
        return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.2f", r);
    }

    private static String cpu(Consumers.Cpu c) {
        return Double.isNaN(c.apply()) ? "-" : String.format(Locale.ROOT, "%.1f+%.1f", c.consumer(), c.server());
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String mib(long v) {
        return v < 0 ? "-" : Long.toString(v);
    }

    private static String num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }
}
