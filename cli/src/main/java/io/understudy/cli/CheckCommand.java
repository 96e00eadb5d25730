package io.understudy.cli;

import io.understudy.catalog.CascadeCheck;
import io.understudy.config.CaptureMode;
import io.understudy.config.DatabaseKind;
import io.understudy.config.Endpoint;
import io.understudy.config.FollowerConfig;
import io.understudy.config.UnderstudyConfig;
import io.understudy.connector.LeaderChecks;
import io.understudy.trigger.TriggerInstaller;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code understudy check}: validates the configuration file (all problems at once, exit 2) and the
 * prerequisites on the leader and every follower (exit 1 when any check fails). Writes nothing.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate the configuration file, the leader's prerequisites (binlog mode: binlog format, row image, grants, primary keys; trigger mode: installed and current triggers) and each follower's reachability. Writes nothing.")
final class CheckCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--json", description = "Print the results as JSON for scripts.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** One line of the check report; ok with a fix is a warning. */
    record Result(String scope, String check, boolean ok, String detail, String fix) {
        String verdict() {
            return !ok ? "FAIL" : fix.isEmpty() ? "PASS" : "WARN";
        }
    }

    @Override
    public Integer call() throws Exception {
        UnderstudyConfig cfg = config.load();
        List<Result> results = new ArrayList<>();
        results.add(new Result("config", "configuration file", true, config.file.toString(), ""));
        if (cfg.capture().mode() == CaptureMode.TRIGGER) {
            results.addAll(triggerChecks(cfg));
        } else {
            for (var r : LeaderChecks.run(cfg.leader(), cfg.capture())) {
                results.add(new Result("leader", r.name(), r.ok(), r.detail(), r.fix()));
            }
        }
        boolean leaderReachable = results.stream().noneMatch(r -> r.check().equals("reachable") && !r.ok());
        if (leaderReachable) {
            results.addAll(cascadeChecks(cfg));
        }
        for (FollowerConfig f : cfg.followers()) {
            results.addAll(FollowerChecks.run(f, cfg.capture().filter()));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JsonOutput.of(results));
        } else {
            TextTable table = new TextTable("SCOPE", "CHECK", "RESULT", "DETAIL / WHAT TO DO");
            for (Result r : results) {
                table.row(r.scope(), r.check(), r.verdict(), r.fix().isEmpty() ? r.detail() : r.detail() + " -> " + r.fix());
            }
            table.print(out);
        }
        out.flush();
        return results.stream().allMatch(Result::ok) ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    /**
     * Which of the leader's foreign-key cascades the followers replay, and what they cannot get right. Nothing when
     * the leader cannot be read (the leader checks already said why).
     */
    static List<Result> cascadeChecks(UnderstudyConfig cfg) {
        boolean postgresFollowers = cfg.followers().stream().anyMatch(f -> f.endpoint().kind() == DatabaseKind.POSTGRESQL);
        Endpoint leader = cfg.leader();
        List<Result> results = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(leader.url(), leader.user(), leader.password().reveal())) {
            for (CascadeCheck.Finding f : CascadeCheck.run(c, leader.kind(), cfg.capture().mode(), cfg.capture().filter(),
                    postgresFollowers)) {
                results.add(new Result("leader", f.check(), f.ok(), f.detail(), f.fix()));
            }
        } catch (SQLException e) {
            results.add(new Result("leader", "foreign key cascades", false, "cannot read the leader's foreign keys: "
                    + e.getMessage(), "grant the leader user SELECT on the replicated schemas"));
        }
        return results;
    }

    /** Trigger mode: the leader is reachable, install ran and is current, every captured table has its triggers. */
    static List<Result> triggerChecks(UnderstudyConfig cfg) {
        List<Result> results = new ArrayList<>();
        TriggerInstaller.Status status;
        try {
            status = new TriggerInstaller(cfg.leader(), cfg.capture()).status();
        } catch (RuntimeException e) {
            results.add(new Result("leader", "reachable", false, e.getMessage(), "check the leader's URL, user and password"));
            return results;
        }
        results.add(new Result("leader", "reachable", true, status.leader(), ""));
        results.add(new Result("leader", "trigger mode installed", status.installed() && status.pendingMigrations() == 0,
                "schema understudy version " + status.schemaVersion(), status.installed() && status.pendingMigrations() == 0
                ? "" : "run `understudy triggers install --config " + "<file>`"));
        for (TriggerInstaller.TableState t : status.tables()) {
            boolean leftOver = t.state().equals("left over");
            results.add(new Result("leader", "triggers on " + t.table(), t.state().equals("current") || leftOver,
                    t.state(), t.state().equals("current") ? "" : t.detail()));
        }
        return results;
    }
}
