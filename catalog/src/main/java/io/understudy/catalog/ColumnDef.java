package io.understudy.catalog;

import java.util.Locale;
import java.util.Objects;

/**
 * One column of a leader table, as read from {@code information_schema.COLUMNS}. Immutable and thread-safe.
 *
 * @param name             column name, as on the leader
 * @param dataType         lower-case base type ({@code int}, {@code varchar}, {@code decimal}, {@code enum}, ...);
 *                         {@code json} also for MariaDB's JSON alias (a {@code longtext} with a {@code json_valid} check)
 * @param columnType       the full type as the leader prints it ({@code int(10) unsigned}, {@code enum('a','b')})
 * @param nullable         whether NULL is allowed
 * @param charMaxLength    length in characters for character types (bytes for binary types), else null
 * @param numericPrecision precision for numeric types, else null
 * @param numericScale     scale for exact numeric types, else null
 * @param datetimePrecision fractional-second digits for time/datetime/timestamp, else null
 * @param defaultValue     the default as an SQL expression in MariaDB's form: string literals quoted
 *                         ({@code 'abc'}), numbers bare, functions as text ({@code current_timestamp()});
 *                         null when the column has no default or DEFAULT NULL
 * @param autoIncrement    whether the column is AUTO_INCREMENT on the leader
 */
public record ColumnDef(String name, String dataType, String columnType, boolean nullable, Long charMaxLength,
                        Integer numericPrecision, Integer numericScale, Integer datetimePrecision,
                        String defaultValue, boolean autoIncrement) {
    public ColumnDef {
        Objects.requireNonNull(name, "name");
        dataType = Objects.requireNonNull(dataType, "dataType").toLowerCase(Locale.ROOT);
        columnType = Objects.requireNonNull(columnType, "columnType");
    }

    /** Whether the leader type is declared UNSIGNED. */
    public boolean unsigned() {
        return columnType.toLowerCase(Locale.ROOT).contains("unsigned");
    }
}
