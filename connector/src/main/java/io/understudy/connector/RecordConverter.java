package io.understudy.connector;

import io.understudy.model.Op;
import io.understudy.model.ReplicationException;
import io.understudy.model.Row;
import io.understudy.model.RowChange;
import io.understudy.model.TableId;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns one Debezium data change record into a {@link RowChange}. Immutable and thread-safe.
 */
final class RecordConverter {
    private final Map<TableId, List<String>> configuredKeys;
    /** Column names per Connect schema (one schema object per table version): not rebuilt for every row. */
    private final Map<Schema, List<String>> columnNames = new IdentityHashMap<>();

    RecordConverter(Map<TableId, List<String>> configuredKeys) {
        this.configuredKeys = Map.copyOf(configuredKeys);
    }

    /** The table a data record belongs to. */
    static TableId table(Struct value) {
        Struct source = value.getStruct("source");
        return new TableId(source.getString("db"), source.getString("table"));
    }

    RowChange convert(SourceRecord record, Struct value, Supplier<String> where) {
        TableId table = table(value);
        String op = value.getString("op");
        if ("t".equals(op)) {
            return RowChange.truncate(table);
        }
        List<String> keys = keyColumns(record, table);
        Row before = row(table, value.getStruct("before"), where);
        Row after = row(table, value.getStruct("after"), where);
        return switch (op) {
            case "c", "r" -> new RowChange(table, Op.INSERT, null, after, keys);
            case "u" -> new RowChange(table, Op.UPDATE, before, after, keys);
            case "d" -> new RowChange(table, Op.DELETE, before, null, keys);
            default -> throw new ReplicationException("unknown change operation '" + op + "' on " + table + " at " + where
                    + "; this Debezium version sends something Understudy does not know");
        };
    }

    private List<String> keyColumns(SourceRecord record, TableId table) {
        if (record.key() instanceof Struct key && !key.schema().fields().isEmpty()) {
            return columnNames.computeIfAbsent(key.schema(), schema -> schema.fields().stream().map(Field::name).toList());
        }
        List<String> configured = configuredKeys.get(table);
        if (configured == null || configured.isEmpty()) {
            throw new ReplicationException("table " + table + " has no primary key; add one or configure capture.keys: {"
                    + table + ": [cols]}");
        }
        return configured;
    }

    private Row row(TableId table, Struct image, Supplier<String> where) {
        if (image == null) {
            return null;
        }
        List<String> columns = columnNames.computeIfAbsent(image.schema(),
                schema -> schema.fields().stream().map(Field::name).toList());
        List<Object> values = new ArrayList<>(columns.size());
        for (Field field : image.schema().fields()) {
            try {
                values.add(ValueConverter.convert(field.schema(), image.get(field)));
            } catch (ValueConverter.UnsupportedValueException e) {
                throw new ReplicationException("column " + table + "." + field.name() + " at " + where.get() + ": " + e.getMessage()
                        + "; exclude the table (capture.exclude) or change the column type on the leader", e);
            } catch (RuntimeException e) {
                throw new ReplicationException("cannot convert column " + table + "." + field.name() + " (schema "
                        + field.schema().name() + ") at " + where.get() + ": " + e.getMessage()
                        + "; exclude the table (capture.exclude) or report this value", e);
            }
        }
        return new Row(columns, values);
    }
}
