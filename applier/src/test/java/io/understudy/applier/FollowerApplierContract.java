package io.understudy.applier;

import static io.understudy.applier.Changes.delete;
import static io.understudy.applier.Changes.insert;
import static io.understudy.applier.Changes.row;
import static io.understudy.applier.Changes.tx;
import static io.understudy.applier.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.understudy.config.Endpoint;
import io.understudy.config.FollowerConfig;
import io.understudy.config.Secret;
import io.understudy.model.ReplicationException;
import io.understudy.model.RetriableException;
import io.understudy.model.RowChange;
import io.understudy.model.TableId;
import io.understudy.model.TransactionHandler;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every follower kind must show; one subclass per database kind supplies a server, a fresh
 * place per test and kind-specific SQL. Tables: {@code <schema>.types} (many column types) with key id,
 * {@code <schema>.pair} with key (a, b), {@code <schema>.big} (id, v) for streaming.
 */
abstract class FollowerApplierContract extends FollowerPlace {
    private FollowerApplier applier;

    /** DDL creating {@code <schema>.types}, {@code <schema>.pair}, {@code <schema>.big}. */
    @Override
    protected abstract List<String> ddl();

    /** Selects the types row with the given id, with columns normalised as {@link TypesRow} expects. */
    protected abstract String probeSql();

    /** (column, value) pairs the follower's types table cannot hold. */
    protected abstract List<Map.Entry<String, Object>> unrepresentable();

    @AfterEach
    void closeApplier() {
        if (applier != null) {
            applier.close();
            applier = null;
        }
    }

    FollowerConfig follower(String url, String password) {
        return new FollowerConfig("f" + testNumber(), new Endpoint(kind(), url, server.user(), new Secret(password)));
    }

    FollowerApplier applier() {
        if (applier == null) {
            applier = FollowerApplier.open(follower(url, server.password()), Clock.systemUTC());
        }
        return applier;
    }

    FollowerApplier reopen() {
        applier.close();
        applier = null;
        return applier();
    }

    TableId table(String name) {
        return new TableId(schema, name);
    }

    void apply(long n, List<RowChange> changes) throws InterruptedException {
        FollowerApplier a = applier();
        a.begin("0-1-" + n);
        a.changes(changes);
        a.commit(tx(n, changes.size()));
        a.endOfBatch();
    }

    List<String> strings(String sql) {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, server.user(), server.password());
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return out;
    }

    long count(String tableName) {
        return Long.parseLong(strings("SELECT count(*) FROM " + schema + "." + tableName).get(0));
    }

    TypesRow typesRow(long id) {
        try (Connection c = DriverManager.getConnection(url, server.user(), server.password());
             var ps = c.prepareStatement(probeSql())) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("row %s exists", id).isTrue();
                return TypesRow.read(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The position is stored as a causality token too, and understudy.wait_for compares readers' tokens with it. */
    @Test
    void storesTheTokenThatWaitForCompares() throws Exception {
        apply(1, List.of(insert(table("big"), ID, Map.of("id", 1L, "v", "a"))));
        apply(2, List.of(insert(table("big"), ID, Map.of("id", 2L, "v", "b"))));
        assertThat(strings("SELECT token FROM understudy.applied_position")).containsExactly("e1/0-0-2");
        assertThat(waitFor("0-1-2", 1)).isTrue();
        assertThat(waitFor("e1/0-7-1,0-1-2", 1)).isTrue();
        long started = System.nanoTime();
        assertThat(waitFor("0-1-3", 0.2)).isFalse();
        assertThat((System.nanoTime() - started) / 1e6).as("waited about the timeout, ms").isBetween(150.0, 2000.0);
        assertThat(waitFor("1-1-1", 0)).as("another domain").isFalse();
        assertThat(waitFor("e2/0-1-1", 0)).as("another epoch").isFalse();
        assertThatThrownBy(() -> waitFor("0-1", 0)).isInstanceOf(SQLException.class).hasMessageContaining("is not an Understudy token");
    }

    private boolean waitFor(String token, double seconds) throws SQLException {
        boolean postgres = kind() == io.understudy.config.DatabaseKind.POSTGRESQL;
        try (Connection c = DriverManager.getConnection(url, server.user(), server.password());
             java.sql.PreparedStatement call = postgres ? c.prepareStatement("SELECT understudy.wait_for(?, ?)")
                     : c.prepareCall("CALL understudy.wait_for(?, ?)")) {
            call.setString(1, token);
            call.setDouble(2, seconds);
            try (ResultSet rs = call.executeQuery()) {
                rs.next();
                return postgres ? rs.getBoolean(1) : rs.getInt("satisfied") == 1;
            }
        }
    }

    @Test
    void appliesManyColumnTypesAndStoresThePosition() throws Exception {
        apply(1, List.of(insert(table("types"), ID, TypesRow.sample(1)), insert(table("types"), ID, TypesRow.nulls(2))));

        typesRow(1).assertSample();
        typesRow(2).assertNulls();
        assertThat(applier().storedPosition()).contains(Changes.position(1).encode());
        ApplierStatus status = applier().status();
        assertThat(status.lastTransactionId()).isEqualTo("0-1-1");
        assertThat(status.position()).isEqualTo(Changes.position(1).describe());
        assertThat(status.leaderCommitTime()).isEqualTo(Changes.COMMIT_TIME);
        assertThat(status.transactionsApplied()).isEqualTo(1);
        assertThat(status.rowsApplied()).isEqualTo(2);
    }

    @Test
    void updatesKeepOrderAndKeyChangesMoveTheRow() throws Exception {
        TableId pair = table("pair");
        List<String> key = List.of("a", "b");
        apply(1, List.of(insert(pair, key, row("a", 1L, "b", "x", "v", 10L)), insert(pair, key, row("a", 2L, "b", "y", "v", 20L))));
        apply(2, List.of(
                update(pair, key, row("a", 1L, "b", "x", "v", 10L), row("a", 1L, "b", "x", "v", 11L)),
                update(pair, key, row("a", 1L, "b", "x", "v", 11L), row("a", 1L, "b", "x", "v", 12L)), // key repeats
                update(pair, key, row("a", 2L, "b", "y", "v", 20L), row("a", 3L, "b", "z", "v", 30L)), // key change
                insert(pair, key, row("a", 2L, "b", "y", "v", 21L)))); // old key reused after the move

        assertThat(strings("SELECT concat(a, b, '=', v) FROM " + schema + ".pair ORDER BY a"))
                .containsExactly("1x=12", "2y=21", "3z=30");
    }

    @Test
    void deletesBySingleAndCompositeKeys() throws Exception {
        TableId pair = table("pair");
        List<String> key = List.of("a", "b");
        List<RowChange> inserts = new ArrayList<>();
        for (long i = 1; i <= 4; i++) {
            inserts.add(insert(pair, key, row("a", i, "b", "k" + i, "v", i)));
            inserts.add(insert(table("types"), ID, TypesRow.nulls(i)));
        }
        apply(1, inserts);
        apply(2, List.of(delete(pair, key, row("a", 1L, "b", "k1", "v", 1L)), delete(pair, key, row("a", 3L, "b", "k3", "v", 3L)),
                delete(table("types"), ID, TypesRow.nulls(2)), delete(table("types"), ID, TypesRow.nulls(4))));

        assertThat(strings("SELECT a FROM " + schema + ".pair ORDER BY a")).containsExactly("2", "4");
        assertThat(strings("SELECT id FROM " + schema + ".types ORDER BY id")).containsExactly("1", "3");
    }

    @Test
    void truncateRemovesRowsInsideTheTransaction() throws Exception {
        apply(1, List.of(insert(table("types"), ID, TypesRow.nulls(1)), insert(table("types"), ID, TypesRow.nulls(2))));
        apply(2, List.of(RowChange.truncate(table("types")), insert(table("types"), ID, TypesRow.nulls(3))));

        assertThat(strings("SELECT id FROM " + schema + ".types")).containsExactly("3");
        assertThat(applier().storedPosition()).contains(Changes.position(2).encode());
    }

    @Test
    void abortLeavesNothing() throws Exception {
        FollowerApplier a = applier();
        a.begin("0-1-1");
        a.changes(bigRows(0, 3 * FollowerApplier.FLUSH_ROWS)); // forces writes into the open transaction
        a.abort();

        assertThat(count("big")).isZero();
        assertThat(a.storedPosition()).isEmpty();
        apply(2, bigRows(0, 10)); // the applier is usable after abort
        assertThat(count("big")).isEqualTo(10);
    }

    /**
     * Leader FK actions and triggers already ran on the leader (trigger effects arrive as rows), so the
     * follower's own must not fire again. See docs/followers.md for the cascade caveat.
     */
    @Test
    void followerForeignKeyActionsDoNotFire() throws Exception {
        exec("CREATE TABLE " + schema + ".parent (id BIGINT PRIMARY KEY)",
                "CREATE TABLE " + schema + ".child (id BIGINT PRIMARY KEY, parent_id BIGINT,"
                        + " FOREIGN KEY (parent_id) REFERENCES " + schema + ".parent (id) ON DELETE CASCADE)");
        apply(1, List.of(insert(table("child"), ID, row("id", 10L, "parent_id", 1L)), // child first: no FK check
                insert(table("parent"), ID, row("id", 1L))));
        apply(2, List.of(delete(table("parent"), ID, row("id", 1L))));

        assertThat(count("parent")).isZero();
        assertThat(count("child")).isEqualTo(1);
    }

    @Test
    void emptyTransactionAdvancesThePosition() throws Exception {
        apply(1, List.of(insert(table("types"), ID, TypesRow.nulls(1))));
        apply(2, List.of());
        assertThat(applier().storedPosition()).contains(Changes.position(2).encode());
    }

    @Test
    void unrepresentableValueFailsTheWholeTransaction() throws Exception {
        long n = 0;
        for (Map.Entry<String, Object> bad : unrepresentable()) {
            n++;
            Map<String, Object> row = TypesRow.nulls(100 + n);
            row.put(bad.getKey(), bad.getValue());
            List<RowChange> changes = List.of(insert(table("types"), ID, TypesRow.nulls(n)), insert(table("types"), ID, row));
            FollowerApplier a = applier();
            a.begin("0-1-" + n);
            a.changes(changes);
            long txn = n;
            assertThatThrownBy(() -> a.commit(tx(txn, 2)))
                    .as("value %s for column %s", bad.getValue(), bad.getKey())
                    .isInstanceOf(ReplicationException.class).isNotInstanceOf(RetriableException.class)
                    .hasMessageContaining("f" + testNumber()).hasMessageContaining(schema + ".types")
                    .hasMessageContaining("0-1-" + n).hasMessageContaining(bad.getKey())
                    .hasMessageContaining(String.valueOf(100 + n));
            a.abort();
            assertThat(count("types")).isZero();
            assertThat(a.storedPosition()).isEmpty();
        }
    }

    @Test
    void streamsALargeTransactionThroughBoundedBuffers() throws Exception {
        int total = 200_000;
        int chunk = 5_000;
        FollowerApplier a = applier();
        a.begin("0-1-1");
        for (int from = 0; from < total; from += chunk) {
            a.changes(bigRows(from, chunk));
        }
        a.commit(tx(1, total));

        assertThat(count("big")).isEqualTo(total);
        assertThat(a.status().rowsApplied()).isEqualTo(total);
    }

    @Test
    void foldedTransactionsBecomeVisibleTogetherWithTheLastPosition() throws Exception {
        FollowerApplier a = applier();
        for (long n = 1; n <= 3; n++) {
            a.begin("0-1-" + n);
            a.changes(bigRows((int) n * 10, 2));
            a.commit(tx(n, 2));
        }
        assertThat(count("big")).as("folded, not committed yet").isZero();
        assertThat(a.storedPosition()).isEmpty();
        a.endOfBatch();
        assertThat(count("big")).isEqualTo(6);
        assertThat(a.storedPosition()).contains(Changes.position(3).encode());
        assertThat(a.status().transactionsApplied()).isEqualTo(3);
        assertThat(strings("SELECT transactions FROM understudy.applied_position")).containsExactly("3");
    }

    @Test
    void abortRollsBackTheWholeFoldAndCloseCommitsACompleteOne() throws Exception {
        FollowerApplier a = applier();
        a.begin("0-1-1");
        a.changes(bigRows(0, 2));
        a.commit(tx(1, 2));
        a.begin("0-1-2");
        a.changes(bigRows(100, 2));
        a.abort(); // the source failed inside transaction 2: transaction 1 is read again after the restart
        assertThat(count("big")).isZero();
        assertThat(a.storedPosition()).isEmpty();
        apply(1, bigRows(0, 2));
        a.begin("0-1-2");
        a.changes(bigRows(100, 2));
        a.commit(tx(2, 2));
        FollowerApplier again = reopen(); // a graceful stop between transactions keeps the complete fold
        assertThat(count("big")).isEqualTo(4);
        assertThat(again.storedPosition()).contains(Changes.position(2).encode());
    }

    @Test
    void aFoldCommitsByItselfAtItsTransactionLimit() throws Exception {
        FollowerApplier a = applier();
        for (long n = 1; n <= FollowerApplier.FOLD_TRANSACTIONS; n++) {
            a.begin("0-1-" + n);
            a.changes(bigRows((int) n, 1));
            a.commit(tx(n, 1));
        }
        assertThat(count("big")).isEqualTo(FollowerApplier.FOLD_TRANSACTIONS);
        assertThat(a.storedPosition()).contains(Changes.position(FollowerApplier.FOLD_TRANSACTIONS).encode());
    }

    /**
     * Parallel apply: 400 small transactions, half touching 16 hot keys (they must apply in order), half their
     * own keys (they may apply at the same time), some deleting; the follower ends exactly as applying them one by
     * one would leave it, with the last position stored.
     */
    @Test
    void parallelApplyEndsLikeSerialApply() throws Exception {
        TableId big = table("big");
        Map<Long, String> expected = new java.util.TreeMap<>();
        TransactionHandler h = applier().handler();
        assertThat(h).isNotSameAs(applier());
        for (long n = 1; n <= 400; n++) {
            long hot = n % 16;
            List<RowChange> changes = new ArrayList<>();
            Map<String, Object> before = row("id", hot, "v", expected.get(hot));
            Map<String, Object> after = row("id", hot, "v", "tx" + n);
            changes.add(expected.containsKey(hot) ? update(big, ID, before, after) : insert(big, ID, after));
            expected.put(hot, "tx" + n);
            changes.add(insert(big, ID, row("id", 1000 + n, "v", "own" + n)));
            expected.put(1000 + n, "own" + n);
            if (n % 7 == 0) {
                changes.add(delete(big, ID, row("id", 1000 + n - 3, "v", expected.remove(1000 + n - 3))));
            }
            h.begin("0-1-" + n);
            h.changes(changes);
            h.commit(tx(n, changes.size()));
            if (n % 50 == 0) {
                h.endOfBatch();
            }
        }
        h.endOfBatch();
        FollowerApplier again = reopen(); // close waits for the lanes
        assertThat(strings("SELECT concat(id, '=', v) FROM " + schema + ".big ORDER BY id"))
                .containsExactlyElementsOf(expected.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        assertThat(again.storedPosition()).contains(Changes.position(400).encode());
        assertThat(strings("SELECT transactions FROM understudy.applied_position")).containsExactly("400");
    }

    /**
     * One group of transactions is written as its net effect: re-inserted, inserted-then-deleted and key-changed rows
     * of {@code big} and {@code pair} end as applying the transactions one by one leaves them, while a table with a
     * second unique index, whose rows swap a unique value through a temporary one, is written in leader order.
     */
    @Test
    void aGroupEndsLikeItsTransactionsAppliedOneByOne() throws Exception {
        exec("CREATE TABLE " + schema + ".uniq (id BIGINT PRIMARY KEY, u INT NOT NULL UNIQUE)");
        TableId big = table("big");
        TableId pair = table("pair");
        TableId uniq = table("uniq");
        List<String> ab = List.of("a", "b");
        apply(1, List.of(insert(big, ID, row("id", 2L, "v", "old")), insert(big, ID, row("id", 5L, "v", "five")),
                insert(uniq, ID, row("id", 1L, "u", 10L)), insert(uniq, ID, row("id", 2L, "u", 20L)),
                insert(pair, ab, row("a", 1L, "b", "x", "v", 1L))));
        TransactionHandler h = applier().handler();
        List<List<RowChange>> group = List.of(
                List.of(insert(big, ID, row("id", 1L, "v", "a")), update(big, ID, row("id", 1L, "v", "a"), row("id", 1L, "v", "b"))),
                List.of(delete(big, ID, row("id", 2L, "v", "old")), insert(big, ID, row("id", 2L, "v", "new"))),
                List.of(insert(big, ID, row("id", 3L, "v", "gone")), update(uniq, ID, row("id", 1L, "u", 10L), row("id", 1L, "u", 99L))),
                List.of(update(uniq, ID, row("id", 2L, "u", 20L), row("id", 2L, "u", 10L)), delete(big, ID, row("id", 3L, "v", "gone"))),
                List.of(update(uniq, ID, row("id", 1L, "u", 99L), row("id", 1L, "u", 20L)),
                        update(big, ID, row("id", 5L, "v", "five"), row("id", 50L, "v", "five"))),
                List.of(update(pair, ab, row("a", 1L, "b", "x", "v", 1L), row("a", 1L, "b", "y", "v", 2L)),
                        insert(pair, ab, row("a", 1L, "b", "x", "v", 3L))));
        for (int i = 0; i < group.size(); i++) {
            long n = i + 2;
            h.begin("0-1-" + n);
            h.changes(group.get(i));
            h.commit(tx(n, group.get(i).size()));
        }
        h.endOfBatch();
        FollowerApplier again = reopen();
        assertThat(strings("SELECT concat(id, '=', v) FROM " + schema + ".big ORDER BY id")).containsExactly("1=b", "2=new", "50=five");
        assertThat(strings("SELECT concat(id, '=', u) FROM " + schema + ".uniq ORDER BY id")).containsExactly("1=20", "2=10");
        assertThat(strings("SELECT concat(a, b, '=', v) FROM " + schema + ".pair ORDER BY b")).containsExactly("1x=3", "1y=2");
        assertThat(again.storedPosition()).contains(Changes.position(group.size() + 1).encode());
    }

    /**
     * Rows the leader inserts go into the follower as plain inserts (a multi-row INSERT for a few rows; COPY or a bulk
     * INSERT batch from {@link StatementWriter#MIN_BULK_ROWS} rows on); a follower that holds such a row already,
     * written by someone else, gets the group written again with upserts, as without the shortcut.
     */
    @Test
    void aRowTheFollowerHoldsAlreadyIsOverwrittenLikeAnUpsert() throws Exception {
        exec("INSERT INTO " + schema + ".big (id, v) VALUES (7, 'written on the follower')",
                "INSERT INTO " + schema + ".big (id, v) VALUES (1007, 'written on the follower')");
        TransactionHandler h = applier().handler();
        int[][] groups = {{5, 5}, {1000, StatementWriter.MIN_BULK_ROWS}}; // (first id, rows per transaction)
        long n = 0;
        for (int[] group : groups) {
            for (int t = 0; t < 3; t++) {
                n++;
                List<RowChange> rows = bigRows(group[0] + t * group[1], group[1]); // the first one inserts 7 / 1007
                h.begin("0-1-" + n);
                h.changes(rows);
                h.commit(tx(n, rows.size()));
            }
            h.endOfBatch();
        }
        FollowerApplier again = reopen();
        assertThat(count("big")).isEqualTo(15 + 3L * StatementWriter.MIN_BULK_ROWS);
        assertThat(strings("SELECT v FROM " + schema + ".big WHERE id IN (7, 1007) ORDER BY id")).containsExactly("value-7", "value-1007");
        assertThat(again.storedPosition()).contains(Changes.position(n).encode());
    }

    @Test
    void parallelApplyFailureCommitsNothingAfterTheFailingTransaction() throws Exception {
        Map.Entry<String, Object> bad = unrepresentable().get(0);
        Map<String, Object> badRow = TypesRow.nulls(1);
        badRow.put(bad.getKey(), bad.getValue());
        TransactionHandler h = applier().handler();
        assertThatThrownBy(() -> {
            for (long n = 1; n <= 60; n++) {
                h.begin("0-1-" + n);
                h.changes(n == 40 ? List.of(insert(table("types"), ID, badRow)) : bigRows((int) n * 10, 1));
                h.commit(tx(n, 1));
                if (n % 5 == 0) {
                    h.endOfBatch();
                }
            }
            h.begin("0-1-61");
            h.changes(bigRows(100_000, ParallelApply.GROUP_ROWS + 1)); // too big to buffer: waits for the lanes
        }).isInstanceOf(ReplicationException.class).hasMessageContaining(bad.getKey()).hasMessageContaining("0-1-40");
        h.abort();
        FollowerApplier again = reopen();
        long committed = count("big");
        assertThat(committed).as("transactions before the failing one, in order").isLessThan(40);
        assertThat(count("types")).isZero();
        if (committed > 0) {
            assertThat(again.storedPosition()).contains(Changes.position(committed).encode());
        }
    }

    @Test
    void positionSurvivesReopening() throws Exception {
        apply(7, bigRows(0, 3));
        FollowerApplier again = reopen();
        assertThat(again.storedPosition()).contains(Changes.position(7).encode());
        assertThat(again.status().position()).isEqualTo(Changes.position(7).describe());
        assertThat(again.status().lastTransactionId()).isEqualTo("0-1-7");
    }

    @Test
    void initializePositionOnlyOnce() {
        applier().initializePosition(Changes.position(5));
        assertThat(applier().storedPosition()).contains(Changes.position(5).encode());
        assertThatThrownBy(() -> applier().initializePosition(Changes.position(6)))
                .isInstanceOf(ReplicationException.class).hasMessageContaining("already has a stored position");
    }

    @Test
    void missingFollowerTableIsReported() throws Exception {
        FollowerApplier a = applier();
        a.begin("0-1-1");
        a.changes(List.of(insert(table("nowhere"), ID, row("id", 1L))));
        assertThatThrownBy(() -> a.commit(tx(1, 1))).isInstanceOf(ReplicationException.class)
                .hasMessageContaining(schema + ".nowhere").hasMessageContaining("Create it");
        a.abort();
    }

    @Test
    void unreachableFollowerIsRetriableAndHidesThePassword() {
        int closedPort = closedPort();
        String badUrl = url.replace(":" + server.port() + "/", ":" + closedPort + "/");
        assertThatThrownBy(() -> FollowerApplier.open(follower(badUrl, "s3cret-Pa55"), Clock.systemUTC()))
                .isInstanceOf(RetriableException.class)
                .hasMessageContaining("f" + testNumber()).hasMessageContaining("127.0.0.1:" + closedPort)
                .hasMessageContaining(server.user())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret-Pa55"));
    }

    static int closedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    List<RowChange> bigRows(int from, int n) {
        TableId big = table("big");
        List<RowChange> rows = new ArrayList<>(n);
        for (long i = from; i < from + n; i++) {
            rows.add(insert(big, ID, row("id", i, "v", "value-" + i)));
        }
        return rows;
    }
}
