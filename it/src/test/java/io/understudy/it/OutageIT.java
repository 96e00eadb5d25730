package io.understudy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.cli.daemon.Daemon;
import io.understudy.cli.daemon.FollowerState;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A follower server goes down mid-load: the other follower never stalls; the first catches up when back. */
class OutageIT extends ClusterTest {

    @Test
    void followerOutageDoesNotBlockTheOtherAndCatchesUp() throws Exception {
        cluster.leader.execute(null, "CREATE DATABASE outage", TypesWorkload.DDL.formatted("outage"));
        cluster.createFollowerTables("outage.*");
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (Daemon daemon = new Daemon(cluster.config(List.of("outage.*")), Clock.systemUTC())) {
            daemon.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> daemon.states().stream()
                    .allMatch(s -> s.phase() == FollowerState.Phase.STREAMING && !s.position().isEmpty()));
            Thread load = new Thread(() -> {
                try (Connection c = cluster.leader.connect(null)) {
                    TypesWorkload w = new TypesWorkload(c, "outage", 3);
                    while (loading.get()) {
                        w.step();
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            load.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> state(daemon, "pg").transactions() > 50);

            cluster.postgres.stop();
            await().atMost(Duration.ofSeconds(60)).until(() -> state(daemon, "pg").phase() == FollowerState.Phase.RETRYING);
            long mariaBefore = state(daemon, "maria").transactions();
            await().atMost(Duration.ofSeconds(60)).until(() -> state(daemon, "maria").transactions() > mariaBefore + 100);
            assertThat(state(daemon, "pg").phase()).isEqualTo(FollowerState.Phase.RETRYING);

            cluster.postgres.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> state(daemon, "maria").transactions() > mariaBefore + 200);
            loading.set(false);
            load.join();
            assertThat(failure.get()).isNull();
            cluster.assertFollowersEqual(Duration.ofSeconds(120), "outage.*");
            assertThat(state(daemon, "pg").phase()).isEqualTo(FollowerState.Phase.STREAMING);
        }
    }

    private static FollowerState state(Daemon daemon, String name) {
        return daemon.states().stream().filter(s -> s.follower().equals(name)).findFirst().orElseThrow();
    }
}
