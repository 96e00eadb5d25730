package io.understudy.snapshot;

import io.understudy.model.TableId;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows snapshot progress per table (rows, rows/s, ETA): on a terminal one line per active table, redrawn every
 * second; otherwise a log line per active table every few seconds. Thread-safe; close it to stop redrawing.
 */
public final class ProgressDisplay implements ProgressListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressDisplay.class);

    private static final class Table {
        final long estimate;
        final long startRows;
        final long startNanos = System.nanoTime();
        volatile long rows;
        volatile boolean done;

        Table(long estimate, long startRows) {
            this.estimate = estimate;
            this.startRows = startRows;
            this.rows = startRows;
        }
    }

    private final PrintStream out;
    private final boolean terminal;
    private final Map<TableId, Table> tables = new ConcurrentSkipListMap<>((a, b) -> a.toString().compareTo(b.toString()));
    private final ScheduledExecutorService timer;
    private int drawn;

    /** @param terminal true to redraw lines on {@code out} (an interactive console), false to log */
    public ProgressDisplay(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "snapshot-progress");
            t.setDaemon(true);
            return t;
        });
        long period = terminal ? 1 : 5;
        timer.scheduleAtFixedRate(this::show, period, period, TimeUnit.SECONDS);
    }

    @Override
    public void started(TableId table, long estimatedRows, long alreadyCopied, boolean resumed) {
        tables.put(table, new Table(estimatedRows, alreadyCopied));
        if (resumed) {
            LOG.info("{}: resuming the snapshot after {} rows copied earlier", table, alreadyCopied);
        }
    }

    @Override
    public void chunk(TableId table, long rowsCopied, long bytes) {
        Table t = tables.get(table);
        if (t != null) {
            t.rows = rowsCopied;
        }
    }

    @Override
    public void done(TableId table, long rowsCopied) {
        Table t = tables.get(table);
        if (t != null) {
            t.rows = rowsCopied;
            t.done = true;
            double seconds = Math.max(1e-3, (System.nanoTime() - t.startNanos) / 1e9);
            LOG.info("{}: copied, {} rows ({} rows/s)", table, rowsCopied, Math.round((rowsCopied - t.startRows) / seconds));
        }
    }

    static String line(TableId table, long rows, long startRows, long estimate, double seconds, boolean done) {
        double rate = seconds <= 0 ? 0 : (rows - startRows) / seconds;
        String eta = done ? "done" : rate <= 0 || estimate <= rows ? "ETA ?" : "ETA " + Math.round((estimate - rows) / rate) + " s";
        String total = estimate > 0 ? String.format("%,d/~%,d", rows, Math.max(estimate, rows)) : String.format("%,d", rows);
        return String.format("%-32s %20s rows %,10.0f rows/s  %s", table, total, rate, eta);
    }

    private synchronized void show() {
        List<String> lines = new ArrayList<>();
        tables.forEach((id, t) -> {
            if (terminal || !t.done) {
                lines.add(line(id, t.rows, t.startRows, t.estimate, (System.nanoTime() - t.startNanos) / 1e9, t.done));
            }
        });
        if (terminal) {
            StringBuilder sb = new StringBuilder();
            if (drawn > 0) {
                sb.append("\033[").append(drawn).append('A');
            }
            lines.forEach(l -> sb.append("\r\033[2K").append(l).append('\n'));
            out.print(sb);
            out.flush();
            drawn = lines.size();
        } else {
            lines.forEach(l -> LOG.info("snapshot progress: {}", l));
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        show();
    }
}
