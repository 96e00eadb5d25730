package io.understudy.config;

import io.understudy.model.TableId;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to capture from the leader.
 *
 * @param mode       how to read changes
 * @param tables     include patterns, {@code schema.table} with {@code *} as a wildcard in either part
 * @param exclude    exclude patterns, same syntax; an excluded table is never replicated
 * @param keys       key columns for included tables that have no primary key
 * @param serverId   the binlog client's server id (unique among the leader's replicas), 1..2147483647; when the
 *                   file sets none, {@link ConfigLoader} derives 5400000 + CRC-32("leaderHost:leaderPort|sorted,
 *                   follower,names") mod 1000000 (documented in docs/configuration.md, shown in the effective config)
 *
 * <p>Immutable and thread-safe.
 */
public record CaptureConfig(CaptureMode mode, List<String> tables, List<String> exclude,
                            Map<TableId, List<String>> keys, int serverId) {
    public CaptureConfig {
        Objects.requireNonNull(mode, "mode");
        tables = List.copyOf(tables);
        exclude = List.copyOf(exclude);
        keys = Map.copyOf(keys);
    }

    public TableFilter filter() {
        return new TableFilter(tables, exclude);
    }
}
