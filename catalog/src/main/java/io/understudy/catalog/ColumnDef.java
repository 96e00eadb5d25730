package io.understudy.catalog;

import java.util.Locale;
import java.util.Objects;

/**
 * One column of a leader table. Immutable and thread-safe.
 *
 * <p>How the fields are spelled depends on the leader ({@link TableDef#source()}). For MySQL/MariaDB leaders they
 * are {@code information_schema.COLUMNS} as described below. For PostgreSQL leaders ({@link PostgresLeaderCatalog}):
 * <ul>
 *   <li>{@code dataType}: {@code format_type(type, NULL)} of the column's type, domains resolved to their base
 *       type: {@code smallint}, {@code integer}, {@code bigint}, {@code numeric}, {@code real},
 *       {@code double precision}, {@code boolean}, {@code text}, {@code character varying}, {@code character},
 *       {@code bytea}, {@code date}, {@code timestamp without time zone}, {@code timestamp with time zone},
 *       {@code time without time zone}, {@code json}, {@code jsonb}, {@code uuid}, {@code bit}, {@code integer[]},
 *       ...; {@code enum} for every enum type; {@code user-defined} for any other type outside {@code pg_catalog}
 *       (composites, extension types, ranges over them);</li>
 *   <li>{@code columnType}: {@code format_type(type, typmod)} of that (base) type, for example
 *       {@code numeric(10,2)}, {@code character varying(20)}, {@code timestamp(3) with time zone}; the type's own
 *       name for enums ({@code shop.mood});</li>
 *   <li>{@code charMaxLength}: n of {@code character varying(n)} and {@code character(n)}; null when unbounded;</li>
 *   <li>{@code numericPrecision}/{@code numericScale}: p and s of {@code numeric(p,s)} (s may be negative or larger
 *       than p), null for unconstrained {@code numeric}; {@code numericPrecision} is also n of {@code bit(n)};</li>
 *   <li>{@code datetimePrecision}: fractional digits of time and timestamp types (6 when not declared);</li>
 *   <li>{@code defaultValue}: {@code pg_get_expr} of the default ({@code 'a'::text}, {@code nextval(...)});
 *       null for identity and generated columns;</li>
 *   <li>{@code autoIncrement}: an identity column or a {@code nextval(...)} default (serial).</li>
 * </ul>
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
