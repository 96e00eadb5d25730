package io.understudy.catalog;

import io.understudy.model.TableId;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One foreign key of the leader: {@code child(columns)} references {@code parent(referenced)}, column by column, with
 * the rules that say what happens to child rows when a referenced parent row is deleted or its referenced columns
 * change. Immutable and thread-safe.
 *
 * @param name       the constraint name
 * @param child      the referencing table
 * @param columns    the referencing columns, in key order
 * @param parent     the referenced table
 * @param referenced the referenced columns, matching {@code columns} one by one
 * @param onDelete   what a parent delete does to child rows
 * @param onUpdate   what a change of the referenced parent columns does to child rows
 */
public record ForeignKey(String name, TableId child, List<String> columns, TableId parent, List<String> referenced,
                         Rule onDelete, Rule onUpdate) {
    public ForeignKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(child, "child");
        Objects.requireNonNull(parent, "parent");
        columns = List.copyOf(columns);
        referenced = List.copyOf(referenced);
        Objects.requireNonNull(onDelete, "onDelete");
        Objects.requireNonNull(onUpdate, "onUpdate");
        if (columns.isEmpty() || columns.size() != referenced.size()) {
            throw new IllegalArgumentException("foreign key " + name + " has " + columns.size() + " columns referencing "
                    + referenced.size());
        }
    }

    /** A referential action, as the leader's DDL spells it ({@code SET NULL} is {@link #SET_NULL}). */
    public enum Rule {
        RESTRICT, CASCADE, SET_NULL, NO_ACTION, SET_DEFAULT;

        /** The rule spelled {@code sql} ({@code "SET NULL"}, {@code "cascade"}, ...). */
        public static Rule parse(String sql) {
            return valueOf(sql.trim().toUpperCase(Locale.ROOT).replace(' ', '_'));
        }

        /** Whether the rule changes child rows by itself (CASCADE, SET NULL); the others only refuse. */
        public boolean changesChildren() {
            return this == CASCADE || this == SET_NULL;
        }

        /** The rule as SQL spells it: {@code SET NULL}. */
        public String sql() {
            return name().replace('_', ' ');
        }
    }

    /** Whether either rule changes child rows. */
    public boolean cascades() {
        return onDelete.changesChildren() || onUpdate.changesChildren();
    }

    /** {@code sakila.payment.fk_payment_rental (rental_id) -> sakila.rental (rental_id) ON DELETE SET NULL ON UPDATE CASCADE}. */
    public String describe() {
        return child + "." + name + " (" + String.join(", ", columns) + ") -> " + parent + " ("
                + String.join(", ", referenced) + ") ON DELETE " + onDelete.sql() + " ON UPDATE " + onUpdate.sql();
    }
}
