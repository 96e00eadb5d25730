package io.understudy.it;

import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.understudy.cli.daemon.Daemon;
import io.understudy.cli.daemon.FollowerState;
import io.understudy.servers.Servers;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A MySQL 8.4 leader (MySQL connector) to both follower kinds. MySQL exists here only as a container,
 * so this test is skipped where no Docker engine answers.
 */
class MySqlLeaderIT {
    @Test
    void mysqlLeaderReplicatesEveryTypeToBothFollowerKinds() throws Exception {
        assumeThat(Servers.dockerAvailable()).as("a Docker engine for the MySQL 8.4 container").isTrue();
        try (Cluster cluster = new Cluster(Servers.mysql().orElseThrow())) {
            cluster.leader.execute(null, "CREATE DATABASE my", TypesWorkload.DDL.formatted("my"));
            cluster.createFollowerTables("my.*");
            try (Daemon daemon = new Daemon(cluster.config(List.of("my.*")), Clock.systemUTC())) {
                daemon.start();
                await().atMost(Duration.ofSeconds(120)).until(() -> daemon.states().stream()
                        .allMatch(s -> s.phase() == FollowerState.Phase.STREAMING && !s.position().isEmpty()));
                try (Connection c = cluster.leader.connect(null)) {
                    TypesWorkload w = new TypesWorkload(c, "my", 11);
                    for (int i = 0; i < 300; i++) {
                        w.step();
                    }
                }
                cluster.assertFollowersEqual(Duration.ofSeconds(120), "my.*");
            }
        }
    }
}
