package io.understudy.cli;

import io.understudy.config.CaptureMode;
import io.understudy.config.ConfigException;
import io.understudy.config.UnderstudyConfig;
import io.understudy.trigger.TriggerInstaller;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code understudy triggers install|uninstall|status|forget}: manages trigger-mode capture on the leader
 * (docs/trigger-mode.md). Needs {@code capture.mode: trigger}.
 */
@Command(name = "triggers", mixinStandardHelpOptions = true,
        description = "Manage trigger-mode capture on the leader: the change table and one set of triggers per captured table.",
        subcommands = {TriggersCommand.Install.class, TriggersCommand.Uninstall.class, TriggersCommand.Status.class,
                TriggersCommand.Forget.class})
final class TriggersCommand {
    private TriggersCommand() {
    }

    static UnderstudyConfig triggerConfig(ConfigOption option) throws ConfigException {
        UnderstudyConfig cfg = option.load();
        if (cfg.capture().mode() != CaptureMode.TRIGGER) {
            throw new ConfigException(List.of(new io.understudy.config.ConfigException.Problem(option.file.toString(), 0,
                    "capture.mode", "is binlog; `understudy triggers` manages trigger mode only (set capture.mode: trigger)")));
        }
        return cfg;
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = "Create or upgrade the change table and the triggers of every table capture.tables includes"
                    + " (Flyway migrations on the leader). Run again after adding tables or changing one: it adds, replaces"
                    + " and removes triggers to match. Refuses, changing nothing, tables without a key or with types that"
                    + " cannot be captured exactly.")
    static final class Install implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Option(names = "--dry-run", description = "Print every statement install would run; change nothing.")
        boolean dryRun;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            UnderstudyConfig cfg = triggerConfig(config);
            TriggerInstaller.InstallReport report = new TriggerInstaller(cfg.leader(), cfg.capture()).install(dryRun);
            PrintWriter out = spec.commandLine().getOut();
            if (dryRun) {
                out.println("-- dry run: nothing was changed on " + cfg.leader().describe());
                report.statements().forEach(s -> out.println(s.endsWith(";") || s.endsWith("\n") ? s : s + ";"));
                if (report.statements().isEmpty()) {
                    out.println("-- nothing to do: the " + report.tables() + " captured table(s) have their current triggers");
                }
            } else {
                out.println("triggers installed on " + cfg.leader().describe() + ": " + report.tables() + " table(s) captured"
                        + (report.migrations().isEmpty() ? ", nothing changed" : ", ran " + report.migrations())
                        + (report.statements().isEmpty() ? "" : ", repaired " + report.statements().size() + " trigger(s)"));
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "uninstall", mixinStandardHelpOptions = true,
            description = "Remove every Understudy trigger, the change table and schema understudy (when install created it"
                    + " and nothing else is in it) from the leader. Followers in trigger mode stop until install runs again"
                    + " and they are copied again.")
    static final class Uninstall implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Option(names = "--dry-run", description = "Print the statements; change nothing.")
        boolean dryRun;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            UnderstudyConfig cfg = triggerConfig(config);
            List<String> statements = new TriggerInstaller(cfg.leader(), cfg.capture()).uninstall(dryRun);
            PrintWriter out = spec.commandLine().getOut();
            if (dryRun) {
                out.println("-- dry run: nothing was changed on " + cfg.leader().describe());
            }
            statements.forEach(s -> out.println(s + ";"));
            if (!dryRun) {
                out.println("-- uninstalled from " + cfg.leader().describe());
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show which tables are captured and whether any trigger is missing or outdated, the followers"
                    + " registered on the leader and how far behind they are, and the change table's size. Read-only."
                    + " Exit 1 when a table is not captured as configured.")
    static final class Status implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Option(names = "--json", description = "Print JSON for scripts.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            UnderstudyConfig cfg = triggerConfig(config);
            TriggerInstaller.Status status = new TriggerInstaller(cfg.leader(), cfg.capture()).status();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(JsonOutput.of(status));
            } else {
                out.println("leader: " + status.leader() + "; schema understudy version " + status.schemaVersion()
                        + (status.pendingMigrations() > 0 ? " (" + status.pendingMigrations() + " migration(s) pending: run install)" : ""));
                if (status.installed()) {
                    out.println("last tick: " + status.lastTick() + " at " + status.lastTickAt() + "; change rows: " + status.changeRows());
                }
                TextTable tables = new TextTable("TABLE", "TRIGGERS", "DETAIL");
                status.tables().forEach(t -> tables.row(t.table(), t.state(), t.detail()));
                tables.print(out);
                if (!status.consumers().isEmpty()) {
                    TextTable consumers = new TextTable("FOLLOWER", "APPLIED TICK", "TICKS BEHIND", "UPDATED");
                    status.consumers().forEach(c -> consumers.row(c.follower(), c.tick(), c.ticksBehind(), c.updated()));
                    consumers.print(out);
                }
            }
            out.flush();
            return status.healthy() ? ExitCodes.OK : ExitCodes.FAILURE;
        }
    }

    @Command(name = "forget", mixinStandardHelpOptions = true,
            description = "Stop keeping changes for a follower that will not come back (removed from the configuration):"
                    + " the purge no longer waits for it. Run it only for followers you dropped; one forgotten by mistake"
                    + " must be copied again with `understudy snapshot`.")
    static final class Forget implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Parameters(paramLabel = "FOLLOWER", description = "The follower's name as registered on the leader (see status).")
        String follower;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            UnderstudyConfig cfg = triggerConfig(config);
            boolean known = new TriggerInstaller(cfg.leader(), cfg.capture()).forget(follower);
            PrintWriter out = spec.commandLine().getOut();
            out.println(known ? "forgot follower '" + follower + "'; the purge no longer keeps changes for it"
                    : "no follower '" + follower + "' is registered on " + cfg.leader().describe());
            out.flush();
            return known ? ExitCodes.OK : ExitCodes.FAILURE;
        }
    }
}
