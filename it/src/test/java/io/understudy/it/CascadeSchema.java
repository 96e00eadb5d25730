package io.understudy.it;

import io.understudy.servers.DatabaseServer;
import java.util.ArrayList;
import java.util.List;

/**
 * A MariaDB schema made for foreign-key cascades, and the leader statements that exercise every action Understudy
 * must replay: three levels (orders → items → options, the items' key containing the order's), a text key with ON
 * UPDATE CASCADE and ON DELETE SET NULL, a self-referencing tree with tags that lose it, composite keys; parents changed
 * by DELETE, key UPDATE (one row and many), REPLACE, INSERT ... ON DUPLICATE KEY UPDATE and multi-table DELETE, with
 * explicit child writes before and after the cascading statement in one transaction.
 */
final class CascadeSchema {
    private CascadeSchema() {
    }

    static List<String> ddl(String s) {
        return List.of("CREATE DATABASE " + s,
                "CREATE TABLE " + s + ".orders (id INT PRIMARY KEY, code VARCHAR(10) NOT NULL UNIQUE, note VARCHAR(20))",
                "CREATE TABLE " + s + ".items (order_id INT NOT NULL, line INT NOT NULL, qty INT, PRIMARY KEY (order_id, line),"
                        + " CONSTRAINT items_order FOREIGN KEY (order_id) REFERENCES " + s + ".orders (id)"
                        + " ON DELETE CASCADE ON UPDATE CASCADE)",
                "CREATE TABLE " + s + ".options (id INT PRIMARY KEY, order_id INT, line INT, v VARCHAR(10),"
                        + " CONSTRAINT options_item FOREIGN KEY (order_id, line) REFERENCES " + s + ".items (order_id, line)"
                        + " ON DELETE CASCADE ON UPDATE CASCADE)",
                "CREATE TABLE " + s + ".notes (id INT PRIMARY KEY, order_code VARCHAR(10),"
                        + " CONSTRAINT notes_order FOREIGN KEY (order_code) REFERENCES " + s + ".orders (code)"
                        + " ON DELETE SET NULL ON UPDATE CASCADE)",
                "CREATE TABLE " + s + ".tree (id INT PRIMARY KEY, parent_id INT,"
                        + " CONSTRAINT tree_parent FOREIGN KEY (parent_id) REFERENCES " + s + ".tree (id) ON DELETE CASCADE)",
                "CREATE TABLE " + s + ".tags (id INT PRIMARY KEY, tree_id INT, label VARCHAR(10),"
                        + " CONSTRAINT tags_tree FOREIGN KEY (tree_id) REFERENCES " + s + ".tree (id)"
                        + " ON DELETE SET NULL ON UPDATE SET NULL)");
    }

    /** One step: a description and the statements of ONE leader transaction (autocommitted when it is one statement). */
    record Step(String what, List<String> statements) {
    }

    static List<Step> steps(String s) {
        List<Step> steps = new ArrayList<>();
        List<String> seed = new ArrayList<>();
        for (int o = 1; o <= 30; o++) {
            seed.add("INSERT INTO " + s + ".orders VALUES (" + o + ", 'c" + o + "', 'n" + o + "')");
            for (int line = 1; line <= 3; line++) {
                seed.add("INSERT INTO " + s + ".items VALUES (" + o + ", " + line + ", " + (o * line) + ")");
                for (int k = 1; k <= 2; k++) {
                    int id = o * 100 + line * 10 + k;
                    seed.add("INSERT INTO " + s + ".options VALUES (" + id + ", " + o + ", " + line + ", 'v" + id + "')");
                }
            }
            seed.add("INSERT INTO " + s + ".notes VALUES (" + o + ", 'c" + o + "')");
        }
        seed.add("INSERT INTO " + s + ".notes VALUES (999, NULL)");
        for (int id = 1; id <= 31; id++) {
            seed.add("INSERT INTO " + s + ".tree VALUES (" + id + ", " + (id == 1 ? "NULL" : String.valueOf(id / 2)) + ")");
            seed.add("INSERT INTO " + s + ".tags VALUES (" + id + ", " + id + ", 't" + id + "')");
        }
        seed.add("INSERT INTO " + s + ".tree VALUES (100, NULL)");
        steps.add(new Step("seed", seed));
        steps.add(new Step("delete a parent: three levels and a SET NULL",
                List.of("DELETE FROM " + s + ".orders WHERE id = 1")));
        steps.add(new Step("change a parent key: the items' key and the options' two-column reference follow",
                List.of("UPDATE " + s + ".orders SET id = 102 WHERE id = 2")));
        steps.add(new Step("change a unique text key: notes follow",
                List.of("UPDATE " + s + ".orders SET code = 'x3' WHERE id = 3")));
        steps.add(new Step("explicit child writes before and after the cascading delete, and a new parent with the old key",
                List.of("INSERT INTO " + s + ".items VALUES (4, 9, 1)",
                        "INSERT INTO " + s + ".options VALUES (9001, 4, 9, 'early')",
                        "UPDATE " + s + ".options SET v = 'touched' WHERE order_id = 4 AND line = 1",
                        "UPDATE " + s + ".items SET order_id = 4, line = 8 WHERE order_id = 5 AND line = 3",
                        "DELETE FROM " + s + ".orders WHERE id = 4",
                        "INSERT INTO " + s + ".orders VALUES (4, 'c4b', 'again')",
                        "INSERT INTO " + s + ".items VALUES (4, 1, 7)",
                        "INSERT INTO " + s + ".options VALUES (9002, 4, 1, 'late')")));
        steps.add(new Step("REPLACE of a parent is a delete and an insert: its children go",
                List.of("REPLACE INTO " + s + ".orders VALUES (5, 'c5', 'replaced')")));
        steps.add(new Step("INSERT ... ON DUPLICATE KEY UPDATE changing the key",
                List.of("INSERT INTO " + s + ".orders VALUES (6, 'c6', 'dup') ON DUPLICATE KEY UPDATE id = 106")));
        steps.add(new Step("multi-table DELETE of parents and some children",
                List.of("DELETE o, n FROM " + s + ".orders o JOIN " + s + ".notes n ON n.order_code = o.code"
                        + " WHERE o.id IN (7, 8)")));
        steps.add(new Step("a tree leaf's key changes: its tags lose it (ON UPDATE SET NULL)",
                List.of("UPDATE " + s + ".tree SET id = 1031 WHERE id = 31")));
        steps.add(new Step("delete the root of a tree five levels deep: the whole tree, tags set NULL",
                List.of("DELETE FROM " + s + ".tree WHERE id = 1")));
        steps.add(new Step("many parent keys in one statement, each taking the next one's old key (order matters)",
                List.of("DELETE FROM " + s + ".orders WHERE id = 16",
                        "UPDATE " + s + ".orders SET id = id + 1 WHERE id BETWEEN 10 AND 15 ORDER BY id DESC")));
        steps.add(new Step("many parents deleted in one statement",
                List.of("DELETE FROM " + s + ".orders WHERE id BETWEEN 16 AND 25")));
        steps.add(new Step("two transactions' worth in one: renumber, delete, re-insert",
                List.of("UPDATE " + s + ".orders SET id = 2026 WHERE id = 26",
                        "DELETE FROM " + s + ".items WHERE order_id = 2026 AND line = 1",
                        "UPDATE " + s + ".orders SET id = 26 WHERE id = 2026",
                        "DELETE FROM " + s + ".orders WHERE id = 27",
                        "INSERT INTO " + s + ".orders VALUES (27, 'c27', 'new')")));
        return steps;
    }

    /** Runs one step on the leader as one transaction, in database {@code s} (multi-table DELETE needs a default). */
    static void run(DatabaseServer leader, String s, Step step) {
        List<String> statements = new ArrayList<>();
        statements.add("BEGIN");
        statements.addAll(step.statements());
        statements.add("COMMIT");
        leader.execute(s, statements.toArray(String[]::new));
    }
}
