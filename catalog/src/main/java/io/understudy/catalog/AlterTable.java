package io.understudy.catalog;

import static io.understudy.config.DatabaseKind.POSTGRESQL;

import io.understudy.model.SchemaChange;
import io.understudy.model.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates the clauses of one MySQL {@code ALTER TABLE} for PostgreSQL; see {@link PostgresSchemaChange}.
 * Column types and nullability come from the structure after the statement, names from the text.
 * Not thread-safe (one per statement).
 */
final class AlterTable {
    private static final String NAME = "(`(?:[^`]|``)+`|\"[^\"]+\"|[\\w$]+)";
    private static final String QNAME = NAME + "(?:\\s*\\.\\s*" + NAME + ")?";
    private static final String INDEX_WORD = "(?:INDEX|KEY)";
    private static final Pattern ADD_COLUMN = Pattern.compile("(?is)^ADD\\s+(?:COLUMN\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?"
            + "(?!(?:INDEX|KEY|UNIQUE|PRIMARY|FOREIGN|CONSTRAINT|FULLTEXT|SPATIAL|CHECK|PARTITION|PERIOD|SYSTEM)\\b)" + NAME + "\\s+.*$");
    private static final Pattern ADD_INDEX = Pattern.compile("(?is)^ADD\\s+(?:CONSTRAINT\\s+(?:" + NAME + "\\s+)?(?=UNIQUE))?"
            + "(UNIQUE\\s+(?:" + INDEX_WORD + "\\s+)?|" + INDEX_WORD + "\\s+)(?:IF\\s+NOT\\s+EXISTS\\s+)?(?:" + NAME + "\\s*)?"
            + "(?:USING\\s+\\w+\\s*)?(\\(.*\\))[^)]*$");
    private static final Pattern ADD_FOREIGN_KEY = Pattern.compile("(?is)^ADD\\s+(?:CONSTRAINT\\s+(?:" + NAME + "\\s+)?)?FOREIGN\\s+KEY"
            + "\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(?:" + NAME + "\\s*)?(\\([^)]*\\))\\s*REFERENCES\\b.*$");
    private static final Pattern DROP_FOREIGN_KEY = Pattern.compile("(?is)^DROP\\s+FOREIGN\\s+KEY\\s+(?:IF\\s+EXISTS\\s+)?" + NAME + "\\s*$");
    private static final Pattern ADD_TEXT_INDEX = Pattern.compile("(?is)^ADD\\s+(FULLTEXT|SPATIAL)\\b.*$");
    private static final Pattern DROP_INDEX = Pattern.compile("(?is)^DROP\\s+" + INDEX_WORD + "\\s+(?:IF\\s+EXISTS\\s+)?" + NAME + "\\s*$");
    private static final Pattern DROP_COLUMN = Pattern.compile("(?is)^DROP\\s+(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?"
            + "(?!(?:INDEX|KEY|PRIMARY|FOREIGN|CONSTRAINT|CHECK|PARTITION|PERIOD|SYSTEM)\\b)" + NAME + "\\s*(?:CASCADE|RESTRICT)?\\s*$");
    private static final Pattern RENAME_COLUMN = Pattern.compile("(?is)^RENAME\\s+COLUMN\\s+" + NAME + "\\s+TO\\s+" + NAME + "\\s*$");
    private static final Pattern RENAME_INDEX = Pattern.compile("(?is)^RENAME\\s+" + INDEX_WORD + "\\s+" + NAME + "\\s+TO\\s+" + NAME + "\\s*$");
    private static final Pattern RENAME_TABLE = Pattern.compile("(?is)^RENAME\\s+(?:TO\\s+|AS\\s+)?" + QNAME + "\\s*$");
    private static final Pattern CHANGE = Pattern.compile("(?is)^CHANGE\\s+(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?" + NAME + "\\s+" + NAME + "\\s+.*$");
    private static final Pattern MODIFY = Pattern.compile("(?is)^MODIFY\\s+(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?" + NAME + "\\s+.*$");
    private static final Pattern ALTER_DEFAULT = Pattern.compile("(?is)^ALTER\\s+(?:COLUMN\\s+)?" + NAME + "\\s+(SET\\s+DEFAULT|DROP\\s+DEFAULT)\\b.*$");
    private static final Pattern OPTION = Pattern.compile("(?is)^(ENGINE|DEFAULT\\s+CHARSET|DEFAULT\\s+CHARACTER|CHARSET|CHARACTER\\s+SET"
            + "|DEFAULT\\s+COLLATE|COLLATE|COMMENT|AUTO_INCREMENT|ROW_FORMAT|ALGORITHM|LOCK|FORCE|CONVERT\\s+TO|KEY_BLOCK_SIZE"
            + "|STATS_\\w+|PACK_KEYS|CHECKSUM|DELAY_KEY_WRITE)\\b.*$");

    private final PostgresSchemaChange.Context ctx;
    private TableId table;
    private final List<String> columns;
    private final List<String> out = new ArrayList<>();

    AlterTable(PostgresSchemaChange.Context ctx, TableId table) {
        this.ctx = ctx;
        this.table = table;
        this.columns = new ArrayList<>(ctx.followerColumns().apply(table));
    }

    List<String> translate(String clauses) {
        for (String clause : Sql.splitTopLevel(clauses)) {
            if (!clause.isBlank()) {
                clause(clause.trim());
            }
        }
        return out;
    }

    private void clause(String clause) {
        Matcher m;
        if ((m = ADD_TEXT_INDEX.matcher(clause)).matches() || OPTION.matcher(clause).matches()) {
            return; // no PostgreSQL counterpart that matters to a follower
        }
        if ((m = ADD_FOREIGN_KEY.matcher(clause)).matches()) {
            // The follower checks no keys; Understudy replays the leader's cascades from the leader's own keys. What
            // the follower needs is the index InnoDB creates for the key, which the replay looks child rows up by.
            String name = m.group(2) != null ? Sql.unquote(m.group(2))
                    : m.group(1) != null ? Sql.unquote(m.group(1)) : firstColumn(m.group(3));
            out.addAll(ctx.createIndex(table, name, false, m.group(3)));
        } else if ((m = DROP_FOREIGN_KEY.matcher(clause)).matches()) {
            // a key `snapshot --foreign-keys` added; InnoDB keeps the key's index, and so does the follower
            out.add(alter() + " DROP CONSTRAINT IF EXISTS " + q(Sql.unquote(m.group(1))));
        } else if ((m = ADD_INDEX.matcher(clause)).matches()) {
            String name = m.group(3) != null ? Sql.unquote(m.group(3))
                    : m.group(1) != null ? Sql.unquote(m.group(1)) : firstColumn(m.group(4));
            out.addAll(ctx.createIndex(table, name, m.group(2).trim().toUpperCase().startsWith("UNIQUE"), m.group(4)));
        } else if ((m = ADD_COLUMN.matcher(clause)).matches()) {
            addColumn(Sql.unquote(m.group(1)));
        } else if ((m = DROP_INDEX.matcher(clause)).matches()) {
            out.add(ctx.dropIndex(table, Sql.unquote(m.group(1))));
        } else if ((m = DROP_COLUMN.matcher(clause)).matches()) {
            out.add(alter() + " DROP COLUMN IF EXISTS " + q(Sql.unquote(m.group(1))));
            columns.remove(Sql.unquote(m.group(1)));
        } else if ((m = RENAME_COLUMN.matcher(clause)).matches()) {
            renameColumn(Sql.unquote(m.group(1)), Sql.unquote(m.group(2)));
        } else if ((m = RENAME_INDEX.matcher(clause)).matches()) {
            out.add("ALTER INDEX IF EXISTS " + q(table.schema()) + "." + q(Quoting.pgName(table.table() + "_" + Sql.unquote(m.group(1))))
                    + " RENAME TO " + q(Quoting.pgName(table.table() + "_" + Sql.unquote(m.group(2)))));
        } else if ((m = CHANGE.matcher(clause)).matches()) {
            String to = Sql.unquote(m.group(2));
            renameColumn(Sql.unquote(m.group(1)), to);
            retype(to);
        } else if ((m = MODIFY.matcher(clause)).matches()) {
            retype(Sql.unquote(m.group(1)));
        } else if ((m = ALTER_DEFAULT.matcher(clause)).matches()) {
            alterDefault(Sql.unquote(m.group(1)), m.group(2).toUpperCase().startsWith("DROP"));
        } else if ((m = RENAME_TABLE.matcher(clause)).matches()) {
            TableId to = ctx.table(m, 1);
            out.addAll(ctx.renameTable(table, to));
            table = to;
        } else {
            throw PostgresSchemaChange.unsupported(ctx.change(), "the clause '" + abbreviate(clause) + "' is not translated");
        }
    }

    private void addColumn(String name) {
        SchemaChange.ColumnSpec spec = spec(name);
        out.add(alter() + " ADD COLUMN IF NOT EXISTS " + LeaderColumns.definition(table, spec));
        if (!columns.contains(name)) {
            columns.add(name);
            if (!spec.nullable() && spec.defaultValue() == null) {
                out.add(alter() + " ALTER COLUMN " + q(name) + " DROP DEFAULT"); // the implicit default filled old rows only
            }
        }
    }

    private void renameColumn(String from, String to) {
        if (!from.equals(to) && columns.contains(from) && !columns.contains(to)) {
            out.add(alter() + " RENAME COLUMN " + q(from) + " TO " + q(to));
            columns.set(columns.indexOf(from), to);
        }
    }

    private void retype(String name) {
        SchemaChange.ColumnSpec spec = spec(name);
        String type = LeaderColumns.type(table, spec);
        out.add(alter() + " ALTER COLUMN " + q(name) + " TYPE " + type + " USING " + q(name) + "::" + type);
        out.add(alter() + " ALTER COLUMN " + q(name) + (spec.nullable() ? " DROP NOT NULL" : " SET NOT NULL"));
    }

    private void alterDefault(String name, boolean drop) {
        if (drop) {
            out.add(alter() + " ALTER COLUMN " + q(name) + " DROP DEFAULT");
            return;
        }
        String definition = LeaderColumns.definition(table, spec(name));
        int at = definition.indexOf(" DEFAULT ");
        out.add(alter() + " ALTER COLUMN " + q(name) + (at < 0 ? " DROP DEFAULT" : " SET DEFAULT " + definition.substring(at + 9)));
    }

    private SchemaChange.ColumnSpec spec(String column) {
        return ctx.change().tables().stream().flatMap(t -> t.columns().stream()).filter(c -> c.name().equalsIgnoreCase(column))
                .findFirst().orElseThrow(() -> PostgresSchemaChange.unsupported(ctx.change(),
                        "the leader's new structure of " + table + " has no column " + column));
    }

    private String firstColumn(String parenthesized) {
        String inner = parenthesized.trim().substring(1);
        return Sql.unquote(inner.split("[,()\\s]")[0]);
    }

    private String alter() {
        return "ALTER TABLE " + Quoting.table(POSTGRESQL, table);
    }

    private static String q(String name) {
        return Quoting.quote(POSTGRESQL, name);
    }

    private static String abbreviate(String s) {
        String flat = s.replaceAll("\\s+", " ");
        return flat.length() <= 120 ? flat : flat.substring(0, 120) + "...";
    }
}
