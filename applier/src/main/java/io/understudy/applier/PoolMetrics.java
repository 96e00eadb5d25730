package io.understudy.applier;

/**
 * Where the appliers' connection pools report HikariCP's meters (connections active, idle, pending, timeouts,
 * acquire and usage times, tagged {@code pool=understudy-<follower>}): a Micrometer {@code MeterRegistry}, set by the
 * daemon's HTTP endpoint, or none. Typed {@code Object} so that this module needs no Micrometer; HikariCP checks the
 * type. Thread-safe.
 */
public final class PoolMetrics {
    private static volatile Object registry;

    private PoolMetrics() {
    }

    /** Pools opened from now on report to {@code meterRegistry} (null: to none). */
    public static void reportTo(Object meterRegistry) {
        registry = meterRegistry;
    }

    static Object registry() {
        return registry;
    }
}
