package io.understudy.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code understudy run} as a separate JVM (-Xmx512m, this JVM's class path), with a GC log so the peak
 * heap can be read afterwards: the heap used before each collection is the high-water mark between
 * collections. Not thread-safe.
 */
final class UnderstudyDaemon implements AutoCloseable {
    static final String MAX_HEAP = "512m";
    private static final Pattern GC_LINE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    /** Peak resident set size (VmHWM) and peak heap in MiB; -1 when unknown. */
    record Memory(long peakRssMiB, long peakHeapMiB) {
    }

    private final Process process;
    private final Path log;
    private final Path gcLog;

    private UnderstudyDaemon(Process process, Path log, Path gcLog) {
        this.process = process;
        this.log = log;
        this.gcLog = gcLog;
    }

    /**
     * The start of a daemon-like JVM's command line: java, the heap limit, the parallel collector unless
     * {@code javaOptions} choose one (as bin/understudy and the image start the daemon), then {@code javaOptions}
     * with each {@code {tag}} replaced by {@code tag}.
     */
    static List<String> java(List<String> javaOptions, String tag) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + MAX_HEAP));
        if (javaOptions.stream().noneMatch(o -> o.matches("-XX:\\+Use\\w*GC"))) {
            command.add("-XX:+UseParallelGC");
        }
        javaOptions.forEach(o -> command.add(o.replace("{tag}", tag)));
        return command;
    }

    /** Starts the daemon; {@code javaOptions} are added to its JVM, each {@code {tag}} in them replaced by {@code tag}. */
    static UnderstudyDaemon start(Path config, Path dir, String tag, List<String> javaOptions) throws IOException {
        Path log = dir.resolve("daemon-" + tag + ".log");
        Path gcLog = dir.resolve("daemon-" + tag + "-gc.log");
        List<String> command = java(javaOptions, tag);
        command.add("-Xlog:gc:file=" + gcLog);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "io.understudy.cli.Main", "run", "--config", config.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        return new UnderstudyDaemon(p, log, gcLog);
    }

    long pid() {
        return process.pid();
    }

    /** Fails with the log's tail when the daemon has exited. */
    void checkAlive() throws IOException {
        if (!process.isAlive()) {
            throw new IllegalStateException("understudy run exited with " + process.exitValue() + "; log " + log
                    + " ends with:\n" + tail());
        }
    }

    /** Reads VmHWM now (call before {@link #terminate()}) and the GC log's peak. */
    Memory memory() throws IOException {
        long rssKib = -1;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                rssKib = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        long heap = -1;
        if (Files.exists(gcLog)) {
            for (String line : Files.readAllLines(gcLog, StandardCharsets.UTF_8)) {
                Matcher m = GC_LINE.matcher(line);
                if (m.find()) {
                    heap = Math.max(heap, Long.parseLong(m.group(1)));
                }
            }
        }
        return new Memory(rssKib < 0 ? -1 : rssKib / 1024, heap);
    }

    /**
     * SIGSTOP: every thread stops where it is and the connections stay open, as through a follower outage with
     * the daemon running; {@link #thaw()} resumes it.
     */
    void freeze() throws Exception {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    void thaw() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " exited " + kill.exitValue());
        }
    }

    /** SIGTERM, then waits for a clean exit. */
    void terminate() throws Exception {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("understudy did not stop within 60 s of SIGTERM; log " + log);
        }
    }

    private String tail() throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
