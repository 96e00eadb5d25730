package io.understudy.catalog;

import static io.understudy.config.DatabaseKind.MARIADB;

import io.understudy.model.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * DDL for MySQL/MariaDB followers: either rewritten from the leader's {@code SHOW CREATE TABLE} (preferred:
 * keeps charsets, collations and engine) or rebuilt from the catalog. Foreign keys are never created: the
 * follower must accept every leader change in leader order, without checks or cascades of its own.
 * Stateless and thread-safe.
 */
final class MySqlDdl {
    private static final Pattern FOREIGN_KEY = Pattern.compile("(?i)^\\s*(CONSTRAINT\\s+(`[^`]*`|\\S+)\\s+)?FOREIGN\\s+KEY\\b.*");
    private static final Pattern BTREE_KEY = Pattern.compile("(?i)^(UNIQUE\\s+)?(?:KEY|INDEX)\\s+(`(?:[^`]|``)*`)\\s*\\(.*");
    private static final Pattern CREATE_HEAD = Pattern.compile("(?i)^CREATE\\s+TABLE\\s+(`(?:[^`]|``)*`|\\S+)\\s*\\(\\s*$");

    private MySqlDdl() {
    }

    /**
     * Rewrites the output of {@code SHOW CREATE TABLE} into {@code CREATE DATABASE IF NOT EXISTS} plus
     * {@code CREATE TABLE IF NOT EXISTS `schema`.`table`} without FOREIGN KEY constraints.
     */
    static List<String> fromShowCreate(TableId id, String showCreate) {
        return split(id, showCreate, false).create();
    }

    /**
     * Like {@link #fromShowCreate}, but the table's plain and UNIQUE B-tree keys become one
     * {@code ALTER TABLE `schema`.`table` ADD …} statement each, to run after a bulk load. FULLTEXT and SPATIAL
     * keys stay in the CREATE TABLE (InnoDB adds a hidden column when the first FULLTEXT key arrives later).
     */
    static BulkLoadDdl forBulkLoad(TableId id, String showCreate) {
        return split(id, showCreate, true);
    }

    private static BulkLoadDdl split(TableId id, String showCreate, boolean deferIndexes) {
        String[] lines = showCreate.split("\n");
        if (lines.length < 3 || !CREATE_HEAD.matcher(lines[0].trim()).matches()) {
            throw new IllegalArgumentException("unexpected SHOW CREATE TABLE output for " + id
                    + " (first line: '" + lines[0] + "'); cannot create the table on the follower");
        }
        List<String> definitions = new ArrayList<>();
        List<DeferredIndex> indexes = new ArrayList<>();
        int i = 1;
        for (; i < lines.length && !lines[i].startsWith(")"); i++) {
            String def = lines[i].strip();
            if (def.endsWith(",")) {
                def = def.substring(0, def.length() - 1);
            }
            Matcher index = BTREE_KEY.matcher(def);
            if (deferIndexes && index.matches()) {
                String name = index.group(2).substring(1, index.group(2).length() - 1).replace("``", "`");
                indexes.add(new DeferredIndex(id, name, index.group(1) != null,
                        "ALTER TABLE " + Quoting.table(MARIADB, id) + " ADD " + def));
            } else if (!FOREIGN_KEY.matcher(def).matches()) {
                definitions.add("  " + def);
            }
        }
        StringBuilder tail = new StringBuilder();
        for (; i < lines.length; i++) {
            tail.append('\n').append(lines[i]);
        }
        String create = "CREATE TABLE IF NOT EXISTS " + Quoting.table(MARIADB, id) + " (\n"
                + String.join(",\n", definitions) + tail;
        return new BulkLoadDdl(id, List.of(createDatabase(id), create), indexes);
    }

    /** Rebuilds the table from the catalog; loses charset, collation, engine and table options. */
    static List<String> fromCatalog(TableDef t) {
        List<String> defs = new ArrayList<>();
        for (ColumnDef c : t.columns()) {
            defs.add(Quoting.quote(MARIADB, c.name()) + " " + (c.dataType().equals("json") ? "json" : c.columnType())
                    + (c.nullable() ? " NULL" : " NOT NULL")
                    + (c.defaultValue() == null ? "" : " DEFAULT " + c.defaultValue())
                    + (c.autoIncrement() ? " AUTO_INCREMENT" : ""));
        }
        if (!t.primaryKey().isEmpty()) {
            defs.add("PRIMARY KEY (" + Quoting.columns(MARIADB, t.primaryKey()) + ")");
        }
        for (IndexDef index : t.uniqueAndSecondaryIndexes()) {
            String kind = index.type().equalsIgnoreCase("FULLTEXT") ? "FULLTEXT KEY"
                    : index.type().equalsIgnoreCase("SPATIAL") ? "SPATIAL KEY"
                    : index.unique() ? "UNIQUE KEY" : "KEY";
            defs.add(kind + " " + Quoting.quote(MARIADB, index.name()) + " (" + index.parts().stream()
                    .map(p -> Quoting.quote(MARIADB, p.column()) + (p.prefixLength() == null ? "" : "(" + p.prefixLength() + ")"))
                    .collect(Collectors.joining(", ")) + ")");
        }
        return List.of(createDatabase(t.id()), "CREATE TABLE IF NOT EXISTS " + Quoting.table(MARIADB, t.id())
                + " (\n  " + String.join(",\n  ", defs) + "\n)");
    }

    private static String createDatabase(TableId id) {
        return "CREATE DATABASE IF NOT EXISTS " + Quoting.quote(MARIADB, id.schema());
    }
}
