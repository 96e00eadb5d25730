package io.understudy.catalog;

import java.util.List;
import java.util.Objects;

/**
 * A unique or secondary index of a leader table (never the primary key). Immutable and thread-safe.
 *
 * @param name   index name on the leader
 * @param unique whether the index is UNIQUE
 * @param type   index type as the leader reports it: {@code BTREE}, {@code HASH}, {@code FULLTEXT}, {@code SPATIAL}
 * @param parts  indexed columns in index order
 */
public record IndexDef(String name, boolean unique, String type, List<Part> parts) {
    public IndexDef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        parts = List.copyOf(parts);
    }

    /** FULLTEXT and SPATIAL indexes have no counterpart on other engines. */
    public boolean fulltextOrSpatial() {
        return type.equalsIgnoreCase("FULLTEXT") || type.equalsIgnoreCase("SPATIAL");
    }

    /** Whether any column is indexed by a prefix only ({@code KEY (title(10))}). */
    public boolean hasPrefix() {
        return parts.stream().anyMatch(p -> p.prefixLength() != null);
    }

    /**
     * One indexed column.
     *
     * @param column       column name
     * @param prefixLength indexed prefix length, or null when the whole column is indexed
     */
    public record Part(String column, Integer prefixLength) {
        public Part {
            Objects.requireNonNull(column, "column");
        }
    }
}
