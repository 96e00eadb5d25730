package io.understudy.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code understudy} as a separate JVM, so tests can SIGTERM it or kill -9 it like an operator would. */
final class DaemonProcess implements AutoCloseable {
    private final Process process;
    final Path log;

    private DaemonProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static DaemonProcess start(Path log, Map<String, String> env, String... args) throws IOException {
        return start("512m", log, env, args);
    }

    /** Starts with the given maximum heap (-Xmx). */
    static DaemonProcess start(String maxHeap, Path log, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-cp", System.getProperty("java.class.path"), "io.understudy.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        return new DaemonProcess(pb.start(), log);
    }

    /** Runs a command to completion and returns its exit code; output goes to the log. */
    static int runToEnd(Path log, Map<String, String> env, String... args) throws Exception {
        try (DaemonProcess p = start(log, env, args)) {
            if (!p.process.waitFor(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("understudy " + String.join(" ", args) + " did not finish; log: " + p.output());
            }
            return p.process.exitValue();
        }
    }

    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Sends SIGTERM and returns the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("daemon did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
