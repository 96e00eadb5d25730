package io.understudy.applier;

import static io.understudy.applier.Changes.delete;
import static io.understudy.applier.Changes.insert;
import static io.understudy.applier.Changes.row;
import static io.understudy.applier.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.catalog.ForeignKey;
import io.understudy.catalog.ForeignKey.Rule;
import io.understudy.catalog.ForeignKeyGraph;
import io.understudy.model.RowChange;
import io.understudy.model.TableId;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeferredCascadesTest {
    private static final TableId P = new TableId("s", "p");
    private static final TableId C = new TableId("s", "c");
    private static final TableId U = new TableId("s", "u");
    private static final List<String> ID = List.of("id");
    private static final ForeignKeyGraph GRAPH = ForeignKeyGraph.of(List.of(
            new ForeignKey("c_p", C, List.of("p"), P, ID, Rule.CASCADE, Rule.CASCADE),
            new ForeignKey("c_u", C, List.of("code"), U, List.of("code"), Rule.CASCADE, Rule.CASCADE)), t -> true);

    private static RowChange parent(long id) {
        return insert(P, ID, row("id", id));
    }

    @Test
    void aGroupDefersItsCascadesUnlessAParentValueComesBack() {
        RowChange gone = delete(P, ID, row("id", 1L));
        assertThat(DeferredCascades.allowed(List.of(parent(1), gone, parent(2)), GRAPH)).isTrue();
        assertThat(DeferredCascades.allowed(List.of(gone, parent(1)), GRAPH)).as("parent 1 comes back").isFalse();
        RowChange moved = update(P, ID, row("id", 1L), row("id", 5L));
        RowChange movedOn = update(P, ID, row("id", 5L), row("id", 9L));
        assertThat(DeferredCascades.allowed(List.of(moved, movedOn), GRAPH)).as("a chain replays in order").isTrue();
        assertThat(DeferredCascades.allowed(List.of(moved, update(P, ID, row("id", 2L), row("id", 1L))), GRAPH))
                .as("1 taken by another row").isFalse();
        assertThat(DeferredCascades.allowed(List.of(gone, RowChange.truncate(C)), GRAPH)).isFalse();
        // a key that references a unique column, not the parent's primary key: another row may keep its value
        assertThat(DeferredCascades.allowed(List.of(delete(U, ID, row("id", 1L, "code", "x"))), GRAPH)).isFalse();
    }

    @Test
    void runsJoinConsecutiveChangesOfOneTableAndOperation() {
        RowChange d1 = delete(P, ID, row("id", 1L));
        RowChange d2 = delete(P, ID, row("id", 2L));
        RowChange m = update(P, ID, row("id", 3L), row("id", 30L));
        RowChange d4 = delete(P, ID, row("id", 4L));
        assertThat(DeferredCascades.runs(List.of(d1, parent(7), d2, m, d4, insert(C, ID, row("id", 1L, "p", 7L))), GRAPH))
                .containsExactly(List.of(d1, d2), List.of(m), List.of(d4));
    }
}
