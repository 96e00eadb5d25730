package io.understudy.cli;

import io.understudy.config.CaptureMode;
import io.understudy.config.FollowerConfig;
import io.understudy.config.UnderstudyConfig;
import io.understudy.connector.BinlogChangeSource;
import io.understudy.model.BinlogPosition;
import io.understudy.model.Position;
import io.understudy.model.TickPosition;
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
     * file (binlog mode) or ticks (trigger mode); -1 when unknown (different binlog files or no position).
     */
    record FollowerStatus(String follower, boolean reachable, String position, Instant lastLeaderCommit,
                          Instant appliedAt, long transactions, long behind, String error) {
    }

    /** The whole report. */
    record Status(String leaderPosition, List<FollowerStatus> followers) {
    }

    @Override
    public Integer call() throws Exception {
        UnderstudyConfig cfg = config.load();
        Position leader;
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
            followers.add(read(f, leader, trigger ? TriggerChangeSource::decode : BinlogChangeSource::decode));
        }
        Status status = new Status(leader.describe(), followers);
        print(status);
        return followers.stream().allMatch(FollowerStatus::reachable) ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private void print(Status status) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JsonOutput.of(status));
        } else {
            out.println("leader position: " + status.leaderPosition());
            boolean ticks = status.leaderPosition().startsWith("tick");
            TextTable t = new TextTable("FOLLOWER", "POSITION", ticks ? "TICKS BEHIND" : "BYTES BEHIND", "LAST LEADER COMMIT",
                    "APPLIED AT", "NOTE");
            for (FollowerStatus f : status.followers()) {
                t.row(f.follower(), f.position(), f.behind() < 0 ? "?" : f.behind(),
                        f.lastLeaderCommit(), f.appliedAt(), f.error());
            }
            t.print(out);
        }
        out.flush();
    }

    private static FollowerStatus read(FollowerConfig f, Position leader, Function<String, Position> decoder) {
        Properties props = new Properties();
        props.setProperty("user", f.endpoint().user());
        props.setProperty("password", f.endpoint().password().reveal());
        try (Connection c = DriverManager.getConnection(f.endpoint().url(), props);
             PreparedStatement ps = c.prepareStatement("SELECT encoded_position, description, leader_commit_time,"
                     + " applied_at, transactions FROM understudy.applied_position WHERE source = 'leader'");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return new FollowerStatus(f.name(), true, "", null, null, 0, -1, "no position stored yet");
            }
            Position p = decoder.apply(rs.getString(1));
            return new FollowerStatus(f.name(), true, rs.getString(2), instant(rs.getTimestamp(3)),
                    instant(rs.getTimestamp(4)), rs.getLong(5), behind(leader, p), "");
        } catch (SQLException e) {
            String note = "42".equals(e.getSQLState() == null ? "" : e.getSQLState().substring(0, 2))
                    ? "no position table yet (never run)" : f.endpoint().describe() + ": " + e.getMessage();
            return new FollowerStatus(f.name(), !note.contains(": "), "", null, null, 0, -1, note);
        }
    }

    private static long behind(Position leader, Position follower) {
        if (leader instanceof BinlogPosition l && follower instanceof BinlogPosition p && l.file().equals(p.file())) {
            return Math.max(0, l.offset() - p.offset());
        }
        if (leader instanceof TickPosition l && follower instanceof TickPosition p) {
            return Math.max(0, l.tick() - p.tick());
        }
        return -1;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
