package io.understudy.applier;

import static io.understudy.applier.Changes.delete;
import static io.understudy.applier.Changes.insert;
import static io.understudy.applier.Changes.row;
import static io.understudy.applier.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.understudy.applier.ChangePlan.Group;
import io.understudy.applier.ChangePlan.Item;
import io.understudy.applier.ChangePlan.Kind;
import io.understudy.model.RowChange;
import io.understudy.model.TableId;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetPlanTest {
    static final TableId T = ChangePlanTest.T;
    static final TableId U = ChangePlanTest.U;
    static final List<String> ID = ChangePlanTest.ID;

    @Test
    void eachKeyIsWrittenOnceWithItsLastImageDeletesFirst() {
        List<Group> plan = NetPlan.of(List.of(
                update(T, ID, row("id", 1L, "v", "a"), row("id", 1L, "v", "b")),
                insert(U, ID, row("id", 7L)),
                delete(T, ID, row("id", 2L, "v", "x")),
                insert(T, ID, row("id", 2L, "v", "y")), // delete + re-insert: one upsert
                update(T, ID, row("id", 1L, "v", "b"), row("id", 1L, "v", "c")),
                delete(T, ID, row("id", 3L, "v", "z")),
                insert(T, ID, row("id", 4L, "v", "w")),
                delete(T, ID, row("id", 4L, "v", "w"))), // insert + delete: one delete
                t -> false);

        assertThat(plan).extracting(Group::table, Group::kind, g -> g.items().size()).containsExactly(
                tuple(T, Kind.DELETE, 2), tuple(T, Kind.UPSERT, 2), tuple(U, Kind.INSERT, 1));
        assertThat(plan.get(0).items()).extracting(Item::key).containsExactly(List.of(3L), List.of(4L));
        assertThat(plan.get(1).items()).extracting(i -> i.image().values())
                .containsExactly(List.of(1L, "c"), List.of(2L, "y"));
    }

    @Test
    void aKeyChangeDeletesTheOldKeyUnlessALaterChangeWritesItAgain() {
        List<Group> plan = NetPlan.of(List.of(
                update(T, ID, row("id", 1L, "v", "a"), row("id", 9L, "v", "a")),
                update(T, ID, row("id", 5L, "v", "b"), row("id", 6L, "v", "b")),
                insert(T, ID, row("id", 5L, "v", "c"))), t -> false);

        assertThat(plan).extracting(Group::kind).containsExactly(Kind.DELETE, Kind.UPSERT);
        assertThat(plan.get(0).items()).extracting(Item::key).containsExactly(List.of(1L));
        assertThat(plan.get(1).items()).extracting(Item::key).containsExactly(List.of(9L), List.of(5L), List.of(6L));
        assertThat(plan.get(1).items().get(1).image().values()).containsExactly(5L, "c");
    }

    @Test
    void keysFirstInsertedInTheRunAreInsertsWithTheirLastImage() {
        List<Group> plan = NetPlan.of(List.of(
                insert(T, ID, row("id", 1L, "v", "a")),
                update(T, ID, row("id", 1L, "v", "a"), row("id", 1L, "v", "b")),
                update(T, ID, row("id", 2L, "v", "x"), row("id", 2L, "v", "y")),
                insert(T, ID, row("id", 3L, "v", "c")),
                delete(T, ID, row("id", 3L, "v", "c")),
                insert(T, ID, row("id", 3L, "v", "d")),
                update(T, ID, row("id", 4L, "v", "e"), row("id", 5L, "v", "e"))), t -> false);

        assertThat(plan).extracting(Group::kind, g -> g.items().size()).containsExactly(
                tuple(Kind.DELETE, 1), tuple(Kind.UPSERT, 2), tuple(Kind.INSERT, 2));
        assertThat(plan.get(1).items()).extracting(Item::key).containsExactly(List.of(2L), List.of(5L));
        assertThat(plan.get(2).items()).extracting(i -> i.image().values())
                .containsExactly(List.of(1L, "b"), List.of(3L, "d"));
    }

    @Test
    void binaryKeysAreOneKeyByContent() {
        List<Group> plan = NetPlan.of(List.of(
                insert(T, ID, row("id", new byte[] {1, 2}, "v", "a")),
                insert(T, ID, row("id", new byte[] {1, 2}, "v", "b"))), t -> false);
        assertThat(plan).hasSize(1);
        assertThat(plan.get(0).items()).singleElement().satisfies(i -> assertThat(i.image().values().get(1)).isEqualTo("b"));
    }

    @Test
    void tablesThatMustKeepOrderAndTruncateArePlannedInLeaderOrder() {
        List<RowChange> changes = List.of(
                insert(T, ID, row("id", 1L, "v", "a")),
                update(T, ID, row("id", 1L, "v", "a"), row("id", 1L, "v", "b")),
                insert(U, ID, row("id", 1L)),
                delete(U, ID, row("id", 1L)));
        assertThat(NetPlan.of(changes, T::equals)).extracting(Group::table, Group::kind, g -> g.items().size())
                .containsExactly(tuple(T, Kind.UPSERT, 1), tuple(T, Kind.UPSERT, 1), tuple(U, Kind.DELETE, 1));

        List<RowChange> withTruncate = new java.util.ArrayList<>(changes);
        withTruncate.add(RowChange.truncate(U));
        assertThat(NetPlan.of(withTruncate, t -> false)).isEqualTo(ChangePlan.of(withTruncate));
    }

    @Test
    void columnsThatDifferSplitTheUpsert() {
        List<Group> plan = NetPlan.of(List.of(
                insert(T, ID, row("id", 1L, "v", "a")),
                insert(T, ID, row("id", 2L)),
                insert(T, ID, row("id", 3L, "v", "c"))), t -> false);
        assertThat(plan).extracting(g -> g.items().size()).containsExactly(1, 1, 1);
    }
}
