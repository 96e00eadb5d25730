package io.understudy.snapshot;

import io.understudy.applier.FollowerDatabases;
import io.understudy.applier.FollowerLock;
import io.understudy.applier.SnapshotProgress;
import io.understudy.applier.SnapshotWriter;
import io.understudy.catalog.BulkLoadDdl;
import io.understudy.catalog.DeferredIndex;
import io.understudy.catalog.FollowerSchema;
import io.understudy.catalog.ForeignKeyGraph;
import io.understudy.catalog.ForeignKeys;
import io.understudy.catalog.LeaderCatalog;
import io.understudy.catalog.TableDef;
import io.understudy.config.CaptureMode;
import io.understudy.config.DatabaseKind;
import io.understudy.config.Endpoint;
import io.understudy.config.FollowerConfig;
import io.understudy.config.UnderstudyConfig;
import io.understudy.model.Position;
import io.understudy.model.ReplicationException;
import io.understudy.model.RetriableException;
import io.understudy.model.TableId;
import io.understudy.trigger.SnapshotTicks;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code understudy snapshot}: bootstraps one follower while the leader keeps taking writes. Creates the
 * included tables, copies each inside its own consistent, lock-free leader snapshot (several tables at once),
 * records each chunk with its progress on the follower, and finally stores the smallest snapshot position as
 * the follower's streaming position; {@link SnapshotFilter} then skips what the copies already hold. An
 * interrupted run continues after the last committed chunk. See docs/snapshot.md for why this has no gap and
 * no duplicate. Binlog mode: MariaDB leaders; trigger mode: MariaDB, MySQL and PostgreSQL leaders. One
 * {@link #run()} at a time; not thread-safe.
 */
public final class Snapshot {
    private static final Logger LOG = LoggerFactory.getLogger(Snapshot.class);

    private final UnderstudyConfig config;
    private final FollowerConfig follower;
    private final SnapshotOptions options;
    private final Clock clock;
    private final ProgressListener listener;

    /** @throws IllegalArgumentException when the configuration has no follower called {@code followerName} */
    public Snapshot(UnderstudyConfig config, String followerName, SnapshotOptions options, Clock clock,
                    ProgressListener listener) {
        this.config = config;
        this.follower = config.follower(followerName).orElseThrow(() -> new IllegalArgumentException(
                "no follower named '" + followerName + "' in the configuration; followers: "
                        + config.followers().stream().map(FollowerConfig::name).toList()));
        this.options = options;
        this.clock = clock;
        this.listener = listener;
    }

    public SnapshotResult run() throws InterruptedException {
        Endpoint leader = config.leader();
        boolean trigger = config.capture().mode() == CaptureMode.TRIGGER;
        if (!trigger && leader.kind() != DatabaseKind.MARIADB) {
            throw new ReplicationException("snapshot of a " + leader.kind().configName() + " leader is not supported yet:"
                    + " it needs a consistent snapshot with its binlog position, which MariaDB reports"
                    + " (binlog_snapshot_file/position) and MySQL does not. Bootstrap the follower by other means"
                    + " (trigger mode can: each table's snapshot gets a tick of its own)");
        }
        if (leader.kind() == DatabaseKind.POSTGRESQL && options.foreignKeys()) {
            throw new ReplicationException("--foreign-keys is not supported for a postgresql leader yet; snapshot"
                    + " without it and add the foreign keys on the follower by hand if you need them");
        }
        DatabaseKind kind = follower.endpoint().kind();
        List<TableDef> tables;
        Map<TableId, Long> estimates;
        List<BulkLoadDdl> load;
        List<String> ddl;
        List<String> foreignKeys;
        ForeignKeyGraph cascades;
        CompletableFuture<Opened> opening = null;
        try (Connection l = connect(leader, "leader")) {
            cascades = ForeignKeys.toReplay(l, leader.kind(), config.capture());
            tables = selected(LeaderCatalog.tables(l, leader.kind(), config.capture().filter()), cascades);
            requireKeys(tables);
            if (!options.dryRun()) {
                // the tables' schemas are known: the follower's databases, lock, pool and Understudy's tables get
                // ready while the rest of the leader's catalog (estimates, SHOW CREATE TABLE) is read
                opening = openFollower(tables.stream().map(t -> t.id().schema()).distinct().toList());
            }
            estimates = estimates(l, leader.kind());
            load = SchemaStep.tableDdl(l, tables, kind, estimates);
            ddl = SchemaStep.statements(load);
            foreignKeys = options.foreignKeys() ? SchemaStep.foreignKeyDdl(l, tables, config.capture().filter(), kind) : List.of();
        } catch (SQLException | RuntimeException e) {
            closeWhenOpen(opening);
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new RetriableException("reading the leader's catalog at " + leader.describe() + " failed: "
                    + e.getMessage(), e);
        }
        if (options.dryRun()) {
            List<String> all = new ArrayList<>(ddl);
            all.addAll(foreignKeys);
            return new SnapshotResult(follower.name(), all, tables.size(), 0, 0, Duration.ZERO, "", null);
        }
        try (Opened opened = result(opening)) {
            SnapshotWriter writer = opened.writer();
            if (trigger) {
                register();
            }
            Map<TableId, List<DeferredIndex>> indexes = new HashMap<>();
            load.forEach(t -> indexes.put(t.table(), t.indexes()));
            Plan plan = new Plan(tables, estimates, ddl, load, indexes, cascades);
            return options.tables().isEmpty() ? bootstrap(writer, plan, foreignKeys) : recopy(writer, plan);
        }
    }

    /** The follower's lock and snapshot writer, held for the whole run. */
    private record Opened(FollowerLock lock, SnapshotWriter writer) implements AutoCloseable {
        @Override
        public void close() {
            try (FollowerLock l = lock) {
                writer.close();
            }
        }
    }

    /**
     * Creates the follower's databases (the URL's, understudy and one per leader schema; all or none, as
     * {@link FollowerDatabases#ensure} does), takes the follower's lock and opens the writer, on a thread of its own.
     */
    private CompletableFuture<Opened> openFollower(List<String> schemas) {
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "snapshot-open"));
        try {
            return CompletableFuture.supplyAsync(() -> {
                FollowerDatabases.ensure(follower, schemas);
                FollowerLock lock = FollowerLock.acquire(follower, "understudy snapshot");
                try {
                    return new Opened(lock, SnapshotWriter.open(follower, options.parallel() + 1, clock));
                } catch (RuntimeException e) {
                    lock.close();
                    throw e;
                }
            }, thread);
        } finally {
            thread.shutdown();
        }
    }

    /** After a failure on the leader side: the follower side is released once it is open (or has failed). */
    private static void closeWhenOpen(CompletableFuture<Opened> opening) {
        if (opening != null) {
            opening.whenComplete((opened, failure) -> {
                if (opened != null) {
                    opened.close();
                }
            });
        }
    }

    /** Trigger mode: the leader keeps every change after its newest tick for this follower from now on. */
    private void register() {
        try {
            SnapshotTicks.register(config.leader(), follower.name());
        } catch (SQLException e) {
            throw new RetriableException("registering follower '" + follower.name() + "' on leader "
                    + config.leader().describe() + " failed: " + e.getMessage() + "; is `understudy triggers install` done?", e);
        }
    }

    /**
     * The captured tables to copy: all of them, or the ones named with {@code --table} and every table a cascade
     * through them can go on to ({@link ForeignKeyGraph#continuationsClosure}): while the daemon streams on after the
     * copy, such a cascade would pass through rows the new copy no longer holds.
     */
    private List<TableDef> selected(List<TableDef> captured, ForeignKeyGraph cascades) {
        if (options.tables().isEmpty()) {
            return captured;
        }
        Map<TableId, TableDef> byId = new HashMap<>();
        captured.forEach(t -> byId.put(t.id(), t));
        for (TableId id : options.tables()) {
            if (!byId.containsKey(id)) {
                throw new ReplicationException("table " + id + " is not replicated: it does not exist on the leader,"
                        + " or capture.tables/capture.exclude leave it out. Add it to capture.tables first (and restart"
                        + " `understudy run` after the copy)");
            }
        }
        List<TableDef> result = new ArrayList<>();
        for (TableId id : cascades.continuationsClosure(options.tables())) {
            TableDef t = byId.get(id);
            if (t != null) {
                if (!options.tables().contains(id)) {
                    LOG.info("{} is copied again too: a foreign-key cascade through the tables named with --table goes"
                            + " on into it", id);
                }
                result.add(t);
            }
        }
        return result;
    }

    /** Creates every table on a follower without a streaming position and copies it; stores the start position. */
    private SnapshotResult bootstrap(SnapshotWriter writer, Plan plan, List<String> foreignKeys)
            throws InterruptedException {
        List<String> ddl = plan.ddl();
        Map<TableId, SnapshotProgress> progress = new HashMap<>();
        writer.progress().forEach(p -> progress.put(p.table(), p));
        var stored = writer.storedPosition();
        if (stored.isPresent()) {
            if (!progress.isEmpty() && progress.values().stream().allMatch(SnapshotProgress::done)) {
                LOG.info("follower '{}': the snapshot finished earlier; streaming continues from its stored position",
                        follower.name());
                return new SnapshotResult(follower.name(), ddl, progress.size(), 0, 0, Duration.ZERO,
                        Positions.decode(stored.get()).describe(), null);
            }
            throw new ReplicationException("follower '" + follower.name() + "' already streams (stored position "
                    + Positions.decode(stored.get()).describe() + "); a snapshot only bootstraps a follower"
                    + " without one. To copy some tables again, use --table; to re-snapshot it all, stop Understudy,"
                    + " empty its tables and delete the rows of understudy.applied_position and"
                    + " understudy.snapshot_progress");
        }
        createTables(plan.load());
        Instant copyStarted = clock.instant();
        long started = System.nanoTime();
        Copied copied = copyAll(plan, progress, writer);
        Position start = copied.progress().stream().map(Cutoffs::of).map(Cutoffs::min)
                .min(Positions.ORDER).orElseGet(() -> currentPosition());
        writer.initializePosition(start);
        addForeignKeys(foreignKeys);
        return finished(plan, copied, started, copyStarted, start.describe());
    }

    /**
     * Copies the named tables again on a follower that already streams: each is dropped, created from the
     * leader's catalog and copied at its own snapshot position, which the hand-over filter then uses like after
     * a bootstrap. The follower's streaming position stays: `understudy run` continues from it and skips the
     * changes of these tables that their new copy already holds. A re-copy that was interrupted resumes.
     */
    private SnapshotResult recopy(SnapshotWriter writer, Plan plan) throws InterruptedException {
        var stored = writer.storedPosition();
        if (stored.isEmpty()) {
            throw new ReplicationException("follower '" + follower.name() + "' has no streaming position yet; --table"
                    + " copies tables of a follower that already streams. Bootstrap it with `understudy snapshot"
                    + " --follower " + follower.name() + "` (without --table)");
        }
        Map<TableId, SnapshotProgress> progress = new HashMap<>();
        for (SnapshotProgress p : writer.progress()) {
            if (!p.done() && options.tables().contains(p.table())) {
                progress.put(p.table(), p); // an interrupted re-copy: resume it
            }
        }
        for (TableDef t : plan.tables()) {
            if (!progress.containsKey(t.id())) {
                writer.dropTable(t.id());
                LOG.info("follower '{}': dropped {} for a fresh copy", follower.name(), t.id());
            }
        }
        createTables(plan.load());
        Instant copyStarted = clock.instant();
        long started = System.nanoTime();
        Copied copied = copyAll(plan, progress, writer);
        return finished(plan, copied, started, copyStarted, Positions.decode(stored.get()).describe());
    }

    private void createTables(List<BulkLoadDdl> load) {
        try (Connection f = connect(follower.endpoint(), "follower '" + follower.name() + "'")) {
            FollowerSchema.createTables(f, follower.endpoint().kind(), load);
        } catch (SQLException e) {
            throw new RetriableException("creating the tables on follower '" + follower.name() + "' failed: "
                    + e.getMessage(), e);
        }
    }

    private SnapshotResult finished(Plan plan, Copied copied, long started, Instant copyStarted, String streamingStart) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        LOG.info("follower '{}': snapshot complete: {} tables, {} rows in {} s; `understudy run` streams from {}",
                follower.name(), plan.tables().size(), copied.rows(), String.format("%.1f", elapsed.toMillis() / 1000.0),
                streamingStart);
        return new SnapshotResult(follower.name(), plan.ddl(), plan.tables().size(), copied.rows(), copied.bytes(),
                elapsed, streamingStart, copyStarted);
    }

    /**
     * What to copy: the tables, their row estimates, the follower DDL (printed and bulk-load split), and the leader's
     * cascading foreign keys (they decide which snapshot must start before which).
     */
    private record Plan(List<TableDef> tables, Map<TableId, Long> estimates, List<String> ddl, List<BulkLoadDdl> load,
                        Map<TableId, List<DeferredIndex>> indexes, ForeignKeyGraph cascades) {
    }

    private record Copied(List<SnapshotProgress> progress, long rows, long bytes) {
    }

    private Copied copyAll(Plan plan, Map<TableId, SnapshotProgress> progress, SnapshotWriter writer)
            throws InterruptedException {
        List<TableDef> tables = plan.tables();
        Map<TableId, Long> estimates = plan.estimates();
        Map<TableId, List<DeferredIndex>> indexes = plan.indexes();
        AtomicLong rows = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        ProgressListener counting = counting(rows, bytes);
        StartOrder order = StartOrder.of(tables, estimates, plan.cascades());
        ExecutorService pool = Executors.newFixedThreadPool(options.parallel(), r -> new Thread(r, "snapshot-copy"));
        try {
            List<Future<SnapshotProgress>> futures = new ArrayList<>();
            for (TableDef t : order.tables()) {
                TableCopy copy = new TableCopy(t, estimates.getOrDefault(t.id(), 0L), progress.get(t.id()),
                        config.leader(), config.capture().mode(), writer, options.chunkSize(), counting);
                List<DeferredIndex> deferred = indexes.getOrDefault(t.id(), List.of());
                futures.add(pool.submit(() -> {
                    try {
                        order.awaitPredecessors(t.id());
                        return addIndexes(copy.run(() -> order.started(t.id())), deferred);
                    } finally {
                        order.started(t.id()); // a failed copy must not keep the others waiting
                    }
                }));
            }
            List<SnapshotProgress> done = new ArrayList<>();
            for (Future<SnapshotProgress> f : futures) {
                done.add(result(f));
            }
            return new Copied(done, rows.get(), bytes.get());
        } finally {
            pool.shutdownNow();
        }
    }

    /** The task's result, or the exception it failed with. */
    private static <T> T result(Future<T> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("snapshot failed: " + e.getCause(), e.getCause());
        }
    }

    private ProgressListener counting(AtomicLong rows, AtomicLong bytes) {
        return new ProgressListener() {
            private final Map<TableId, Long> last = new java.util.concurrent.ConcurrentHashMap<>();

            @Override
            public void started(TableId table, long estimatedRows, long alreadyCopied, boolean resumed) {
                last.put(table, alreadyCopied);
                listener.started(table, estimatedRows, alreadyCopied, resumed);
            }

            @Override
            public void chunk(TableId table, long rowsCopied, long chunkBytes) {
                Long before = last.put(table, rowsCopied);
                rows.addAndGet(rowsCopied - (before == null ? 0 : before));
                bytes.addAndGet(chunkBytes);
                listener.chunk(table, rowsCopied, chunkBytes);
            }

            @Override
            public void done(TableId table, long rowsCopied) {
                listener.done(table, rowsCopied);
            }
        };
    }

    private Position currentPosition() {
        try (ConsistentRead read = ConsistentRead.open(config.leader(), config.capture().mode())) {
            return read.position();
        }
    }

    /**
     * Adds a copied table's unique and secondary indexes (a sorted build instead of random inserts per row).
     * Runs for {@code done} tables of an earlier run too, so an interrupted run still ends with every index;
     * the streaming position is stored only after every table has them.
     */
    private SnapshotProgress addIndexes(SnapshotProgress copied, List<DeferredIndex> deferred) {
        if (deferred.isEmpty()) {
            return copied;
        }
        long started = System.nanoTime();
        try (Connection f = connect(follower.endpoint(), "follower '" + follower.name() + "'")) {
            int added = FollowerSchema.addIndexes(f, follower.endpoint().kind(), deferred);
            if (added > 0) {
                LOG.info("{}: {} index(es) built in {} ms after the copy", copied.table(), added,
                        (System.nanoTime() - started) / 1_000_000);
            }
            return copied;
        } catch (SQLException | IllegalStateException e) {
            boolean resumed = copied.earlierSegments() != null && deferred.stream().anyMatch(DeferredIndex::unique);
            throw new ReplicationException("follower '" + follower.name() + "': " + e.getMessage() + (resumed
                    ? ". The table was copied in segments at different leader positions (a resumed copy), so a value"
                    + " of a unique key may sit in two rows until streaming catches up. Copy the table again in one"
                    + " snapshot: delete its row in understudy.snapshot_progress and run the snapshot again"
                    : ". The rows are copied; fix the cause and run the snapshot again, it only adds the missing indexes"), e);
        }
    }

    private void addForeignKeys(List<String> foreignKeys) {
        if (foreignKeys.isEmpty()) {
            return;
        }
        try (Connection f = connect(follower.endpoint(), "follower '" + follower.name() + "'")) {
            SchemaStep.addForeignKeys(f, follower.endpoint().kind(), foreignKeys);
        } catch (SQLException e) {
            throw new ReplicationException("adding foreign keys on follower '" + follower.name() + "' failed: "
                    + e.getMessage() + "; the data is copied and streaming can start; add them by hand", e);
        }
    }

    private static void requireKeys(List<TableDef> tables) {
        for (TableDef t : tables) {
            if (t.primaryKey().isEmpty()) {
                throw new ReplicationException("table " + t.id() + " has no primary key; the snapshot copies tables in"
                        + " key order and needs one. Add a primary key or exclude the table");
            }
        }
    }

    private Map<TableId, Long> estimates(Connection l, DatabaseKind kind) throws SQLException {
        Map<TableId, Long> result = new HashMap<>();
        String sql = kind == DatabaseKind.POSTGRESQL
                ? "SELECT n.nspname, c.relname, GREATEST(c.reltuples, 0)::bigint FROM pg_class c JOIN pg_namespace n"
                        + " ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')"
                : "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_ROWS IS NOT NULL";
        try (PreparedStatement ps = l.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                result.put(new TableId(rs.getString(1), rs.getString(2)), rs.getLong(3));
            }
        }
        return Collections.unmodifiableMap(result);
    }

    private static Connection connect(Endpoint endpoint, String role) {
        try {
            return DriverManager.getConnection(endpoint.url(), endpoint.user(), endpoint.password().reveal());
        } catch (SQLException e) {
            throw new RetriableException("cannot connect to " + role + " " + endpoint.describe() + ": " + e.getMessage()
                    + "; check that it runs and that the user and password are right", e);
        }
    }
}
