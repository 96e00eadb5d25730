package io.understudy.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One row image: column names in table order and their values. Values are plain Java objects:
 * {@code null}, {@link Long}, {@link java.math.BigInteger} (unsigned BIGINT), {@link java.math.BigDecimal},
 * {@link Double}, {@link Float}, {@link Boolean}, {@link String} (also ENUM and SET), {@code byte[]},
 * {@link java.time.LocalDate}, {@link java.time.LocalDateTime} (DATETIME), {@link java.time.Instant}
 * (TIMESTAMP), {@link java.time.Duration} (TIME, may be negative or exceed a day), {@link Json},
 * {@link Bits} and {@link Geometry}. Immutable; thread-safe as long as callers do not mutate byte arrays.
 */
public record Row(List<String> columns, List<Object> values) {
    public Row {
        Objects.requireNonNull(columns, "columns");
        Objects.requireNonNull(values, "values");
        if (columns.size() != values.size()) {
            throw new IllegalArgumentException("row has " + columns.size() + " columns but " + values.size() + " values");
        }
        columns = List.copyOf(columns);
        values = Collections.unmodifiableList(new ArrayList<>(values)); // values may be null
    }

    /** Builds a row from an insertion-ordered map. */
    public static Row of(Map<String, ?> map) {
        return new Row(new ArrayList<>(map.keySet()), new ArrayList<>(map.values()));
    }

    public Object get(String column) {
        int i = columns.indexOf(column);
        if (i < 0) {
            throw new IllegalArgumentException("no column '" + column + "' in row " + columns);
        }
        return values.get(i);
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            m.put(columns.get(i), values.get(i));
        }
        return m;
    }
}
