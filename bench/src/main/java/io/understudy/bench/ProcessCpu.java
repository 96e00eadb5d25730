package io.understudy.bench;

import io.understudy.servers.DatabaseServer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * CPU time of local processes from {@code /proc} (Linux): a database server with all its processes (PostgreSQL
 * runs one per connection), the Understudy daemon, this JVM. Times are user + system seconds, including children
 * already reaped, at the kernel's usual 100 ticks a second. Stateless.
 */
final class ProcessCpu {
    private static final double TICKS_PER_SECOND = 100;

    private ProcessCpu() {
    }

    /** The server's main process: MariaDB's pid file, PostgreSQL's postmaster.pid (first line of each). */
    static long serverPid(DatabaseServer server) {
        String sql = "postgresql".equals(server.kind()) ? "SELECT current_setting('data_directory') || '/postmaster.pid'"
                : "SELECT IF(@@pid_file LIKE '/%', @@pid_file, CONCAT(@@datadir, @@pid_file))";
        try (Connection c = server.connect(null); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            List<String> lines = Files.readAllLines(Path.of(rs.getString(1)));
            return Long.parseLong(lines.get(0).trim());
        } catch (SQLException | IOException | RuntimeException e) {
            throw new IllegalStateException("cannot find the process of " + server.kind() + " on port " + server.port()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * The Understudy daemon this JVM started, if one runs: its only child that is a JVM (the servers are not; the
     * kernel shows only the first 4 KiB of a command line, less than the daemon's class path, so it cannot be told by
     * its arguments).
     */
    static OptionalLong daemonPid() {
        return ProcessHandle.current().children()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst();
    }

    /** CPU seconds of {@code pid} and every live descendant; 0 when the process is gone. */
    static double treeSeconds(long pid) {
        return ProcessHandle.of(pid).map(root -> Stream.concat(Stream.of(root), root.descendants())
                .mapToDouble(p -> seconds(p.pid())).sum()).orElse(0.0);
    }

    /**
     * CPU seconds of each thread of {@code pid} so far, by thread name with digits replaced by N (Linux truncates
     * names to 15 characters; threads with the same name are added up), largest first.
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
        Map<String, Double> sorted = new LinkedHashMap<>();
        byName.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** CPU seconds of this JVM. */
    static double selfSeconds() {
        return seconds(ProcessHandle.current().pid());
    }

    /** CPU seconds of the child processes of this JVM that have ended and were waited for (cutime + cstime). */
    static double endedChildrenSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** utime + stime + cutime + cstime of one process; 0 when it is gone. */
    private static double seconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name in parentheses may hold spaces: fields are counted after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
            return ticks / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The 1-minute load average. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
