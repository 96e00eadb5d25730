package io.understudy.cli;

import io.understudy.cli.daemon.Daemon;
import io.understudy.cli.daemon.FollowerState;
import io.understudy.config.ConfigLoader;
import io.understudy.config.UnderstudyConfig;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code understudy run}: the sidecar daemon. SIGTERM and SIGINT stop it cleanly (in-flight follower
 * transactions are rolled back and re-read on the next start) and it exits 0. kill -9 loses nothing
 * either: every follower resumes from the position committed with its data.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Replicate the leader to every follower until stopped (SIGTERM/SIGINT). Each follower resumes from the position stored on itself.")
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    ConfigOption config;

    @Option(names = "--skip-ddl-at", paramLabel = "POSITION", description = "Continue after the leader DDL at this position (as printed when it was refused), once you have applied the same change on the followers by hand. Repeatable.")
    Set<String> skipDdlAt = Set.of();

    @Override
    public Integer call() throws Exception {
        UnderstudyConfig cfg = config.load();
        log.info("effective configuration:\n{}", ConfigLoader.effective(cfg));
        Daemon daemon = new Daemon(cfg, Clock.systemUTC(), skipDdlAt);
        Signal.handle(new Signal("TERM"), s -> stopAsync(daemon, "SIGTERM"));
        Signal.handle(new Signal("INT"), s -> stopAsync(daemon, "SIGINT"));
        daemon.start();
        daemon.awaitTermination();
        daemon.close();
        boolean allFailed = daemon.states().stream().allMatch(s -> s.phase() == FollowerState.Phase.FAILED);
        return allFailed ? ExitCodes.FAILURE : ExitCodes.OK;
    }

    private static void stopAsync(Daemon daemon, String signal) {
        log.info("{} received: stopping", signal);
        Thread t = new Thread(daemon::close, "shutdown");
        t.start();
    }
}
