package io.understudy.applier;

import io.understudy.catalog.ForeignKeyGraph;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where an applier reads the leader's cascading foreign keys, which it replays on the follower
 * ({@link io.understudy.catalog.ForeignKeys#toReplay}). The applier reads them when it opens and again after every
 * DDL statement it applies; {@code rereadEvery} also makes it read them again once they are that old, for sources that
 * deliver no DDL (trigger mode).
 *
 * @param read        reads the graph; may throw {@link io.understudy.model.RetriableException}
 * @param rereadEvery how old the graph may get, or null for "until the next DDL"
 */
public record CascadeSource(Supplier<ForeignKeyGraph> read, Duration rereadEvery) {
    /** For leaders that log or capture cascaded rows themselves, and for tests: nothing to replay. */
    public static final CascadeSource NONE = new CascadeSource(() -> ForeignKeyGraph.NONE, null);

    public CascadeSource {
        Objects.requireNonNull(read, "read");
    }
}
