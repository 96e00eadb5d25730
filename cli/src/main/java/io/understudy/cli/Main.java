package io.understudy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code understudy} command. The only place that calls System.exit. */
@Command(name = "understudy", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Keeps follower databases in step with a MariaDB/MySQL leader (binlog) or any leader with triggers (change data capture).",
        subcommands = {RunCommand.class, CheckCommand.class, SnapshotCommand.class, StatusCommand.class, VerifyCommand.class,
                TriggersCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 runtime failure or failed check, 2 usage or configuration error,",
                "3 verify found differences.",
                "The demo (embedded servers, Sakila) is `bin/understudy demo`."})
public final class Main {
    public static void main(String[] args) {
        routeJavaUtilLogging();
        System.exit(execute(args));
    }

    /** The binlog client logs through java.util.logging; send it through SLF4J like everything else. */
    public static void routeJavaUtilLogging() {
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
    }

    /** Runs a command and returns its exit code (for tests and the demo). */
    public static int execute(String... args) {
        return commandLine(new Main()).execute(args);
    }

    public static CommandLine commandLine(Object root) {
        CommandLine cl = new CommandLine(root);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        return cl;
    }
}
