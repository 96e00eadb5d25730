package io.understudy.applier;

import io.understudy.model.KeyValues;
import io.understudy.model.Op;
import io.understudy.model.Row;
import io.understudy.model.RowChange;
import io.understudy.model.TableId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What a group of leader transactions writes on the follower, for deciding whether two groups may be applied at
 * the same time: the key of every row image they touch, and whole tables where keys cannot decide. It
 * over-approximates, never under-approximates, so two groups that do not {@link #overlaps overlap} touch no
 * common follower row and collide on no unique index:
 * <ul>
 *   <li>a row change adds its table and the key of each image (before and after, so a key change covers both);</li>
 *   <li>a whole table is claimed for TRUNCATE, for tables with a unique index besides their key (two different
 *       keys could still collide on it), for text keys (the follower's collation may call different strings
 *       equal: case, accents, trailing spaces), and for every table a foreign-key cascade of the group can reach
 *       ({@link #claim}).</li>
 * </ul>
 * Immutable after building; not thread-safe while building.
 */
final class WriteSet {
    private record RowKey(TableId table, List<Object> values) {
    }

    private final Set<TableId> tables = new HashSet<>();
    private final Set<TableId> wholeTables = new HashSet<>();
    private final Set<RowKey> rows = new HashSet<>();

    /**
     * Adds {@code changes}.
     *
     * @param wholeTable tells which tables must be claimed as a whole (their follower table has a unique index
     *                   besides the key)
     */
    void add(List<RowChange> changes, Predicate<TableId> wholeTable) {
        for (RowChange c : changes) {
            TableId t = c.table();
            tables.add(t);
            if (wholeTables.contains(t)) {
                continue;
            }
            if (c.op() == Op.TRUNCATE || wholeTable.test(t)) {
                wholeTables.add(t);
                continue;
            }
            for (Row image : new Row[] {c.before(), c.after()}) {
                if (image != null && !addKey(t, c.key(image))) {
                    wholeTables.add(t);
                    break;
                }
            }
        }
    }

    /** Claims {@code table} as a whole: a foreign-key cascade may change any of its rows. */
    void claim(TableId table) {
        tables.add(table);
        wholeTables.add(table);
    }

    private boolean addKey(TableId table, List<Object> key) {
        for (Object v : key) {
            if (v instanceof String || v instanceof Character) {
                return false;
            }
        }
        rows.add(new RowKey(table, KeyValues.identity(key)));
        return true;
    }

    /** Whether applying both at once could touch the same follower row or unique index entry. */
    boolean overlaps(WriteSet other) {
        for (TableId t : wholeTables) {
            if (other.tables.contains(t)) {
                return true;
            }
        }
        for (TableId t : other.wholeTables) {
            if (tables.contains(t)) {
                return true;
            }
        }
        Set<RowKey> small = rows.size() <= other.rows.size() ? rows : other.rows;
        Set<RowKey> large = small == rows ? other.rows : rows;
        for (RowKey k : small) {
            if (large.contains(k)) {
                return true;
            }
        }
        return false;
    }
}
