package io.understudy.config;

import java.util.Objects;

/**
 * One follower. A leader table {@code s.t} lands in {@code s.t} on a MySQL/MariaDB follower and in schema
 * {@code s}, table {@code t} of the URL's database on a PostgreSQL follower.
 */
public record FollowerConfig(String name, Endpoint endpoint) {
    public FollowerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(endpoint, "endpoint");
    }
}
