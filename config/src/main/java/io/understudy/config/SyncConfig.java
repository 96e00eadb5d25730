package io.understudy.config;

import java.util.List;
import java.util.Objects;

/**
 * Which followers acknowledge a write for {@code GET /wait} when the request names none ({@code sync:} in the YAML;
 * docs/readers.md, "Acknowledgement"), like PostgreSQL's {@code synchronous_standby_names}.
 *
 * @param priority  FIRST: the first {@code count} followers of the list that are streaming must have applied it (when
 *                  one stops answering, the next in the list takes its place); ANY: any {@code count} of the list
 * @param count     how many, 1..list size
 * @param followers the followers considered, in priority order
 */
public record SyncConfig(boolean priority, int count, List<String> followers) {
    public SyncConfig {
        followers = List.copyOf(followers);
        if (count < 1 || count > followers.size()) {
            throw new IllegalArgumentException("sync count must be between 1 and " + followers.size() + ", not " + count);
        }
        Objects.requireNonNull(followers, "followers");
    }

    /** As written in the YAML and shown by status: {@code first 1 of [a, b]}. */
    public String describe() {
        return (priority ? "first " : "any ") + count + " of " + followers;
    }
}
