package io.understudy.connector;

import io.understudy.config.TableFilter;
import io.understudy.model.Position;
import io.understudy.model.SchemaChange;
import io.understudy.model.TableId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Struct;

/**
 * Converts Debezium's schema change record (statement plus {@code tableChanges[].table}, the structure after
 * the statement) into a {@link SchemaChange}. Stateless and thread-safe.
 */
final class SchemaChanges {
    private static final Pattern TABLE_ID = Pattern.compile("\"([^\"]+)\"\\.\"([^\"]+)\"");

    private SchemaChanges() {
    }

    /** The tables a schema change record names, replicated or not. */
    static List<TableId> tables(Struct value) {
        List<TableId> tables = new ArrayList<>();
        for (Struct change : changes(value)) {
            parseId(change.getString("id")).ifPresent(tables::add);
        }
        return tables;
    }

    /** The change restricted to the tables {@code filter} includes. */
    static SchemaChange convert(Struct value, TableFilter filter, String id, Position after) {
        List<SchemaChange.TableStructure> tables = new ArrayList<>();
        for (Struct change : changes(value)) {
            var table = parseId(change.getString("id"));
            if (table.isPresent() && filter.includes(table.get())) {
                tables.add(structure(change, table.get()));
            }
        }
        String database = value.schema().field("databaseName") == null ? "" : value.getString("databaseName");
        Struct source = value.getStruct("source");
        Instant time = Instant.ofEpochMilli(source.getInt64("ts_ms"));
        return new SchemaChange(id == null ? after.describe() : id, value.getString("ddl"), database, tables, after, time);
    }

    private static SchemaChange.TableStructure structure(Struct change, TableId id) {
        SchemaChange.Kind kind = SchemaChange.Kind.valueOf(change.getString("type").toUpperCase(Locale.ROOT));
        Struct table = change.schema().field("table") == null ? null : change.getStruct("table");
        if (kind == SchemaChange.Kind.DROP || table == null) {
            return new SchemaChange.TableStructure(kind, id, List.of(), List.of());
        }
        List<SchemaChange.ColumnSpec> columns = new ArrayList<>();
        for (Object o : Objects.requireNonNullElse(table.<Object>getArray("columns"), List.of())) {
            columns.add(column((Struct) o));
        }
        List<String> key = new ArrayList<>();
        for (Object o : Objects.requireNonNullElse(table.<Object>getArray("primaryKeyColumnNames"), List.of())) {
            key.add(o.toString());
        }
        return new SchemaChange.TableStructure(kind, id, columns, key);
    }

    private static SchemaChange.ColumnSpec column(Struct c) {
        return new SchemaChange.ColumnSpec(c.getString("name"), c.getString("typeName").toUpperCase(Locale.ROOT),
                c.getInt32("length"), c.getInt32("scale"), Boolean.TRUE.equals(c.getBoolean("optional")),
                optionalString(c, "defaultValueExpression"), Boolean.TRUE.equals(c.getBoolean("autoIncremented")));
    }

    private static String optionalString(Struct s, String field) {
        return s.schema().field(field) == null ? null : s.getString(field);
    }

    private static List<Struct> changes(Struct value) {
        if (value.schema().field("tableChanges") == null || value.getArray("tableChanges") == null) {
            return List.of();
        }
        return value.<Object>getArray("tableChanges").stream().map(Struct.class::cast).toList();
    }

    private static java.util.Optional<TableId> parseId(String id) {
        Matcher m = TABLE_ID.matcher(id == null ? "" : id);
        return m.find() ? java.util.Optional.of(new TableId(m.group(1), m.group(2))) : java.util.Optional.empty();
    }
}
