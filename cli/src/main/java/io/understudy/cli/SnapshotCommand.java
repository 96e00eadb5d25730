package io.understudy.cli;

import io.understudy.config.UnderstudyConfig;
import io.understudy.model.TableId;
import io.understudy.snapshot.ProgressDisplay;
import io.understudy.snapshot.Snapshot;
import io.understudy.snapshot.SnapshotOptions;
import io.understudy.snapshot.SnapshotResult;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code understudy snapshot}: bootstraps one follower while the leader keeps taking writes (docs/snapshot.md).
 * Interrupted (Ctrl-C, kill -9, follower restart) and run again, it continues after the last committed chunk.
 * When it exits 0, {@code understudy run} takes the follower over from the recorded positions.
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Create the replicated tables on one follower and copy the leader's rows onto it without locking the leader; resumable. Then `understudy run` streams from where the copy stands.")
final class SnapshotCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--follower", required = true, paramLabel = "NAME", description = "The follower to bootstrap (its name in the configuration).")
    String follower;

    @Option(names = "--dry-run", description = "Print the DDL the follower would get and write nothing.")
    boolean dryRun;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4", description = "Tables copied at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--chunk-size", paramLabel = "ROWS", defaultValue = "5000", description = "Rows per chunk and follower transaction (default: ${DEFAULT-VALUE}).")
    int chunkSize;

    @Option(names = "--foreign-keys", description = "Also add the leader's foreign keys between replicated tables on the follower (unchecked; off by default).")
    boolean foreignKeys;

    @Option(names = "--table", paramLabel = "SCHEMA.TABLE", description = "Copy just this replicated table again on a follower that already streams (drop, create, copy; `understudy run` then continues without gap or duplicate). Repeatable. Stop `understudy run` first.")
    List<String> tables = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        UnderstudyConfig cfg = config.load();
        PrintWriter out = spec.commandLine().getOut();
        SnapshotOptions options;
        Snapshot snapshot;
        try {
            options = new SnapshotOptions(parallel, chunkSize, foreignKeys, dryRun, tables.stream().map(TableId::parse).toList());
            snapshot = new Snapshot(cfg, follower, options, Clock.systemUTC(), io.understudy.snapshot.ProgressListener.NONE);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("understudy: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        SnapshotResult result;
        if (dryRun) {
            result = snapshot.run();
            result.ddl().forEach(sql -> out.println(sql + ";"));
            out.flush();
            return ExitCodes.OK;
        }
        try (ProgressDisplay display = new ProgressDisplay(System.out, System.console() != null)) {
            result = new Snapshot(cfg, follower, options, Clock.systemUTC(), display).run();
        }
        out.printf("snapshot of follower '%s' complete: %d tables, %,d rows copied in %.1f s (%,.0f rows/s, %.1f MB/s);"
                        + " `understudy run` streams from %s%n", result.follower(), result.tables(), result.rows(),
                result.elapsed().toMillis() / 1000.0, result.rowsPerSecond(), result.megabytesPerSecond(),
                result.streamingStart());
        if (result.copyStarted() != null) {
            // start-up: the JVM, the configuration, the leader's catalog and the follower's tables
            Instant jvmStart = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
            out.printf("copying started %.1f s after the command (start-up, leader catalog, follower tables)%n",
                    Duration.between(jvmStart, result.copyStarted()).toMillis() / 1000.0);
        }
        out.flush();
        return ExitCodes.OK;
    }
}
