package io.understudy.catalog;

import io.understudy.model.TableId;
import java.util.Objects;

/**
 * A unique or secondary index of a follower table that a bulk load builds after the table's rows are in (a
 * sorted index build instead of one random B-tree insert per row). Immutable and thread-safe.
 *
 * @param table  the leader table the follower table stands for
 * @param name   the index name on the follower (PostgreSQL: shortened and prefixed with the table name)
 * @param unique whether it is a UNIQUE index
 * @param ddl    the one statement that adds it ({@code ALTER TABLE … ADD KEY …} or {@code CREATE INDEX …})
 */
public record DeferredIndex(TableId table, String name, boolean unique, String ddl) {
    public DeferredIndex {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ddl, "ddl");
    }
}
