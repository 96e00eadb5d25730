package io.understudy.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One real cluster (MariaDB leader, PostgreSQL and MariaDB followers) per test class; tests use their own schemas. */
abstract class ClusterTest {
    protected static Cluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = new Cluster();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }
}
