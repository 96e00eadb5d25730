package io.understudy.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.catalog.ColumnDef;
import io.understudy.catalog.ForeignKey;
import io.understudy.catalog.ForeignKey.Rule;
import io.understudy.catalog.ForeignKeyGraph;
import io.understudy.catalog.TableDef;
import io.understudy.model.TableId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartOrderTest {
    private static final TableId ORDERS = new TableId("s", "orders");
    private static final TableId ITEMS = new TableId("s", "items");
    private static final TableId OPTIONS = new TableId("s", "options");
    private static final TableId BIG = new TableId("s", "big");

    private static TableDef table(TableId id) {
        return new TableDef(id, List.of(new ColumnDef("id", "int", "int", false, null, 10, 0, null, null, false)),
                List.of("id"), List.of());
    }

    private static ForeignKey key(TableId child, TableId parent) {
        return new ForeignKey(child.table() + "_fk", child, List.of("p"), parent, List.of("id"), Rule.CASCADE, Rule.CASCADE);
    }

    @Test
    void aTableACascadeReachesThroughAnotherStartsAfterIt() {
        ForeignKeyGraph graph = ForeignKeyGraph.of(List.of(key(ITEMS, ORDERS), key(OPTIONS, ITEMS)), t -> true);
        StartOrder order = StartOrder.of(List.of(table(ORDERS), table(ITEMS), table(OPTIONS), table(BIG)),
                Map.of(OPTIONS, 9_000L, BIG, 5_000L, ITEMS, 100L, ORDERS, 10L), graph);
        // options are the largest, but a cascade reaches them through items: items first, as large as options
        assertThat(order.tables()).extracting(TableDef::id).containsExactly(ITEMS, OPTIONS, BIG, ORDERS);
        assertThat(order.predecessors(OPTIONS)).containsExactly(ITEMS);
        assertThat(order.predecessors(ITEMS)).as("level one needs no order").isEmpty();
    }

    @Test
    void aCycleIsBrokenAndNeverWaitsForALaterTable() throws Exception {
        TableId a = new TableId("s", "a");
        TableId b = new TableId("s", "b");
        TableId root = new TableId("s", "root");
        ForeignKeyGraph graph = ForeignKeyGraph.of(List.of(key(a, root), key(b, a),
                new ForeignKey("a_b", a, List.of("q"), b, List.of("id"), Rule.CASCADE, Rule.CASCADE)), t -> true);
        StartOrder order = StartOrder.of(List.of(table(a), table(b), table(root)), Map.of(a, 10L, b, 20L), graph);
        // root is ready; a and b wait for each other and weigh the same (each waits for the other): by name
        assertThat(order.tables()).extracting(TableDef::id).containsExactly(root, a, b);
        assertThat(order.predecessors(a)).as("never a table submitted later").isEmpty();
        assertThat(order.predecessors(b)).containsExactly(a);
        order.started(a);
        order.awaitPredecessors(b); // returns
    }
}
