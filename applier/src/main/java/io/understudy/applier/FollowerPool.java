package io.understudy.applier;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.understudy.config.Endpoint;
import io.understudy.model.ReplicationException;
import io.understudy.model.RetriableException;

/** Builds the small HikariCP pool (autoCommit off) for one follower and turns start-up failures into clear errors. */
final class FollowerPool {
    private static final long CONNECTION_TIMEOUT_MS = 10_000;

    private FollowerPool() {
    }

    static HikariDataSource open(FollowerRef where, Endpoint endpoint, Dialect dialect) {
        return open(where, endpoint, dialect, 2);
    }

    static HikariDataSource open(FollowerRef where, Endpoint endpoint, Dialect dialect, int size) {
        return open(where, endpoint, dialect, size, false);
    }

    /** @param metrics whether the pool reports to {@link PoolMetrics}' registry (the applier's own pool only) */
    static HikariDataSource open(FollowerRef where, Endpoint endpoint, Dialect dialect, int size, boolean metrics) {
        HikariConfig config = new HikariConfig();
        if (metrics && PoolMetrics.registry() != null) {
            config.setMetricRegistry(PoolMetrics.registry());
        }
        config.setPoolName("understudy-" + where.name());
        config.setJdbcUrl(endpoint.url());
        config.setUsername(endpoint.user());
        config.setPassword(endpoint.password().reveal());
        config.setAutoCommit(false);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        if (dialect.connectionInitSql() != null) {
            config.setConnectionInitSql(dialect.connectionInitSql());
        }
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw startFailure(where, endpoint, e);
        }
    }

    private static ReplicationException startFailure(FollowerRef where, Endpoint endpoint, RuntimeException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        if (Failures.isAuthentication(cause)) {
            return new ReplicationException(where + ": login refused: " + Failures.describe(cause)
                    + ". Check the user and password configured for this follower.", cause);
        }
        if (cause instanceof java.sql.SQLException sql && FollowerDatabases.isUnknownDatabase(sql)) {
            return new ReplicationException(where + ": " + FollowerDatabases.missingDatabase(where.name(), endpoint), cause);
        }
        if (Failures.isRetriable(cause)) {
            return new RetriableException(where + ": cannot connect to " + endpoint.host() + ":" + endpoint.port()
                    + " as " + endpoint.user() + ": " + Failures.describe(cause)
                    + ". Understudy retries; check that the follower is running and reachable.", cause);
        }
        return new ReplicationException(where + ": cannot open a connection to " + endpoint.host() + ":"
                + endpoint.port() + " as " + endpoint.user() + ": " + Failures.describe(cause)
                + ". Check the follower's URL and privileges.", cause);
    }
}
