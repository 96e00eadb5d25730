package io.understudy.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the daemon measures replication lag ({@code lag:} in the YAML; docs/readers.md).
 *
 * @param heartbeatInterval how often the daemon reads the leader's current position (binlog mode) or takes a tick
 *                          (trigger mode) to measure each follower against; lag in seconds is exact to about this
 */
public record LagConfig(Duration heartbeatInterval) {
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);

    public LagConfig {
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        if (heartbeatInterval.toMillis() < 100 || heartbeatInterval.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("heartbeat-interval must be between 100ms and 10m, not " + heartbeatInterval);
        }
    }

    public static LagConfig defaults() {
        return new LagConfig(DEFAULT_HEARTBEAT_INTERVAL);
    }
}
