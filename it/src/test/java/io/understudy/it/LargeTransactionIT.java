package io.understudy.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A one-million-row leader transaction replicates to both followers through a daemon whose heap is
 * capped at 256 MiB: the transaction is streamed, never held whole in memory.
 */
class LargeTransactionIT extends ClusterTest {

    @Test
    void millionRowTransactionReplicatesInBoundedHeap(@TempDir Path dir) throws Exception {
        cluster.leader.execute(null, "CREATE DATABASE big",
                "CREATE TABLE big.t (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, amount DECIMAL(12,2), created DATETIME(6))");
        cluster.createFollowerTables("big.*");
        Path config = dir.resolve("understudy.yaml");
        Files.writeString(config, cluster.yaml(List.of("big.*"), 0));
        Path log = dir.resolve("daemon.log");
        try (DaemonProcess daemon = DaemonProcess.start("256m", log, cluster.environment(), "run", "--config", config.toString())) {
            cluster.awaitPositionsStored(Duration.ofSeconds(60));
            cluster.leader.execute(null, "INSERT INTO big.t VALUES (0, 'first', 0, NOW(6))");
            cluster.assertFollowersEqual(Duration.ofSeconds(60), "big.*");
            long start = System.nanoTime();
            cluster.leader.execute("big", "INSERT INTO big.t SELECT seq, CONCAT('row-', seq), seq / 100, NOW(6) FROM seq_1_to_1000000");
            cluster.assertFollowersEqual(Duration.ofSeconds(600), "big.*");
            System.out.printf("1M-row transaction replicated to both followers in %.1f s (256 MiB heap)%n",
                    (System.nanoTime() - start) / 1e9);
            assertThat(daemon.isAlive()).isTrue();
            assertThat(daemon.output()).doesNotContain("OutOfMemoryError");
        }
    }
}
