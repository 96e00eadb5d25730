package io.understudy.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The trigger-overhead measurements: one line per round and setup, and a summary per engine, mix and setup whose
 * ratio compares each round with the same round's no-trigger measurement (neighbours in time, so background load
 * drifts cancel out). Printed as tables and written as CSV. Not thread-safe.
 */
final class TriggerResults {
    static final String NONE = "no triggers";
    static final String TRIGGERS = "triggers";
    static final String DAEMON = "triggers + daemon";

    /**
     * One measurement window.
     *
     * @param load          the 1-minute load average before and after the window
     * @param leaderCpu     CPU seconds of the leader's processes during the window
     * @param daemonCpu     CPU seconds of the Understudy daemon during the window (0 without one)
     * @param followerCpu   CPU seconds of the follower during the window
     * @param clientCpu     CPU seconds of this JVM (the clients) during the window
     * @param changeRows    rows in the leader's change table right before and right after the window (-1 without
     *                      triggers)
     * @param tailSeconds   after the window, until the follower showed everything (NaN without daemon)
     * @param check         follower vs leader after the daemon caught up, or "-"
     */
    record Measurement(int round, String engine, String mix, String setup, TimedRunner.Result result, double[] load,
                       double leaderCpu, double daemonCpu, double followerCpu, double clientCpu, long[] changeRows,
                       double tailSeconds, String check) {
        Measurement {
            Objects.requireNonNull(result, "result");
            load = load.clone();
            changeRows = changeRows.clone();
        }

        double leaderCpuMsPerTx() {
            return leaderCpu * 1000 / result.transactions();
        }

        double cpuPercent(double cpuSeconds) {
            return cpuSeconds * 100 / result.seconds();
        }
    }

    /** One engine, mix and setup over all rounds. */
    record Summary(String engine, String mix, String setup, int rounds, double txPerSecond, double rowsPerSecond,
                   double p50, double p99, double ratio, double ratioMin, double ratioMax, double leaderCpuMsPerTx,
                   double daemonPercent, double followerPercent, double loadMin, double loadMax, String check) {
    }

    private final List<Measurement> measurements = new ArrayList<>();

    void add(Measurement m) {
        measurements.add(m);
    }

    /** Whether every daemon window ended with the follower equal to the leader. */
    boolean allChecksEqual() {
        return measurements.stream().allMatch(m -> m.check().equals("-") || m.check().startsWith("equal"));
    }

    List<Summary> summaries() {
        Map<String, List<Measurement>> groups = new LinkedHashMap<>();
        for (String setup : List.of(NONE, TRIGGERS, DAEMON)) {
            measurements.stream().filter(m -> m.setup().equals(setup)).forEach(m ->
                    groups.computeIfAbsent(m.engine() + "|" + m.mix() + "|" + setup, k -> new ArrayList<>()).add(m));
        }
        List<Summary> summaries = new ArrayList<>();
        groups.values().forEach(g -> summaries.add(summarize(g)));
        summaries.sort((a, b) -> (a.engine() + a.mix()).compareTo(b.engine() + b.mix()));
        return summaries;
    }

    private Summary summarize(List<Measurement> group) {
        Measurement first = group.get(0);
        double tx = group.stream().mapToDouble(m -> m.result().txPerSecond()).average().orElse(Double.NaN);
        double rows = group.stream().mapToDouble(m -> m.result().rowsPerSecond()).average().orElse(Double.NaN);
        long[] latencies = group.stream().flatMapToLong(m -> Arrays.stream(m.result().latencies())).sorted().toArray();
        double[] ratios = group.stream().mapToDouble(this::ratio).filter(r -> !Double.isNaN(r)).toArray();
        double seconds = group.stream().mapToDouble(m -> m.result().seconds()).sum();
        double leaderCpu = group.stream().mapToDouble(Measurement::leaderCpu).sum();
        long transactions = group.stream().mapToLong(m -> m.result().transactions()).sum();
        String check = group.stream().map(Measurement::check).filter(c -> !c.equals("-"))
                .map(c -> c.startsWith("equal") ? "equal" : c).distinct().reduce((a, b) -> a + "; " + b).orElse("-");
        return new Summary(first.engine(), first.mix(), first.setup(), group.size(), tx, rows,
                TimedRunner.Result.percentileMs(latencies, 50), TimedRunner.Result.percentileMs(latencies, 99),
                Arrays.stream(ratios).average().orElse(Double.NaN), Arrays.stream(ratios).min().orElse(Double.NaN),
                Arrays.stream(ratios).max().orElse(Double.NaN), leaderCpu * 1000 / transactions,
                group.stream().mapToDouble(Measurement::daemonCpu).sum() * 100 / seconds,
                group.stream().mapToDouble(Measurement::followerCpu).sum() * 100 / seconds,
                group.stream().flatMapToDouble(m -> Arrays.stream(m.load())).min().orElse(Double.NaN),
                group.stream().flatMapToDouble(m -> Arrays.stream(m.load())).max().orElse(Double.NaN), check);
    }

    /** tx/s of {@code m} over tx/s of the no-trigger measurement of the same round, engine and mix. */
    private double ratio(Measurement m) {
        return measurements.stream().filter(n -> n.setup().equals(NONE) && n.round() == m.round()
                        && n.engine().equals(m.engine()) && n.mix().equals(m.mix()))
                .mapToDouble(n -> m.result().txPerSecond() / n.result().txPerSecond()).findFirst().orElse(Double.NaN);
    }

    static String line(Measurement m) {
        TimedRunner.Result r = m.result();
        return String.format(Locale.ROOT, "round %d %-10s %-4s %-17s %,9.0f tx/s %,10.0f rows/s  p50 %6.2f p99 %7.2f ms"
                        + "  leader %5.3f ms CPU/tx, daemon %3.0f%%, follower %3.0f%%, clients %3.0f%% of a core;"
                        + " retries %d; change rows %s; tail %s; load %.2f-%.2f; %s",
                m.round(), m.engine(), m.mix(), m.setup(), r.txPerSecond(), r.rowsPerSecond(), r.percentileMs(50),
                r.percentileMs(99), m.leaderCpuMsPerTx(), m.cpuPercent(m.daemonCpu()), m.cpuPercent(m.followerCpu()),
                m.cpuPercent(m.clientCpu()), r.retries(), m.changeRows()[0] < 0 ? "-" : String.format(Locale.ROOT, "%,d -> %,d", m.changeRows()[0], m.changeRows()[1]),
                Double.isNaN(m.tailSeconds()) ? "-" : String.format(Locale.ROOT, "%.1f s", m.tailSeconds()),
                m.load()[0], m.load()[1], m.check());
    }

    void print(PrintStream out) {
        String header = "%-18s %-10s %-4s %6s %9s %10s %7s %7s %-17s %9s %7s %7s %10s  %s%n";
        out.printf(header, "SETUP", "ENGINE", "MIX", "ROUNDS", "TX/S", "ROWS/S", "P50_MS", "P99_MS", "xNO_TRIGGERS",
                "CPU_MS/TX", "DAEMON%", "FOLLOW%", "LOAD_1MIN", "CHECK");
        for (Summary s : summaries()) {
            String ratio = s.setup().equals(NONE) ? "1.00" : Double.isNaN(s.ratio()) ? "-"
                    : String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", s.ratio(), s.ratioMin(), s.ratioMax());
            if (s.rounds() == 1 && !s.setup().equals(NONE)) {
                ratio = String.format(Locale.ROOT, "%.2f", s.ratio());
            }
            out.printf(Locale.ROOT, "%-18s %-10s %-4s %6d %,9.0f %,10.0f %7.2f %7.2f %-17s %9.3f %7s %7s %10s  %s%n",
                    s.setup(), s.engine(), s.mix(), s.rounds(), s.txPerSecond(), s.rowsPerSecond(), s.p50(), s.p99(), ratio,
                    s.leaderCpuMsPerTx(), percent(s, s.daemonPercent()), percent(s, s.followerPercent()),
                    String.format(Locale.ROOT, "%.1f-%.1f", s.loadMin(), s.loadMax()), s.check());
        }
    }

    private static String percent(Summary s, double value) {
        return s.setup().equals(DAEMON) ? String.format(Locale.ROOT, "%.0f", value) : "-";
    }

    void writeCsv(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("round,engine,mix,setup,transactions,rows,seconds,tx_per_s,rows_per_s,p50_ms,p99_ms,retries,"
                + "vs_no_triggers,leader_cpu_s,leader_cpu_ms_per_tx,daemon_cpu_s,follower_cpu_s,client_cpu_s,"
                + "change_rows_before,change_rows_after,tail_s,load1_before,load1_after,check");
        for (Measurement m : measurements) {
            TimedRunner.Result r = m.result();
            lines.add(String.join(",", Integer.toString(m.round()), m.engine(), m.mix(), m.setup(),
                    Long.toString(r.transactions()), Long.toString(r.rows()), num(r.seconds()), num(r.txPerSecond()),
                    num(r.rowsPerSecond()), num(r.percentileMs(50)), num(r.percentileMs(99)), Long.toString(r.retries()),
                    num(ratio(m)), num(m.leaderCpu()), num(m.leaderCpuMsPerTx()), num(m.daemonCpu()), num(m.followerCpu()),
                    num(m.clientCpu()), Long.toString(m.changeRows()[0]), Long.toString(m.changeRows()[1]), num(m.tailSeconds()), num(m.load()[0]),
                    num(m.load()[1]), '"' + m.check() + '"'));
        }
        for (Summary s : summaries()) {
            lines.add(String.join(",", "all", s.engine(), s.mix(), s.setup(), "", "", "", num(s.txPerSecond()),
                    num(s.rowsPerSecond()), num(s.p50()), num(s.p99()), "", num(s.setup().equals(NONE) ? 1 : s.ratio()), "",
                    num(s.leaderCpuMsPerTx()), "", "", "", "", "", "", num(s.loadMin()), num(s.loadMax()), '"' + s.check() + '"'));
        }
        Files.write(file, lines);
    }

    private static String num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }
}
