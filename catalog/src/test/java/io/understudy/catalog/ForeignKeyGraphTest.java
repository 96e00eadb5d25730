package io.understudy.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.catalog.ForeignKey.Rule;
import io.understudy.model.Op;
import io.understudy.model.Row;
import io.understudy.model.RowChange;
import io.understudy.model.TableId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForeignKeyGraphTest {
    private static final TableId ORDERS = new TableId("shop", "orders");
    private static final TableId ITEMS = new TableId("shop", "items");
    private static final TableId OPTIONS = new TableId("shop", "options");
    private static final TableId NOTES = new TableId("shop", "notes");
    private static final TableId TREE = new TableId("shop", "tree");
    private static final TableId AUDIT = new TableId("other", "audit");

    private static ForeignKey key(String name, TableId child, List<String> cols, TableId parent, List<String> refs,
                                  Rule onDelete, Rule onUpdate) {
        return new ForeignKey(name, child, cols, parent, refs, onDelete, onUpdate);
    }

    private static final List<ForeignKey> KEYS = List.of(
            key("items_order", ITEMS, List.of("order_id"), ORDERS, List.of("id"), Rule.CASCADE, Rule.CASCADE),
            // options reference the item by (order_id, line): the composite key that the item's cascade changes
            key("options_item", OPTIONS, List.of("order_id", "line"), ITEMS, List.of("order_id", "line"), Rule.CASCADE,
                    Rule.CASCADE),
            key("notes_order", NOTES, List.of("order_id"), ORDERS, List.of("id"), Rule.SET_NULL, Rule.RESTRICT),
            key("tree_parent", TREE, List.of("parent_id"), TREE, List.of("id"), Rule.CASCADE, Rule.RESTRICT),
            key("plain", NOTES, List.of("author"), ORDERS, List.of("code"), Rule.RESTRICT, Rule.NO_ACTION),
            key("audit_order", AUDIT, List.of("order_id"), ORDERS, List.of("id"), Rule.CASCADE, Rule.CASCADE));

    private static final ForeignKeyGraph GRAPH = ForeignKeyGraph.of(KEYS, t -> t.schema().equals("shop"));

    private static Row row(Object... namesAndValues) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return Row.of(m);
    }

    @Test
    void keepsOnlyCascadingKeysBetweenReplicatedTables() {
        assertThat(GRAPH.keys()).extracting(ForeignKey::name)
                .containsExactly("items_order", "options_item", "notes_order", "tree_parent");
        assertThat(ForeignKeyGraph.of(List.of(KEYS.get(4)), t -> true).isEmpty()).isTrue();
        assertThat(GRAPH.referencing(ORDERS)).extracting(ForeignKey::name).containsExactly("items_order", "notes_order");
    }

    @Test
    void deletesAndReferencedColumnChangesFire() {
        assertThat(GRAPH.fires(new RowChange(ORDERS, Op.DELETE, row("id", 1L, "code", "a"), null, List.of("id")))).isTrue();
        assertThat(GRAPH.fires(new RowChange(ORDERS, Op.INSERT, null, row("id", 1L, "code", "a"), List.of("id")))).isFalse();
        assertThat(GRAPH.fires(new RowChange(ORDERS, Op.UPDATE, row("id", 1L, "code", "a"), row("id", 1L, "code", "b"),
                List.of("id")))).as("a column no cascading key references").isFalse();
        assertThat(GRAPH.fires(new RowChange(ORDERS, Op.UPDATE, row("id", 1L, "code", "a"), row("id", 2L, "code", "a"),
                List.of("id")))).isTrue();
        // the tree's key is ON UPDATE RESTRICT: a key change there fires nothing, a delete does
        assertThat(GRAPH.fires(new RowChange(TREE, Op.UPDATE, row("id", 1L), row("id", 2L), List.of("id")))).isFalse();
        assertThat(GRAPH.fires(new RowChange(TREE, Op.DELETE, row("id", 1L), null, List.of("id")))).isTrue();
        assertThat(GRAPH.fires(new RowChange(OPTIONS, Op.DELETE, row("id", 1L), null, List.of("id")))).isFalse();
        // exact comparison, as InnoDB: byte arrays by content, case counts
        assertThat(ForeignKeyGraph.changed(row("k", new byte[] {1}), row("k", new byte[] {1}), List.of("k"))).isFalse();
        assertThat(ForeignKeyGraph.changed(row("k", "abc"), row("k", "ABC"), List.of("k"))).isTrue();
        assertThat(ForeignKeyGraph.changed(row("k", null), row("k", null), List.of("k"))).isFalse();
    }

    @Test
    void keysAfterAChangeDependOnWhatChanged() {
        assertThat(GRAPH.afterDelete(ORDERS)).extracting(ForeignKey::name).containsExactly("items_order", "notes_order");
        assertThat(GRAPH.afterUpdate(ORDERS, List.of("id"))).extracting(ForeignKey::name).containsExactly("items_order");
        assertThat(GRAPH.afterUpdate(ITEMS, List.of("qty"))).isEmpty();
        assertThat(GRAPH.afterUpdate(ITEMS, List.of("order_id"))).extracting(ForeignKey::name).containsExactly("options_item");
    }

    @Test
    void reachAndContinuations() {
        assertThat(GRAPH.reach(ORDERS)).containsExactlyInAnyOrder(ITEMS, OPTIONS, NOTES);
        assertThat(GRAPH.reach(TREE)).containsExactly(TREE);
        // items are deleted or re-keyed by the orders' cascade, which goes on into options
        assertThat(GRAPH.continuations(ITEMS)).containsExactly(OPTIONS);
        // notes get order_id set NULL; nothing references notes
        assertThat(GRAPH.continuations(NOTES)).isEmpty();
        assertThat(GRAPH.continuations(ORDERS)).as("no cascade changes orders").isEmpty();
        assertThat(GRAPH.continuations(TREE)).as("itself is not a next hop").isEmpty();
        assertThat(GRAPH.continuationsClosure(List.of(ITEMS))).containsExactly(ITEMS, OPTIONS);
    }

    @Test
    void aContinuationNeedsAChangeTheNextKeyActsOn() {
        // b's rows get column x set NULL; c references b.id, which no cascade changes: no second hop
        TableId a = new TableId("s", "a");
        TableId b = new TableId("s", "b");
        TableId c = new TableId("s", "c");
        ForeignKeyGraph g = ForeignKeyGraph.of(List.of(
                key("b_a", b, List.of("x"), a, List.of("id"), Rule.SET_NULL, Rule.CASCADE),
                key("c_b", c, List.of("b_id"), b, List.of("id"), Rule.CASCADE, Rule.CASCADE)), t -> true);
        assertThat(g.continuations(b)).isEmpty();
    }

    @Test
    void rulesAreReadFromShowCreateTable() {
        String create = String.join("\n",
                "CREATE TABLE `child` (",
                "  `id` int(11) NOT NULL,",
                "  PRIMARY KEY (`id`),",
                "  CONSTRAINT `fk_p` FOREIGN KEY (`p`) REFERENCES `parent` (`id`) ON UPDATE CASCADE,",
                "  CONSTRAINT `fk_q` FOREIGN KEY (`q`) REFERENCES `parent` (`id`) ON DELETE SET NULL ON UPDATE NO ACTION,",
                "  CONSTRAINT `odd``name` FOREIGN KEY (`q`) REFERENCES `other` (`id`),",
                "  CONSTRAINT `maria`s` FOREIGN KEY (`q`) REFERENCES `other` (`id`) ON DELETE CASCADE",
                ") ENGINE=InnoDB");
        Map<String, Rule[]> rules = ForeignKeys.rules(create);
        assertThat(rules.get("fk_p")).containsExactly(Rule.RESTRICT, Rule.CASCADE);
        assertThat(rules.get("fk_q")).containsExactly(Rule.SET_NULL, Rule.NO_ACTION);
        assertThat(rules.get("odd`name")).containsExactly(Rule.RESTRICT, Rule.RESTRICT);
        // MariaDB 11.4 prints a backquote inside a constraint name without doubling it
        assertThat(rules.get("maria`s")).containsExactly(Rule.CASCADE, Rule.RESTRICT);
    }

    @Test
    void versionsCompareByMajorAndMinor() {
        assertThat(ForeignKeys.atLeast("9.6.0-commercial", 9, 6)).isTrue();
        assertThat(ForeignKeys.atLeast("10.0.1", 9, 6)).isTrue();
        assertThat(ForeignKeys.atLeast("8.4.3-log", 9, 6)).isFalse();
        assertThat(ForeignKeys.atLeast("9.5.0", 9, 6)).isFalse();
        assertThat(ForeignKeys.atLeast("garbage", 9, 6)).isFalse();
    }
}
