package io.understudy.cli.daemon;

import io.understudy.applier.CascadeSource;
import io.understudy.catalog.ForeignKeys;
import io.understudy.config.CaptureConfig;
import io.understudy.config.CaptureMode;
import io.understudy.config.FollowerConfig;
import io.understudy.config.UnderstudyConfig;
import io.understudy.connector.BinlogChangeSource;
import io.understudy.model.ChangeSource;
import io.understudy.trigger.TriggerChangeSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication daemon: one pipeline per follower, each with its own reader of the leader (binlog or change
 * table), so that a follower that is down or slow never holds back the others (each resumes from the position stored
 * on itself). Thread-safe: {@link #start()} once, {@link #close()} from any thread.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    private final UnderstudyConfig config;
    private final Clock clock;
    private final List<FollowerPipeline> pipelines = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private HttpEndpoint http;
    private final AppliedPositions applied = new AppliedPositions();
    private LagProbe lag;
    private final LagHistory history = new LagHistory();

    private final Set<String> skipDdlAt;

    public Daemon(UnderstudyConfig config, Clock clock) {
        this(config, clock, Set.of());
    }

    /**
     * @param skipDdlAt positions (as printed in a refused-DDL message) of leader DDL that the operator has
     *                  applied on the followers by hand; replication continues right after them
     */
    public Daemon(UnderstudyConfig config, Clock clock, Set<String> skipDdlAt) {
        this.config = config;
        this.clock = clock;
        this.skipDdlAt = Set.copyOf(skipDdlAt);
    }

    /** Starts every follower pipeline and the HTTP endpoint (when configured). */
    public synchronized void start() {
        for (int i = 0; i < config.followers().size(); i++) {
            FollowerConfig follower = config.followers().get(i);
            FollowerPipeline pipeline = new FollowerPipeline(follower, sources(follower, i),
                    config.capture().mode() == CaptureMode.TRIGGER ? TriggerChangeSource::decode : BinlogChangeSource::decode,
                    cascades(), applied, clock, Duration.ofSeconds(30), skipDdlAt);
            Thread thread = new Thread(pipeline, "follower-" + follower.name());
            pipelines.add(pipeline);
            threads.add(thread);
        }
        lag = new LagProbe(leaderPosition(), clock, config.lag().heartbeatInterval(),
                () -> history.record(reports(), clock.instant()));
        lag.start();
        if (config.http().port() > 0) { // before the pipelines open their pools, which report to its registry
            http = HttpEndpoint.start(config.http(), this::reports, new Waits(applied, this::states, config.sync()), history);
        }
        threads.forEach(Thread::start);
        log.info("understudy running: leader {}, {} follower(s)", config.leader().describe(), pipelines.size());
    }

    /**
     * The leader's cascading foreign keys, which each applier replays where the leader does not log what they change.
     * Binlog mode delivers DDL, after which the applier reads them again; trigger mode delivers none, so they are read
     * again every 30 s (as often as the trigger source checks the capture definitions).
     */
    private CascadeSource cascades() {
        Duration every = config.capture().mode() == CaptureMode.TRIGGER ? Duration.ofSeconds(30) : null;
        return new CascadeSource(() -> ForeignKeys.toReplay(config.leader(), config.capture()), every);
    }

    /** Binlog mode: a binlog reader per follower; trigger mode: a change-table reader registered under its name. */
    private Supplier<ChangeSource> sources(FollowerConfig follower, int index) {
        if (config.capture().mode() == CaptureMode.TRIGGER) {
            return () -> new TriggerChangeSource(follower.name(), config.leader(), config.capture());
        }
        CaptureConfig capture = withServerId(config.capture(), index);
        return () -> new BinlogChangeSource("understudy-" + follower.name(), config.leader(), capture,
                follower.endpoint(), clock);
    }

    /**
     * Each pipeline is its own binlog client, and the leader drops a client whose server id is already
     * connected: follower i reads with capture.server-id + i.
     */
    private static CaptureConfig withServerId(CaptureConfig c, int index) {
        int id = (int) ((c.serverId() - 1L + index) % Integer.MAX_VALUE) + 1;
        return new CaptureConfig(c.mode(), c.tables(), c.exclude(), c.keys(), id);
    }

    public List<FollowerState> states() {
        return pipelines.stream().map(FollowerPipeline::state).toList();
    }

    /** Each follower's state and lag, for /health, /health/ready and /metrics. */
    public List<FollowerReport> reports() {
        List<FollowerReport> reports = new ArrayList<>();
        for (int i = 0; i < pipelines.size(); i++) {
            FollowerState state = pipelines.get(i).state();
            java.util.Optional<AppliedPositions.Applied> a = applied.get(state.follower());
            Lag l = a.isEmpty() || lag == null ? Lag.UNKNOWN : lag.lag(a.get().position(), a.get().leaderCommitTime());
            reports.add(FollowerReport.of(state, a, l, config.followers().get(i).maxLag()));
        }
        return reports;
    }

    /**
     * The leader's current position, read every lag.heartbeat-interval: in binlog mode SHOW MASTER STATUS and the
     * GTID position, at the time the query was sent; in trigger mode the newest tick when the followers' sources took
     * one within the interval (under load), at the time it was taken, else a fresh tick, which also makes every
     * follower's position move on an idle leader.
     */
    private java.util.function.Supplier<Lag.Reading> leaderPosition() {
        Duration interval = config.lag().heartbeatInterval();
        if (config.capture().mode() == CaptureMode.TRIGGER) {
            return () -> {
                java.time.Instant now = clock.instant();
                try (TriggerChangeSource source = new TriggerChangeSource("understudy-lag", config.leader(), config.capture())) {
                    var tick = source.recentTick(interval);
                    return new Lag.Reading(tick.getKey(), now.minus(tick.getValue()));
                }
            };
        }
        return () -> {
            java.time.Instant now = clock.instant();
            try (BinlogChangeSource source = new BinlogChangeSource("understudy-lag", config.leader(), config.capture(), clock)) {
                return new Lag.Reading(source.currentPosition(), now);
            }
        };
    }

    /** Port of the HTTP endpoint, or 0 when disabled. */
    public int httpPort() {
        return http == null ? 0 : http.port();
    }

    /** Waits until every pipeline has ended (stopped or failed). */
    public void awaitTermination() throws InterruptedException {
        for (Thread t : threads) {
            t.join();
        }
    }

    /** Stops all pipelines; in-flight transactions are rolled back on the followers and re-read on restart. */
    @Override
    public synchronized void close() {
        pipelines.forEach(FollowerPipeline::stop);
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (http != null) {
            http.close();
        }
        if (lag != null) {
            lag.close();
        }
        log.info("understudy stopped");
    }
}
