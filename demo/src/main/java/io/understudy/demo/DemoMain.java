package io.understudy.demo;

import io.understudy.cli.Main;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The demo jar's entry point: {@code understudy demo} plus every regular command, so that
 * {@code bin/understudy demo --help} works like the others. Kept out of the daemon's jar because it
 * carries embedded database binaries.
 */
@Command(name = "understudy", mixinStandardHelpOptions = true, subcommands = {DemoCommand.class})
public final class DemoMain {
    public static void main(String[] args) {
        // the daemon's logback.xml is on the classpath too; the demo keeps its own output quieter
        System.setProperty("logback.configurationFile", "logback-demo.xml");
        Main.routeJavaUtilLogging();
        String[] withCommand = new String[args.length + 1];
        withCommand[0] = "demo";
        System.arraycopy(args, 0, withCommand, 1, args.length);
        System.exit(Main.commandLine(new DemoMain()).execute(withCommand));
    }

    static CommandLine commandLine() {
        return Main.commandLine(new DemoMain());
    }
}
