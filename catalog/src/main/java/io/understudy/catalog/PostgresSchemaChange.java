package io.understudy.catalog;

import static io.understudy.config.DatabaseKind.POSTGRESQL;

import io.understudy.model.SchemaChange;
import io.understudy.model.TableId;
import io.understudy.model.UnsupportedSchemaChangeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates one leader DDL statement into PostgreSQL statements for a follower (pure): CREATE TABLE (from the
 * structure the change carries, through the mapping in docs/type-mapping.md), DROP TABLE, RENAME TABLE and
 * ALTER TABLE .. RENAME, ADD/DROP/RENAME/MODIFY/CHANGE COLUMN, ALTER COLUMN .. SET/DROP DEFAULT, ADD/DROP INDEX
 * (also CREATE/DROP INDEX), TRUNCATE, and table options that mean nothing on PostgreSQL. Statements are written to
 * be safe to re-run on a follower that already has the change (IF [NOT] EXISTS, renames only when the old name
 * is there). Anything else throws {@link UnsupportedSchemaChangeException} naming the statement, the position and
 * the two ways out. Stateless and thread-safe.
 */
public final class PostgresSchemaChange {
    private static final String NAME = "(`(?:[^`]|``)+`|\"[^\"]+\"|[\\w$]+)";
    private static final String QNAME = NAME + "(?:\\s*\\.\\s*" + NAME + ")?";
    private static final Pattern CREATE_TABLE = Pattern.compile("(?is)^CREATE\\s+TABLE\\b.*");
    private static final Pattern DROP_TABLE = Pattern.compile("(?is)^DROP\\s+TABLE\\b.*");
    private static final Pattern TRUNCATE = Pattern.compile("(?is)^TRUNCATE\\s+(?:TABLE\\s+)?" + QNAME + "\\s*$");
    private static final Pattern RENAME_TABLE = Pattern.compile("(?is)^RENAME\\s+TABLES?\\s+(.*)$");
    private static final Pattern RENAME_PAIR = Pattern.compile("(?is)^\\s*" + QNAME + "\\s+TO\\s+" + QNAME + "\\s*$");
    private static final Pattern ALTER_TABLE = Pattern.compile("(?is)^ALTER\\s+(?:ONLINE\\s+|IGNORE\\s+)*TABLE\\s+"
            + "(?:IF\\s+EXISTS\\s+)?" + QNAME + "\\s+(.*)$");
    private static final Pattern CREATE_INDEX = Pattern.compile("(?is)^CREATE\\s+(?:OR\\s+REPLACE\\s+)?(UNIQUE\\s+|FULLTEXT\\s+|SPATIAL\\s+)?"
            + "INDEX\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?" + NAME + "\\s+ON\\s+" + QNAME + "\\s*(\\(.*\\))[^)]*$");
    private static final Pattern DROP_INDEX = Pattern.compile("(?is)^DROP\\s+INDEX\\s+(?:IF\\s+EXISTS\\s+)?" + NAME
            + "\\s+ON\\s+" + QNAME + ".*$");

    private PostgresSchemaChange() {
    }

    /**
     * @param followerColumns the follower's current column names of a table, empty when it has no such table
     * @return the statements to run, in order, in one follower transaction (empty when nothing is to be done)
     * @throws UnsupportedSchemaChangeException for statements outside the supported set
     */
    public static List<String> statements(SchemaChange change, Function<TableId, List<String>> followerColumns) {
        String ddl = Sql.strip(change.ddl());
        Context ctx = new Context(change, followerColumns);
        Matcher m;
        if (CREATE_TABLE.matcher(ddl).matches()) {
            return createTables(change);
        }
        if (DROP_TABLE.matcher(ddl).matches()) {
            return change.tables().stream().filter(t -> t.kind() == SchemaChange.Kind.DROP)
                    .map(t -> "DROP TABLE IF EXISTS " + Quoting.table(POSTGRESQL, t.table())).toList();
        }
        if ((m = TRUNCATE.matcher(ddl)).matches()) {
            return List.of("TRUNCATE TABLE " + Quoting.table(POSTGRESQL, ctx.table(m, 1)));
        }
        if ((m = RENAME_TABLE.matcher(ddl)).matches()) {
            List<String> out = new ArrayList<>();
            for (String pair : Sql.splitTopLevel(m.group(1))) {
                Matcher p = RENAME_PAIR.matcher(pair);
                if (!p.matches()) {
                    throw unsupported(change, "cannot read the rename '" + pair.trim() + "'");
                }
                out.addAll(ctx.renameTable(ctx.table(p, 1), ctx.table(p, 3)));
            }
            return out;
        }
        if ((m = CREATE_INDEX.matcher(ddl)).matches()) {
            String kind = m.group(1) == null ? "" : m.group(1).trim().toUpperCase();
            if (kind.equals("FULLTEXT") || kind.equals("SPATIAL")) {
                return List.of();
            }
            return ctx.createIndex(ctx.table(m, 3), Sql.unquote(m.group(2)), kind.equals("UNIQUE"), m.group(5));
        }
        if ((m = DROP_INDEX.matcher(ddl)).matches()) {
            return List.of(ctx.dropIndex(ctx.table(m, 2), Sql.unquote(m.group(1))));
        }
        if ((m = ALTER_TABLE.matcher(ddl)).matches()) {
            return new AlterTable(ctx, ctx.table(m, 1)).translate(m.group(3));
        }
        throw unsupported(change, "this kind of statement is not translated for PostgreSQL");
    }

    private static List<String> createTables(SchemaChange change) {
        List<String> out = new ArrayList<>();
        for (SchemaChange.TableStructure t : change.tables()) {
            if (t.kind() != SchemaChange.Kind.DROP) {
                out.addAll(PostgresDdl.ddl(LeaderColumns.table(t)));
            }
        }
        return out;
    }

    static UnsupportedSchemaChangeException unsupported(SchemaChange change, String why) {
        String flat = change.ddl().replaceAll("\\s+", " ").trim();
        return new UnsupportedSchemaChangeException("leader DDL cannot be applied on this PostgreSQL follower (" + why
                + "): " + (flat.length() > 300 ? flat.substring(0, 300) + "..." : flat) + " at " + change.position().describe()
                + "; " + UnsupportedSchemaChangeException.waysOut(change), change.position());
    }

    /** The change being translated, the follower's state, and helpers shared with {@link AlterTable}. */
    record Context(SchemaChange change, Function<TableId, List<String>> followerColumns) {
        TableId table(Matcher m, int group) {
            String first = Sql.unquote(m.group(group));
            String second = m.group(group + 1);
            if (second != null) {
                return new TableId(first, Sql.unquote(second));
            }
            if (change.database().isEmpty()) {
                throw unsupported(change, "table " + first + " is not qualified and the statement has no default database");
            }
            return new TableId(change.database(), first);
        }

        Optional<SchemaChange.TableStructure> structure(TableId id) {
            return change.tables().stream().filter(t -> t.table().equals(id)).findFirst();
        }

        List<String> renameTable(TableId from, TableId to) {
            boolean fromThere = !followerColumns.apply(from).isEmpty();
            boolean toThere = !followerColumns.apply(to).isEmpty();
            if (toThere || !fromThere) {
                // already renamed (a re-run), or the old name was not replicated: create the new one if it is
                return toThere ? List.of() : structure(to).map(t -> PostgresDdl.ddl(LeaderColumns.table(t))).orElse(List.of());
            }
            List<String> out = new ArrayList<>();
            out.add("ALTER TABLE " + Quoting.table(POSTGRESQL, from) + " RENAME TO " + Quoting.quote(POSTGRESQL, to.table()));
            if (!from.schema().equals(to.schema())) {
                out.add("CREATE SCHEMA IF NOT EXISTS " + Quoting.quote(POSTGRESQL, to.schema()));
                out.add("ALTER TABLE " + Quoting.table(POSTGRESQL, new TableId(from.schema(), to.table())) + " SET SCHEMA "
                        + Quoting.quote(POSTGRESQL, to.schema()));
            }
            return out;
        }

        /** Same naming as tables created at setup: {@code <table>_<leader index name>}. Prefix indexes are skipped. */
        List<String> createIndex(TableId table, String name, boolean unique, String parenthesizedColumns) {
            List<String> columns = new ArrayList<>();
            String inner = parenthesizedColumns.trim();
            for (String part : Sql.splitTopLevel(inner.substring(1, inner.lastIndexOf(')')))) {
                Matcher c = Pattern.compile("(?is)^\\s*" + NAME + "\\s*(\\(\\s*\\d+\\s*\\))?\\s*(ASC|DESC)?\\s*$").matcher(part);
                if (!c.matches()) {
                    throw unsupported(change, "index part '" + part.trim() + "' is not a plain column");
                }
                if (c.group(2) != null) {
                    return List.of(); // prefix index: see docs/type-mapping.md
                }
                columns.add(Sql.unquote(c.group(1)));
            }
            return List.of("CREATE " + (unique ? "UNIQUE " : "") + "INDEX IF NOT EXISTS "
                    + Quoting.quote(POSTGRESQL, Quoting.pgName(table.table() + "_" + name)) + " ON "
                    + Quoting.table(POSTGRESQL, table) + " (" + Quoting.columns(POSTGRESQL, columns) + ")");
        }

        String dropIndex(TableId table, String name) {
            return "DROP INDEX IF EXISTS " + Quoting.quote(POSTGRESQL, table.schema()) + "."
                    + Quoting.quote(POSTGRESQL, Quoting.pgName(table.table() + "_" + name));
        }
    }
}
