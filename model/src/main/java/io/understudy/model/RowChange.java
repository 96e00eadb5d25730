package io.understudy.model;

import java.util.List;
import java.util.Objects;

/**
 * One row change inside a leader transaction. {@code before} is set for UPDATE and DELETE, {@code after}
 * for INSERT and UPDATE; both are full row images. {@code keyColumns} names the columns that identify
 * the row (the primary key or configured key columns); it is empty only for TRUNCATE.
 */
public record RowChange(TableId table, Op op, Row before, Row after, List<String> keyColumns) {
    public RowChange {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(op, "op");
        keyColumns = List.copyOf(keyColumns);
        switch (op) {
            case INSERT -> require(after != null && before == null, "INSERT needs an after image only");
            case UPDATE -> require(after != null && before != null, "UPDATE needs before and after images");
            case DELETE -> require(before != null && after == null, "DELETE needs a before image only");
            case TRUNCATE -> require(before == null && after == null, "TRUNCATE carries no rows");
        }
        if (op != Op.TRUNCATE && keyColumns.isEmpty()) {
            throw new IllegalArgumentException("row change on " + table + " has no key columns");
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static RowChange truncate(TableId table) {
        return new RowChange(table, Op.TRUNCATE, null, null, List.of());
    }

    /** The image that identifies the row on the follower before this change: before for UPDATE/DELETE. */
    public Row identity() {
        return before != null ? before : after;
    }

    /** Key values of the given image, in {@link #keyColumns} order. */
    public List<Object> key(Row image) {
        return keyColumns.stream().map(image::get).toList();
    }

    /** True for an UPDATE whose key values differ between before and after. */
    public boolean changesKey() {
        return op == Op.UPDATE && !KeyValues.equal(key(before), key(after));
    }
}
