package io.understudy.cli;

import io.understudy.config.CaptureMode;
import io.understudy.config.FollowerConfig;
import io.understudy.config.UnderstudyConfig;
import io.understudy.connector.BinlogChangeSource;
import io.understudy.model.Position;
import io.understudy.model.TickPosition;
import io.understudy.model.Token;
import io.understudy.cli.daemon.Lag;
import io.understudy.trigger.TriggerChangeSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code understudy status}: each follower's stored position (read from its {@code understudy.applied_position}
 * table, the single source of truth) next to the leader's current binlog position. Read-only.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show each follower's stored position, last applied leader commit, and how far it is behind the leader's current position (binlog bytes, or ticks in trigger mode). Read-only.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Spec
    CommandSpec spec;

    /**
     * One follower's status. behind is how far the stored position lies behind the leader's: bytes of the same binlog
     * file (binlog mode; 0 when the follower has every transaction of the leader's position) or ticks (trigger mode);
     * -1 when unknown (different binlog files or no position). transactionsBehind counts GTIDs, -1 when unknown;
     * lagSeconds bounds how old the newest leader write is that the follower may lack (docs/readers.md), null if unknown.
     */
    record FollowerStatus(String follower, boolean reachable, String position, String token, Instant lastLeaderCommit,
                          Instant appliedAt, long transactions, long behind, long transactionsBehind, Double lagSeconds,
                          String error) {
    }

    /** The whole report. */
    record Status(String leaderPosition, String sync, List<FollowerStatus> followers) {
    }

    @Override
    public Integer call() throws Exception {
        UnderstudyConfig cfg = config.load();
        Position leader;
        Instant readAt = Instant.now();
        boolean trigger = cfg.capture().mode() == CaptureMode.TRIGGER;
        if (trigger) {
            try (TriggerChangeSource source = new TriggerChangeSource("understudy-status", cfg.leader(), cfg.capture())) {
                leader = source.lastTick();
            }
        } else {
            try (BinlogChangeSource source = new BinlogChangeSource("understudy-status", cfg.leader(), cfg.capture(), Clock.systemUTC())) {
                leader = source.currentPosition();
            }
        }
        List<FollowerStatus> followers = new ArrayList<>();
        for (FollowerConfig f : cfg.followers()) {
            followers.add(read(f, new Lag.Reading(leader, readAt), trigger ? TriggerChangeSource::decode : BinlogChangeSource::decode));
        }
        Status status = new Status(leader.describe(), cfg.sync().map(io.understudy.config.SyncConfig::describe).orElse(null),
                followers);
        print(status);
        return followers.stream().allMatch(FollowerStatus::reachable) ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private void print(Status status) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JsonOutput.of(status));
        } else {
            out.println("leader position: " + status.leaderPosition());
            if (status.sync() != null) {
                out.println("acknowledgement (sync): " + status.sync());
            }
            boolean ticks = status.leaderPosition().startsWith("tick");
            TextTable t = ticks ? new TextTable("FOLLOWER", "POSITION", "LAG", "TICKS BEHIND", "LAST LEADER COMMIT",
                    "APPLIED AT", "NOTE") : new TextTable("FOLLOWER", "POSITION", "LAG", "TX BEHIND", "BYTES BEHIND",
                    "LAST LEADER COMMIT", "APPLIED AT", "NOTE");
            for (FollowerStatus f : status.followers()) {
                String lag = f.lagSeconds() == null ? "?" : String.format(java.util.Locale.ROOT, "%.1fs", f.lagSeconds());
                if (ticks) {
                    t.row(f.follower(), f.position(), lag, f.behind() < 0 ? "?" : f.behind(), f.lastLeaderCommit(),
                            f.appliedAt(), f.error());
                } else {
                    t.row(f.follower(), f.position(), lag, f.transactionsBehind() < 0 ? "?" : f.transactionsBehind(),
                            f.behind() < 0 ? "?" : f.behind(), f.lastLeaderCommit(), f.appliedAt(), f.error());
                }
            }
            t.print(out);
        }
        out.flush();
    }

    private static FollowerStatus read(FollowerConfig f, Lag.Reading leader, Function<String, Position> decoder) {
        Properties props = new Properties();
        props.setProperty("user", f.endpoint().user());
        props.setProperty("password", f.endpoint().password().reveal());
        try (Connection c = DriverManager.getConnection(f.endpoint().url(), props);
             PreparedStatement ps = c.prepareStatement("SELECT encoded_position, description, leader_commit_time,"
                     + " applied_at, transactions FROM understudy.applied_position WHERE source = 'leader'");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return new FollowerStatus(f.name(), true, "", null, null, null, 0, -1, -1, null, "no position stored yet");
            }
            Position p = decoder.apply(rs.getString(1));
            Instant lastCommit = instant(rs.getTimestamp(3));
            Lag lag = Lag.of(leader, null, p, lastCommit, Instant.now());
            long behind = p instanceof TickPosition ? lag.ticks() : lag.bytes();
            return new FollowerStatus(f.name(), true, rs.getString(2), Token.of(p, Token.FIRST_EPOCH).map(Object::toString)
                    .orElse(null), lastCommit, instant(rs.getTimestamp(4)), rs.getLong(5), behind, lag.transactions(),
                    Double.isNaN(lag.seconds()) ? null : Math.round(lag.seconds() * 10) / 10.0, "");
        } catch (SQLException e) {
            String note = "42".equals(e.getSQLState() == null ? "" : e.getSQLState().substring(0, 2))
                    ? "no position table yet (never run)" : f.endpoint().describe() + ": " + e.getMessage();
            return new FollowerStatus(f.name(), !note.contains(": "), "", null, null, null, 0, -1, -1, null, note);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
