package io.understudy.catalog;

import io.understudy.model.TableId;
import java.util.List;
import java.util.Objects;

/**
 * A follower table's DDL split for a bulk load: {@code create} makes the table with its primary key (and the
 * FULLTEXT/SPATIAL indexes of MySQL-family followers, which stay where the leader declared them), and
 * {@code indexes} are its unique and secondary B-tree indexes, to add once the rows are copied
 * ({@link FollowerSchema#addIndexes}). Running {@code create} and then {@code indexes} gives the same table
 * as {@link FollowerSchema#create}. Immutable and thread-safe.
 */
public record BulkLoadDdl(TableId table, List<String> create, List<DeferredIndex> indexes) {
    public BulkLoadDdl {
        Objects.requireNonNull(table, "table");
        create = List.copyOf(create);
        indexes = List.copyOf(indexes);
    }
}
