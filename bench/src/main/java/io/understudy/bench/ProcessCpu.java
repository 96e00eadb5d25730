package io.understudy.bench;

import io.understudy.servers.DatabaseServer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * CPU time of local processes from {@code /proc} (Linux only): a process and all its living descendants (PostgreSQL
 * serves each connection from its own child process). On a machine shared with other work, CPU seconds per
 * transaction vary far less than wall-clock rates, so the benchmark reports both. Stateless.
 */
final class ProcessCpu {
    /** USER_HZ: the unit of utime/stime in /proc/PID/stat; 100 on every Linux this runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessCpu() {
    }

    /** The pid of the server process listening on {@code server}'s port (found by its command line), if any. */
    static OptionalLong serverPid(DatabaseServer server) {
        String port = Integer.toString(server.port());
        for (Proc p : all()) {
            List<String> args = p.args();
            boolean maria = !args.isEmpty() && args.get(0).endsWith("mariadbd") && args.contains("--port=" + port);
            boolean pg = !args.isEmpty() && args.get(0).endsWith("/postgres") && args.indexOf("-p") >= 0
                    && args.indexOf("-p") + 1 < args.size() && port.equals(args.get(args.indexOf("-p") + 1));
            if (maria || pg) {
                return OptionalLong.of(p.pid());
            }
        }
        return OptionalLong.empty();
    }

    /**
     * CPU seconds (user + system) used so far by {@code pid}, its living descendants and the descendants it has
     * reaped (a PostgreSQL backend's time moves into the postmaster's when its connection ends); 0 if it is gone.
     */
    static double treeSeconds(long pid) {
        List<Proc> procs = all();
        Map<Long, List<Proc>> children = new HashMap<>();
        Proc root = null;
        for (Proc p : procs) {
            children.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p);
            if (p.pid() == pid) {
                root = p;
            }
        }
        if (root == null) {
            return 0;
        }
        double ticks = root.reapedTicks();
        List<Proc> todo = new ArrayList<>(List.of(root));
        while (!todo.isEmpty()) {
            Proc p = todo.remove(todo.size() - 1);
            ticks += p.ticks();
            todo.addAll(children.getOrDefault(p.pid(), List.of()));
        }
        return ticks / TICKS_PER_SECOND;
    }

    /**
     * CPU seconds of each thread of {@code pid} so far, by thread name (Linux truncates names to 15 characters;
     * threads with the same name are added up), largest first.
     */
    static Map<String, Double> threadSeconds(long pid) {
        Map<String, Double> byName = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+", "N");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
                    double seconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
                    byName.merge(name, seconds, Double::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended while we read it
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        Map<String, Double> sorted = new java.util.LinkedHashMap<>();
        byName.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    private record Proc(long pid, long ppid, long ticks, long reapedTicks, List<String> args) {
    }

    private static List<Proc> all() {
        List<Proc> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), d -> d.getFileName().toString().matches("\\d+"))) {
            for (Path dir : dirs) {
                try {
                    String stat = Files.readString(dir.resolve("stat"));
                    // the command name (field 2) may contain spaces and parentheses: parse after the last ')'
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                    long reaped = Long.parseLong(f[13]) + Long.parseLong(f[14]); // cutime, cstime
                    String cmdline = Files.readString(dir.resolve("cmdline"));
                    out.add(new Proc(Long.parseLong(dir.getFileName().toString()), Long.parseLong(f[1]), ticks, reaped,
                            List.of(cmdline.split("\0"))));
                } catch (IOException | RuntimeException e) {
                    // the process ended while we read it
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return out;
    }
}
