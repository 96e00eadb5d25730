package io.understudy.bench;

import io.understudy.cli.Main;
import io.understudy.config.ConfigLoader;
import io.understudy.config.UnderstudyConfig;
import io.understudy.connector.BinlogChangeSource;
import io.understudy.model.Row;
import io.understudy.model.RowChange;
import io.understudy.model.Transaction;
import io.understudy.model.TransactionHandler;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The capture side alone, for profiling it: reads the leader's binlog with {@link BinlogChangeSource} (the daemon's
 * connector, memory schema history) from a given position into a handler that only counts, until the marker row
 * {@code name} of {@link FollowerProbe#MARKER_TABLE} arrives; prints transactions, rows and seconds. Run in its own
 * JVM so its CPU can be told apart: {@code CaptureOnly <config.yaml> <encoded start position> <marker name>}.
 */
public final class CaptureOnly {
    private CaptureOnly() {
    }

    public static void main(String[] args) throws Exception {
        Main.routeJavaUtilLogging();
        UnderstudyConfig config = new ConfigLoader(System.getenv()).load(Path.of(args[0]));
        String marker = args[2];
        try (BinlogChangeSource source = new BinlogChangeSource("capture-only", config.leader(), config.capture(),
                Clock.systemUTC())) {
            Counter counter = new Counter(marker, source);
            source.run(Optional.of(BinlogChangeSource.decode(args[1])), counter);
            // from the first transaction on, like the daemon's catch-up: engine start-up is not counted
            System.out.printf("capture-only: %d transactions, %d rows in %.3f s, %.3f CPU s%n", counter.transactions,
                    counter.rows, (System.nanoTime() - counter.firstNanos) / 1e9, (cpuNanos() - counter.firstCpuNanos) / 1e9);
        }
        System.exit(0);
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Counts what arrives and stops the source at the marker. */
    private static final class Counter implements TransactionHandler {
        private final String marker;
        private final BinlogChangeSource source;
        private long transactions;
        private long rows;
        private boolean sawMarker;
        private long firstNanos;
        private long firstCpuNanos;

        Counter(String marker, BinlogChangeSource source) {
            this.marker = marker;
            this.source = source;
        }

        @Override
        public void begin(String transactionId) {
            if (firstNanos == 0) {
                firstNanos = System.nanoTime();
                firstCpuNanos = cpuNanos();
            }
        }

        @Override
        public void changes(List<RowChange> changes) {
            rows += changes.size();
            for (RowChange c : changes) {
                Row after = c.after();
                if (after != null && FollowerProbe.MARKER_TABLE.equals(c.table().schema() + "." + c.table().table())
                        && marker.equals(after.get("name"))) {
                    sawMarker = true;
                }
            }
        }

        @Override
        public void commit(Transaction transaction) {
            transactions++;
            if (sawMarker) {
                source.close();
            }
        }

        @Override
        public void abort() {
        }
    }
}
