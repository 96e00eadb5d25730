package io.understudy.applier;

import static io.understudy.applier.Changes.delete;
import static io.understudy.applier.Changes.insert;
import static io.understudy.applier.Changes.row;
import static io.understudy.applier.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.applier.ChangePlan.Group;
import io.understudy.applier.ChangePlan.Kind;
import io.understudy.model.RowChange;
import io.understudy.model.TableId;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangePlanTest {
    static final TableId T = new TableId("s", "t");
    static final TableId U = new TableId("s", "u");
    static final List<String> ID = List.of("id");

    @Test
    void anUpsertGroupEndsWhenABinaryKeyRepeatsByContent() {
        List<Group> plan = ChangePlan.of(List.of(
                insert(T, ID, row("id", new byte[] {1, 2}, "v", "a")),
                insert(T, ID, row("id", new byte[] {3}, "v", "b")),
                insert(T, ID, row("id", new byte[] {1, 2}, "v", "c"))));
        assertThat(plan).extracting(g -> g.items().size()).containsExactly(2, 1);
    }

    @Test
    void distinctInsertsMakeOneGroupPerTableAndColumnsAndRefuseOtherChanges() {
        List<Group> plan = ChangePlan.distinctInserts(List.of(
                insert(T, ID, row("id", 1L, "v", "a")),
                insert(T, ID, row("id", 2L, "v", "b")),
                insert(T, ID, row("id", 3L)),
                insert(U, ID, row("id", 1L))));
        assertThat(plan).extracting(Group::table, Group::kind, g -> g.items().size()).containsExactly(
                org.assertj.core.groups.Tuple.tuple(T, Kind.UPSERT, 2),
                org.assertj.core.groups.Tuple.tuple(T, Kind.UPSERT, 1),
                org.assertj.core.groups.Tuple.tuple(U, Kind.UPSERT, 1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ChangePlan.distinctInserts(
                List.of(delete(T, ID, row("id", 1L))))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void groupsConsecutiveChangesAndKeepsLeaderOrder() {
        List<Group> plan = ChangePlan.of(List.of(
                insert(T, ID, row("id", 1L, "v", "a")),
                insert(T, ID, row("id", 2L, "v", "b")),
                update(T, ID, row("id", 3L, "v", "c"), row("id", 3L, "v", "d")),
                insert(U, ID, row("id", 1L)),
                insert(T, ID, row("id", 4L, "v", "e")),
                delete(T, ID, row("id", 1L, "v", "a")),
                delete(T, ID, row("id", 2L, "v", "b")),
                RowChange.truncate(U), RowChange.truncate(U)));

        assertThat(plan).extracting(Group::table, Group::kind, g -> g.items().size()).containsExactly(
                org.assertj.core.groups.Tuple.tuple(T, Kind.UPSERT, 3),
                org.assertj.core.groups.Tuple.tuple(U, Kind.UPSERT, 1),
                org.assertj.core.groups.Tuple.tuple(T, Kind.UPSERT, 1),
                org.assertj.core.groups.Tuple.tuple(T, Kind.DELETE, 2),
                org.assertj.core.groups.Tuple.tuple(U, Kind.TRUNCATE, 1));
    }

    @Test
    void repeatedKeyStartsANewUpsertAndKeyChangeDeletesFirst() {
        List<Group> plan = ChangePlan.of(List.of(
                insert(T, ID, row("id", 1L, "v", "a")),
                update(T, ID, row("id", 1L, "v", "a"), row("id", 1L, "v", "b")),
                update(T, ID, row("id", 1L, "v", "b"), row("id", 9L, "v", "b"))));

        assertThat(plan).extracting(Group::kind).containsExactly(Kind.UPSERT, Kind.UPSERT, Kind.DELETE, Kind.UPSERT);
        assertThat(plan.get(2).items().get(0).key()).containsExactly(1L);
        assertThat(plan.get(3).items().get(0).key()).containsExactly(9L);
    }
}
