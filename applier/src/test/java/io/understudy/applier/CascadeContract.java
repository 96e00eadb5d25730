package io.understudy.applier;

import static io.understudy.applier.Changes.delete;
import static io.understudy.applier.Changes.insert;
import static io.understudy.applier.Changes.row;
import static io.understudy.applier.Changes.tx;
import static io.understudy.applier.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.understudy.catalog.ForeignKey;
import io.understudy.catalog.ForeignKey.Rule;
import io.understudy.catalog.ForeignKeyGraph;
import io.understudy.config.Endpoint;
import io.understudy.config.FollowerConfig;
import io.understudy.config.Secret;
import io.understudy.model.Position;
import io.understudy.model.ReplicationException;
import io.understudy.model.RowChange;
import io.understudy.model.SchemaChange;
import io.understudy.model.TableId;
import io.understudy.model.TransactionHandler;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Foreign-key cascades the leader ran without logging them are replayed on every follower kind, in the follower
 * transaction of the leader transaction, at the place the leader ran them. The follower tables have no foreign keys
 * (as Understudy creates them); the leader's keys come as a {@link ForeignKeyGraph}:
 * <pre>
 * parent(id) &lt;- child(parent_id) CASCADE/CASCADE &lt;- grand(child_id) CASCADE/RESTRICT
 * parent(id) &lt;- loose(parent_id) SET NULL/SET NULL
 * tree(id) &lt;- tree(parent_id) CASCADE/RESTRICT
 * pair(a, b) &lt;- pair_child(a, b) CASCADE/CASCADE
 * </pre>
 */
abstract class CascadeContract extends FollowerPlace {
    private FollowerApplier applier;

    /** A column stamped with the time of the row's last change by the follower itself (MariaDB: ON UPDATE CURRENT_TIMESTAMP). */
    protected abstract String stampColumn();

    @Override
    protected List<String> ddl() {
        String s = schema + ".";
        return List.of("CREATE TABLE " + s + "parent (id BIGINT PRIMARY KEY, code VARCHAR(10))",
                "CREATE TABLE " + s + "child (id BIGINT PRIMARY KEY, parent_id BIGINT, v VARCHAR(20), " + stampColumn() + ")",
                "CREATE TABLE " + s + "grand (id BIGINT PRIMARY KEY, child_id BIGINT)",
                "CREATE TABLE " + s + "loose (id BIGINT PRIMARY KEY, parent_id BIGINT, " + stampColumn() + ")",
                "CREATE TABLE " + s + "tree (id BIGINT PRIMARY KEY, parent_id BIGINT)",
                "CREATE TABLE " + s + "pair (a BIGINT, b BIGINT, PRIMARY KEY (a, b))",
                "CREATE TABLE " + s + "pair_child (id BIGINT PRIMARY KEY, a BIGINT, b BIGINT)");
    }

    @AfterEach
    void closeApplier() {
        if (applier != null) {
            applier.close();
            applier = null;
        }
    }

    TableId t(String name) {
        return new TableId(schema, name);
    }

    ForeignKeyGraph graph() {
        return ForeignKeyGraph.of(List.of(
                new ForeignKey("child_parent", t("child"), List.of("parent_id"), t("parent"), ID, Rule.CASCADE, Rule.CASCADE),
                new ForeignKey("grand_child", t("grand"), List.of("child_id"), t("child"), ID, Rule.CASCADE, Rule.RESTRICT),
                new ForeignKey("loose_parent", t("loose"), List.of("parent_id"), t("parent"), ID, Rule.SET_NULL, Rule.SET_NULL),
                new ForeignKey("tree_parent", t("tree"), List.of("parent_id"), t("tree"), ID, Rule.CASCADE, Rule.RESTRICT),
                new ForeignKey("pair_child_pair", t("pair_child"), List.of("a", "b"), t("pair"), List.of("a", "b"),
                        Rule.CASCADE, Rule.CASCADE)), x -> true);
    }

    /** The applier, opened with {@code threads} apply threads (closing one opened with another number). */
    FollowerApplier applier(int threads) {
        if (applier != null && applier.applyThreads() != threads) {
            applier.close();
            applier = null;
        }
        if (applier == null) {
            FollowerConfig f = new FollowerConfig("c" + testNumber(), new Endpoint(kind(), url, server.user(),
                    new Secret(server.password())), threads);
            ForeignKeyGraph graph = graph();
            applier = FollowerApplier.open(f, Clock.systemUTC(), new CascadeSource(() -> graph, null));
        }
        return applier;
    }

    void apply(TransactionHandler h, long n, List<RowChange> changes) throws InterruptedException {
        h.begin("0-1-" + n, Changes.position(n));
        h.changes(changes);
        h.commit(tx(n, changes.size()));
        h.endOfBatch();
    }

    void apply(long n, RowChange... changes) throws InterruptedException {
        apply(applier(1), n, List.of(changes));
    }

    /** {@code id=parent_id} (or the two columns given) of each row, in id order; NULL as "null". */
    List<String> rows(String table, String first, String second) {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, server.user(), server.password());
             ResultSet rs = c.createStatement().executeQuery("SELECT " + first + ", " + second + " FROM " + schema + "."
                     + table + " ORDER BY " + first + ", " + second)) {
            while (rs.next()) {
                out.add(rs.getString(1) + "=" + rs.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return out;
    }

    List<String> rows(String table) {
        return rows(table, "id", table.equals("grand") ? "child_id" : "parent_id");
    }

    private static Map<String, Object> p(long id) {
        return row("id", id, "code", "c" + id);
    }

    private static Map<String, Object> c(long id, Long parent) {
        return row("id", id, "parent_id", parent, "v", "v" + id);
    }

    private void family() throws InterruptedException {
        apply(1, insert(t("parent"), ID, p(1)), insert(t("parent"), ID, p(2)), insert(t("parent"), ID, p(3)),
                insert(t("child"), ID, c(10, 1L)), insert(t("child"), ID, c(11, 1L)), insert(t("child"), ID, c(20, 2L)),
                insert(t("child"), ID, c(30, null)),
                insert(t("grand"), ID, row("id", 100L, "child_id", 10L)), insert(t("grand"), ID, row("id", 101L, "child_id", 11L)),
                insert(t("grand"), ID, row("id", 200L, "child_id", 20L)),
                insert(t("loose"), ID, row("id", 1L, "parent_id", 1L)), insert(t("loose"), ID, row("id", 2L, "parent_id", 2L)));
    }

    @Test
    void aDeleteCascadesThroughThreeLevelsAndSetsNull() throws Exception {
        family();
        exec("UPDATE " + schema + ".loose SET ts = '2001-02-03 04:05:06'");
        apply(2, delete(t("parent"), ID, p(1)));
        // the leader's cascade leaves such columns alone: so does the replay
        assertThat(rows("loose", "id", "ts")).allMatch(r -> r.contains("2001-02-03 04:05:06"));

        assertThat(rows("parent", "id", "code")).containsExactly("2=c2", "3=c3");
        assertThat(rows("child")).containsExactly("20=2", "30=null");
        assertThat(rows("grand")).containsExactly("200=20");
        assertThat(rows("loose")).containsExactly("1=null", "2=2");
    }

    /** Key changes cascade one parent row at a time in leader order: 1 -> 11 then 2 -> 1 must not move 1's children twice. */
    @Test
    void keyChangesCascadeInLeaderOrder() throws Exception {
        family();
        apply(2, update(t("parent"), ID, p(1), row("id", 11L, "code", "c1")),
                update(t("parent"), ID, p(2), row("id", 1L, "code", "c2")),
                update(t("parent"), ID, p(3), row("id", 3L, "code", "new"))); // no referenced column changes

        assertThat(rows("child")).containsExactly("10=11", "11=11", "20=1", "30=null");
        assertThat(rows("loose")).as("ON UPDATE SET NULL").containsExactly("1=null", "2=null");
        assertThat(rows("grand")).as("grand references child.id, which did not change").hasSize(3);
    }

    @Test
    void deletingTheRootOfATreeDeletesTheWholeTree() throws Exception {
        List<RowChange> rows = new ArrayList<>();
        rows.add(insert(t("tree"), ID, row("id", 1L, "parent_id", null)));
        rows.add(insert(t("tree"), ID, row("id", 1000L, "parent_id", null)));
        for (long id = 2; id <= 40; id++) {
            rows.add(insert(t("tree"), ID, row("id", id, "parent_id", id / 2))); // a binary tree five levels deep
        }
        apply(applier(1), 1, rows);
        apply(2, delete(t("tree"), ID, row("id", 1L, "parent_id", null)));
        assertThat(rows("tree")).containsExactly("1000=null");
    }

    @Test
    void compositeKeysCascadeOnUpdateAndDelete() throws Exception {
        List<String> ab = List.of("a", "b");
        apply(1, insert(t("pair"), ab, row("a", 1L, "b", 1L)), insert(t("pair"), ab, row("a", 1L, "b", 2L)),
                insert(t("pair_child"), ID, row("id", 1L, "a", 1L, "b", 1L)),
                insert(t("pair_child"), ID, row("id", 2L, "a", 1L, "b", 2L)),
                insert(t("pair_child"), ID, row("id", 3L, "a", 1L, "b", null))); // a NULL part references nothing
        apply(2, update(t("pair"), ab, row("a", 1L, "b", 1L), row("a", 5L, "b", 1L)));
        assertThat(rows("pair_child", "id", "a")).containsExactly("1=5", "2=1", "3=1");
        assertThat(rows("pair_child", "id", "b")).containsExactly("1=1", "2=2", "3=null");
        apply(3, delete(t("pair"), ab, row("a", 1L, "b", 2L)));
        assertThat(rows("pair_child", "id", "a")).containsExactly("1=5", "3=1");
    }

    /**
     * Explicit child writes before and after the cascading statement, in one transaction: the cascade removes the
     * child inserted before it, the child inserted after a new parent with the same key stays.
     */
    @Test
    void explicitChildWritesBeforeAndAfterTheCascadeKeepTheirPlace() throws Exception {
        family();
        apply(2, insert(t("child"), ID, c(12, 1L)), update(t("child"), ID, c(20, 2L), c(20, 1L)),
                delete(t("parent"), ID, p(1)), insert(t("parent"), ID, p(1)), insert(t("child"), ID, c(13, 1L)),
                insert(t("grand"), ID, row("id", 130L, "child_id", 13L)));

        assertThat(rows("child")).containsExactly("13=1", "30=null");
        assertThat(rows("grand")).containsExactly("130=13");
    }

    /**
     * Parallel apply with cascades: groups that fire one are written in leader order and claim every table the
     * cascade reaches, others run beside them; the follower ends as the leader's foreign keys leave the rows.
     */
    @Test
    void parallelApplyWithCascadesEndsLikeTheLeader() throws Exception {
        TransactionHandler h = applier(4).handler();
        Map<Long, Long> parents = new TreeMap<>(); // parent id -> code number
        Map<Long, Long> children = new TreeMap<>(); // child id -> parent id
        Map<Long, Long> grands = new TreeMap<>(); // grand id -> child id
        for (long n = 1; n <= 300; n++) {
            List<RowChange> changes = new ArrayList<>();
            changes.add(insert(t("parent"), ID, p(n)));
            parents.put(n, n);
            for (long k = 1; k <= 2; k++) {
                changes.add(insert(t("child"), ID, c(10 * n + k, n)));
                children.put(10 * n + k, n);
            }
            changes.add(insert(t("grand"), ID, row("id", 100 * n, "child_id", 10 * n + 1)));
            grands.put(100 * n, 10 * n + 1);
            if (n % 4 == 0 && parents.containsKey(n - 3)) {
                long gone = n - 3;
                changes.add(delete(t("parent"), ID, p(gone)));
                parents.remove(gone);
                children.entrySet().removeIf(e -> {
                    boolean dead = e.getValue() == gone;
                    if (dead) {
                        grands.values().removeIf(child -> child.equals(e.getKey()));
                    }
                    return dead;
                });
            }
            if (n % 6 == 0 && parents.containsKey(n - 1)) {
                long from = n - 1;
                long to = 100_000 + n;
                changes.add(update(t("parent"), ID, p(from), row("id", to, "code", "c" + from)));
                parents.remove(from);
                parents.put(to, from);
                children.replaceAll((child, parent) -> parent == from ? to : parent);
            }
            h.begin("0-1-" + n, Changes.position(n));
            h.changes(changes);
            h.commit(tx(n, changes.size()));
            if (n % 25 == 0) {
                h.endOfBatch();
            }
        }
        h.endOfBatch();
        applier.close(); // waits for the lanes
        applier = null;
        assertThat(rows("child")).containsExactlyElementsOf(children.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toList());
        assertThat(rows("grand")).containsExactlyElementsOf(grands.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toList());
        assertThat(rows("parent", "id", "code")).containsExactlyElementsOf(parents.entrySet().stream()
                .map(e -> e.getKey() + "=c" + e.getValue()).toList());
    }

    /**
     * Parallel apply replays a group's cascades after its net effect, unless a parent value comes back later in the
     * group: then the child written for the new parent must survive, and the cascade stays in place.
     */
    @Test
    void aGroupReplaysItsCascadesAfterItsNetEffectUnlessAParentComesBack() throws Exception {
        family();
        TransactionHandler h = applier(4).handler();
        List<List<RowChange>> group = List.of(
                List.of(insert(t("child"), ID, c(12, 1L))),
                List.of(delete(t("parent"), ID, p(1))), // children 10, 11, 12 and grand 100, 101 go
                List.of(insert(t("child"), ID, c(21, 2L)), update(t("parent"), ID, p(3), row("id", 33L, "code", "c3"))),
                List.of(delete(t("parent"), ID, p(2))), // 20, 21 go; then 2 comes back with a child that stays
                List.of(insert(t("parent"), ID, p(2)), insert(t("child"), ID, c(22, 2L))));
        for (int i = 0; i < group.size(); i++) {
            h.begin("0-1-" + (i + 2), Changes.position(i + 2));
            h.changes(group.get(i));
            h.commit(tx(i + 2, group.get(i).size()));
            if (i == 2) {
                h.endOfBatch(); // the first three: one group whose cascade may wait for its net effect
            }
        }
        h.endOfBatch();
        applier.close();
        applier = null;
        assertThat(rows("child")).containsExactly("22=2", "30=null");
        assertThat(rows("grand")).isEmpty();
        assertThat(rows("loose")).containsExactly("1=null", "2=null");
        assertThat(rows("parent", "id", "code")).containsExactly("2=c2", "33=c3");
    }

    /** A change the copy holds is not written again, and its cascade reaches only the tables the copy does not hold. */
    @Test
    void duringTheHandOverCascadesReachOnlyWhatTheCopyLacks() throws Exception {
        family();
        Map<TableId, HandOver.Coverage> copied = new LinkedHashMap<>(Map.of(t("parent"), HandOver.Coverage.ALL,
                t("loose"), HandOver.Coverage.ALL));
        TransactionHandler h = applier(1).handler(handOver(copied));
        // the parent row is in the copy already: not written again, but the copy of child lacks the cascade
        apply(h, 2, List.of(delete(t("parent"), ID, p(2))));
        assertThat(rows("parent", "id", "code")).as("the copy's parent rows stay as they are").contains("2=c2");
        assertThat(rows("child")).doesNotContain("20=2");
        assertThat(rows("grand")).doesNotContain("200=20");
        assertThat(rows("loose")).as("copied after the delete: shows it already").contains("2=2");
    }

    /** A cascade that goes on from a table the copy holds into one it does not cannot be replayed, and says what to do. */
    @Test
    void aCascadeThroughACopiedTableIntoAStreamingOneStops() throws Exception {
        family();
        TransactionHandler h = applier(1).handler(handOver(Map.of(t("child"), HandOver.Coverage.ALL)));
        assertThatThrownBy(() -> apply(h, 2, List.of(delete(t("parent"), ID, p(1)))))
                .isInstanceOf(ReplicationException.class)
                .hasMessageContaining("cascades through " + t("child"))
                .hasMessageContaining("--table " + t("grand"));
        assertThat(rows("grand")).as("nothing committed").hasSize(3);
    }

    /** A hand-over where the given tables are copied (or not) for every transaction. */
    private static HandOver handOver(Map<TableId, HandOver.Coverage> coverage) {
        HandOver.Scope scope = new HandOver.Scope() {
            @Override
            public boolean live() {
                return false;
            }

            @Override
            public RowChange pending(RowChange change) {
                return coverage(change.table()) == HandOver.Coverage.ALL ? null : change;
            }

            @Override
            public HandOver.Coverage coverage(TableId table) {
                return coverage.getOrDefault(table, HandOver.Coverage.NONE);
            }

            @Override
            public boolean copied(TableId table, List<Object> key) {
                return coverage(table) == HandOver.Coverage.ALL;
            }
        };
        return new HandOver() {
            @Override
            public Scope scope(Position start) {
                return scope;
            }

            @Override
            public boolean holds(SchemaChange change) {
                return false;
            }
        };
    }
}
