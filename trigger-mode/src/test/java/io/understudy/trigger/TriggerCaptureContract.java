package io.understudy.trigger;

import io.understudy.config.CaptureConfig;
import io.understudy.config.CaptureMode;
import io.understudy.config.DatabaseKind;
import io.understudy.config.Endpoint;
import io.understudy.config.Secret;
import io.understudy.model.Op;
import io.understudy.model.RowChange;
import io.understudy.model.TickPosition;
import io.understudy.servers.DatabaseServer;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Trigger capture against a real leader: install, commit order with long and short transactions interleaved,
 * whole transactions per batch, rollbacks, resume and purge. One subclass per leader engine.
 */
abstract class TriggerCaptureContract {
    private static final AtomicInteger SCHEMAS = new AtomicInteger();

    protected String schema;
    private final List<TriggerChangeSource> sources = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    abstract DatabaseServer leader();

    abstract DatabaseKind kind();

    /** The leader URL the capture uses (MariaDB: no default database; PostgreSQL: the server's database). */
    abstract String url();

    abstract void createSchema(Statement s, String schema) throws SQLException;

    abstract void dropUnderstudy(Statement s) throws SQLException;

    /** A column type trigger capture refuses on this engine (e.g. {@code INET6}, {@code interval}). */
    abstract String unsupportedType();

    /** Every schema, table, trigger and routine on the leader outside the system schemas, as sorted text. */
    abstract List<String> leaderObjects(Statement s) throws SQLException;

    static List<String> strings(Statement s, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @BeforeEach
    void freshSchema(TestInfo test) throws Exception {
        schema = "tc" + SCHEMAS.incrementAndGet();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            dropUnderstudy(s);
            createSchema(s, schema);
            s.execute("CREATE TABLE " + schema + ".t (id BIGINT NOT NULL PRIMARY KEY, txn VARCHAR(40), n INT, amount DECIMAL(12,2))");
        }
    }

    @AfterEach
    void stop() throws Exception {
        sources.forEach(TriggerChangeSource::close);
        threads.shutdownNow();
        threads.awaitTermination(30, TimeUnit.SECONDS);
    }

    Connection connect() throws SQLException {
        return java.sql.DriverManager.getConnection(url(), leader().user(), leader().password());
    }

    Endpoint endpoint() {
        return new Endpoint(kind(), url(), leader().user(), new Secret(leader().password()));
    }

    CaptureConfig capture() {
        return new CaptureConfig(CaptureMode.TRIGGER, List.of(schema + ".*"), List.of(), Map.of(), 1);
    }

    TriggerInstaller installer() {
        return new TriggerInstaller(endpoint(), capture());
    }

    /** Runs a source for {@code follower} from {@code after} on its own thread. */
    Future<?> run(String follower, Optional<TickPosition> after, Recorder recorder, AtomicReference<Throwable> failure) {
        TriggerChangeSource source = new TriggerChangeSource(follower, endpoint(), capture());
        sources.add(source);
        return threads.submit(() -> {
            try {
                source.run(after.map(p -> p), recorder);
            } catch (Throwable t) {
                failure.set(t);
            }
            return null;
        });
    }

    Map<Object, Map<String, Object>> leaderRows() throws SQLException {
        Map<Object, Map<String, Object>> rows = new LinkedHashMap<>();
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, txn, n, amount FROM " + schema + ".t ORDER BY id")) {
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", rs.getLong(1));
                row.put("txn", rs.getString(2));
                row.put("n", rs.getObject(3) == null ? null : rs.getLong(3));
                row.put("amount", rs.getBigDecimal(4));
                rows.put(rs.getLong(1), row);
            }
        }
        return rows;
    }

    static Map<Object, Map<String, Object>> sorted(Map<Object, Map<String, Object>> rows) {
        Map<Object, Map<String, Object>> out = new java.util.TreeMap<>();
        out.putAll(rows);
        return out;
    }

    @Test
    void dryRunChangesNothingAndInstallIsRepeatable() throws Exception {
        TriggerInstaller.InstallReport dry = installer().install(true);
        assertThat(dry.migrations()).containsExactly("V1 capture tables", "V2 token");
        assertThat(String.join("\n", dry.statements())).contains("CREATE TABLE").contains("CREATE TRIGGER");
        try (Connection c = connect()) {
            assertThat(new LeaderLink(endpoint()).dialect().installedTriggers(c))
                    .noneMatch(t -> t.table().schema().equals(schema));
        }
        TriggerInstaller.InstallReport first = installer().install(false);
        assertThat(first.migrations()).contains("capture tables", "capture triggers");
        assertThat(installer().install(false).migrations()).isEmpty();
        assertThat(installer().install(true).statements()).isEmpty();
    }

    @Test
    void statusTracksCoverageInstallRepairsAndUninstallLeavesTheLeaderAsBefore() throws Exception {
        List<String> before;
        try (Connection c = connect(); Statement s = c.createStatement()) {
            before = leaderObjects(s);
        }
        installer().install(false);
        assertThat(installer().status().tables()).extracting(TriggerInstaller.TableState::table, TriggerInstaller.TableState::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(schema + ".t", "current"));
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + schema + ".t2 (id INT PRIMARY KEY, v VARCHAR(10))");
            s.execute("ALTER TABLE " + schema + ".t ADD COLUMN extra INT");
        }
        TriggerInstaller.Status status = installer().status();
        assertThat(status.healthy()).isFalse();
        assertThat(status.tables()).extracting(TriggerInstaller.TableState::state).containsExactly("outdated", "missing");
        assertThat(installer().install(false).migrations()).containsExactly("capture triggers");
        assertThat(installer().status().healthy()).isTrue();

        try (Connection c = connect(); Statement s = c.createStatement()) {
            LeaderDialect dialect = new LeaderLink(endpoint()).dialect();
            LeaderDialect.InstalledTrigger one = dialect.installedTriggers(c).stream()
                    .filter(t -> t.table().equals(new io.understudy.model.TableId(schema, "t2"))).findFirst().orElseThrow();
            s.execute(dialect.dropTrigger(one));
            s.execute("CREATE TABLE " + schema + ".nokey (v INT)");
        }
        assertThat(installer().status().tables()).extracting(TriggerInstaller.TableState::state)
                .containsExactly("refused", "current", "outdated");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> installer().install(false))
                .isInstanceOf(InstallRefusedException.class)
                .hasMessageContaining("table " + schema + ".nokey has no primary key; add one, or name its key columns in capture.keys");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE " + schema + ".nokey");
        }
        TriggerInstaller.InstallReport repaired = installer().install(false);
        assertThat(repaired.migrations()).isEmpty();
        assertThat(repaired.statements()).singleElement().asString().contains("CREATE TRIGGER");
        assertThat(installer().status().healthy()).isTrue();

        installer().uninstall(false);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE " + schema + ".t2");
            s.execute("ALTER TABLE " + schema + ".t DROP COLUMN extra");
            assertThat(leaderObjects(s)).isEqualTo(before);
        }
    }

    @Test
    void installRefusesAnUnsupportedTypeAndChangesNothing() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + schema + ".odd (id INT PRIMARY KEY, weird " + unsupportedType() + ")");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> installer().install(false))
                .isInstanceOf(InstallRefusedException.class)
                .hasMessageContaining("nothing was changed")
                .hasMessageContaining("odd")
                .hasMessageContaining("weird");
        try (Connection c = connect()) {
            assertThat(new LeaderLink(endpoint()).dialect().installedTriggers(c))
                    .noneMatch(t -> t.table().schema().equals(schema));
        }
        assertThat(installer().status().tables()).extracting(TriggerInstaller.TableState::state).contains("refused");
    }

    @Test
    void aLongTransactionThatStartsFirstAndCommitsLastLosesNothingAndComesAfterTheShortOnes() throws Exception {
        installer().install(false);
        Recorder recorder = new Recorder();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        run("f1", Optional.empty(), recorder, failure);
        awaitRegistered("f1", failure);
        try (Connection longTx = connect(); Connection shortTx = connect()) {
            longTx.setAutoCommit(false);
            exec(longTx, "INSERT INTO " + schema + ".t VALUES (1, 'long', 0, 1.00)");
            for (int i = 0; i < 50; i++) {
                exec(shortTx, "INSERT INTO " + schema + ".t VALUES (" + (100 + i) + ", 'short" + i + "', " + i + ", 2.50)");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> recorder.snapshot().size() == 50 || failure.get() != null);
            exec(longTx, "INSERT INTO " + schema + ".t VALUES (2, 'long', 1, 1.00)");
            exec(longTx, "UPDATE " + schema + ".t SET n = 7 WHERE id = 1");
            longTx.commit();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> recorder.snapshot().size() == 52 || failure.get() != null);
        assertThat(failure.get()).isNull();
        assertThat(sorted(recorder.snapshot())).isEqualTo(sorted(leaderRows()));
        Recorder.Batch longBatch = recorder.batches.stream()
                .filter(b -> b.changes().stream().anyMatch(c -> "long".equals(c.after().get("txn")))).findFirst().orElseThrow();
        assertThat(longBatch.changes()).hasSize(3);
        assertThat(longBatch.changes().stream().map(RowChange::op)).containsExactly(Op.INSERT, Op.INSERT, Op.UPDATE);
        Recorder.Batch lastShort = recorder.batches.stream()
                .filter(b -> b.changes().stream().anyMatch(c -> "short49".equals(c.after().get("txn")))).findFirst().orElseThrow();
        assertThat(longBatch.position().tick()).isGreaterThan(lastShort.position().tick());
    }

    @Test
    void concurrentWritersWithRollbacksArriveAsWholeTransactionsAndEndEqual() throws Exception {
        installer().install(false);
        Recorder recorder = new Recorder();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        run("f1", Optional.empty(), recorder, failure);
        awaitRegistered("f1", failure);
        Map<String, Integer> committed = writeConcurrently(4, 150, 7);
        await().atMost(Duration.ofSeconds(60)).until(() -> failure.get() != null
                || sorted(recorder.snapshot()).equals(sorted(leaderRows())));
        assertThat(failure.get()).isNull();
        // every committed transaction's inserts arrive in one batch, and no rolled-back one arrives at all
        Map<String, Long> batchOf = new HashMap<>();
        Map<String, Integer> inserted = new HashMap<>();
        for (Recorder.Batch b : recorder.batches) {
            for (RowChange c : b.changes()) {
                if (c.op() == Op.INSERT) {
                    String txn = (String) c.after().get("txn");
                    Long previous = batchOf.put(txn, b.position().tick());
                    assertThat(previous == null || previous == b.position().tick()).as("transaction %s split across batches", txn).isTrue();
                    inserted.merge(txn, 1, Integer::sum);
                }
            }
        }
        assertThat(inserted).isEqualTo(committed);
    }

    @Test
    void resumesExactlyAfterItsPositionAndPurgesWhatEveryConsumerHas() throws Exception {
        installer().install(false);
        Recorder first = new Recorder();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Future<?> running = run("f1", Optional.empty(), first, failure);
        awaitRegistered("f1", failure);
        writeConcurrently(2, 40, 11);
        await().atMost(Duration.ofSeconds(60)).until(() -> sorted(first.snapshot()).equals(sorted(leaderRows())));
        sources.get(0).close();
        running.get(30, TimeUnit.SECONDS);
        TickPosition stoppedAt = first.lastPosition();
        writeConcurrently(2, 40, 12);

        Recorder second = new Recorder();
        second.rows.putAll(first.snapshot());
        run("f1", Optional.of(stoppedAt), second, failure);
        await().atMost(Duration.ofSeconds(60)).until(() -> failure.get() != null
                || sorted(second.snapshot()).equals(sorted(leaderRows())));
        assertThat(failure.get()).isNull();
        assertThat(second.batches.get(0).before().tick()).isEqualTo(stoppedAt.tick());
        // the only consumer has everything: the purge empties the change table
        await().atMost(Duration.ofSeconds(30)).until(() -> count("change_log") == 0);
    }

    @Test
    void aTableInstalledWhileTheSourceRunsJoinsTheStream() throws Exception {
        installer().install(false);
        Recorder recorder = new Recorder();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        run("f1", Optional.empty(), recorder, failure);
        awaitRegistered("f1", failure);
        try (Connection c = connect()) {
            exec(c, "CREATE TABLE " + schema + ".t2 (id BIGINT NOT NULL PRIMARY KEY, txn VARCHAR(40), n INT, amount DECIMAL(12,2))");
        }
        installer().install(false);
        try (Connection c = connect()) {
            exec(c, "INSERT INTO " + schema + ".t2 VALUES (1, 'new table', 1, 1.50)");
            exec(c, "INSERT INTO " + schema + ".t VALUES (2, 'old table', 2, 2.50)");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> failure.get() != null || recorder.snapshot().size() == 2);
        assertThat(failure.get()).isNull();
        assertThat(recorder.batches).flatExtracting(Recorder.Batch::changes).extracting(c -> c.table().table())
                .containsExactlyInAnyOrder("t2", "t");
    }

    @Test
    void aFollowerBehindThePurgeIsRefused() throws Exception {
        installer().install(false);
        Recorder recorder = new Recorder();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        run("f1", Optional.empty(), recorder, failure);
        awaitRegistered("f1", failure);
        writeConcurrently(1, 20, 3);
        await().atMost(Duration.ofSeconds(60)).until(() -> sorted(recorder.snapshot()).equals(sorted(leaderRows())));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("change_log") == 0 && minTick() > 0);
        AtomicReference<Throwable> refused = new AtomicReference<>();
        run("f2", Optional.of(new TickPosition(0, installation())), new Recorder(), refused).get(30, TimeUnit.SECONDS);
        assertThat(refused.get()).hasMessageContaining("follower 'f2' resumes after tick 0 but the leader purged the changes through tick")
                .hasMessageContaining("understudy snapshot");
    }

    @Test
    void aPositionOfAnEarlierInstallationIsRefused() throws Exception {
        installer().install(false);
        TickPosition old = new TickPosition(0, installation());
        installer().uninstall(false);
        installer().install(false);
        AtomicReference<Throwable> refused = new AtomicReference<>();
        run("f1", Optional.of(old), new Recorder(), refused).get(30, TimeUnit.SECONDS);
        assertThat(refused.get()).hasMessageContaining("of trigger installation " + old.installation())
                .hasMessageContaining("the triggers were uninstalled and installed again");
    }

    @Test
    void aForgottenFollowerThatStillRunsStops() throws Exception {
        installer().install(false);
        Recorder recorder = new Recorder();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Future<?> running = run("f1", Optional.empty(), recorder, failure);
        awaitRegistered("f1", failure);
        assertThat(installer().forget("f1")).isTrue();
        writeConcurrently(1, 10, 21);
        running.get(60, TimeUnit.SECONDS);
        assertThat(failure.get()).hasMessageContaining("was forgotten on the leader");
    }

    void awaitRegistered(String follower, AtomicReference<Throwable> failure) {
        await().atMost(Duration.ofSeconds(30)).until(() -> failure.get() != null || consumerTick(follower) >= 0);
        assertThat(failure.get()).isNull();
    }

    String installation() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM understudy.installation")) {
            rs.next();
            return rs.getString(1);
        }
    }

    long consumerTick(String follower) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT tick FROM understudy.consumer WHERE name = ?")) {
            ps.setString(1, follower);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    long count(String table) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM understudy." + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    long minTick() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT MIN(id) FROM understudy.tick")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * {@code writers} threads each run {@code transactions} transactions of 1-6 statements (inserts tagged with the
     * transaction's name, updates, deletes, primary key changes); every 5th is rolled back, every 9th stays open
     * across 20 ms while others commit.
     *
     * @return committed transactions by name, with their number of inserts
     */
    Map<String, Integer> writeConcurrently(int writers, int transactions, long seed) throws Exception {
        AtomicLong ids = new AtomicLong(seed * 1_000_000);
        Map<String, Integer> committed = new java.util.concurrent.ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            futures.add(threads.submit(() -> {
                Random random = new Random(seed * 31 + writer);
                List<Long> mine = new ArrayList<>();
                try (Connection c = connect()) {
                    c.setAutoCommit(false);
                    start.await();
                    for (int t = 0; t < transactions; t++) {
                        String name = "w" + writer + "-" + seed + "-" + t;
                        int inserts = 0;
                        int statements = 1 + random.nextInt(6);
                        List<Long> added = new ArrayList<>();
                        for (int i = 0; i < statements; i++) {
                            int kind = random.nextInt(10);
                            if (kind < 5 || mine.isEmpty()) {
                                long id = ids.incrementAndGet();
                                exec(c, "INSERT INTO " + schema + ".t VALUES (" + id + ", '" + name + "', " + random.nextInt(1000)
                                        + ", " + BigDecimal.valueOf(random.nextInt(100000), 2) + ")");
                                added.add(id);
                                inserts++;
                            } else if (kind < 8) {
                                exec(c, "UPDATE " + schema + ".t SET n = n + 1, amount = amount + 0.01 WHERE id = "
                                        + mine.get(random.nextInt(mine.size())));
                            } else if (kind < 9) {
                                long old = mine.remove(random.nextInt(mine.size()));
                                long id = ids.incrementAndGet();
                                exec(c, "UPDATE " + schema + ".t SET id = " + id + " WHERE id = " + old);
                                added.add(id);
                            } else {
                                exec(c, "DELETE FROM " + schema + ".t WHERE id = " + mine.remove(random.nextInt(mine.size())));
                            }
                        }
                        if (t % 9 == 8) {
                            Thread.sleep(20);
                        }
                        if (t % 5 == 4) {
                            c.rollback();
                            // the rolled-back primary key changes and deletes are undone: forget what we cannot track
                            mine.clear();
                        } else {
                            c.commit();
                            mine.addAll(added);
                            if (inserts > 0) {
                                committed.put(name, inserts);
                            }
                        }
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(120, TimeUnit.SECONDS);
        }
        return committed;
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static void query(Connection c, String sql, PreparedStatementConsumer consumer) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            consumer.accept(ps);
        }
    }

    interface PreparedStatementConsumer {
        void accept(PreparedStatement ps) throws SQLException;
    }
}
