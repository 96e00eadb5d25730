package io.understudy.cli;

import io.understudy.catalog.ChunkedVerifier;
import io.understudy.catalog.LeaderCatalog;
import io.understudy.catalog.RowDiff;
import io.understudy.catalog.TableDef;
import io.understudy.catalog.TableVerification;
import io.understudy.catalog.VerifyOptions;
import io.understudy.config.Endpoint;
import io.understudy.config.FollowerConfig;
import io.understudy.config.UnderstudyConfig;
import io.understudy.model.TableId;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code understudy verify}: compares every captured table on the leader and each follower by primary-key
 * chunks ({@link ChunkedVerifier}) and names the differing rows. Rows that differ are checked again after the
 * follower has applied the leader's then-current binlog position ({@link FollowerCatchUp}), so replication lag is
 * not reported. Read-only everywhere. Exit 0 when equal, 3 when anything differs, 2 for bad options or
 * configuration, 1 when a database cannot be read.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Compare leader and follower table contents by primary-key chunks with engine-independent checksums"
                + " and list the differing rows. Works while replicating: differing rows are checked again once the follower"
                + " has caught up. Read-only. Exit 0 equal, 3 differences, 2 usage/config error, 1 failure.")
public final class VerifyCommand implements Callable<Integer> {
    /** Exit code when any table differs. */
    public static final int DIFFERENCES = ExitCodes.DIFFERENCES;

    @Mixin
    ConfigOption config;

    @Option(names = "--follower", paramLabel = "NAME", description = "Only this follower (default: all).")
    String follower;

    @Option(names = "--table", paramLabel = "SCHEMA.TABLE", description = "Only this captured table (default: all captured tables).")
    String table;

    @Option(names = "--chunk-size", defaultValue = "1000", description = "Leader rows per chunk (default ${DEFAULT-VALUE}).")
    int chunkSize;

    @Option(names = "--max-rows-per-second", defaultValue = "0", description = "Throttle leader reads; 0 = unlimited (default).")
    long maxRowsPerSecond;

    @Option(names = "--max-wait", defaultValue = "60s", converter = DurationConverter.class,
            description = "How long to wait for a follower to catch up before re-checking differing rows, e.g. 60s, 2m, 0 (default ${DEFAULT-VALUE}).")
    Duration maxWait;

    @Option(names = "--list", defaultValue = "20", description = "Differing keys listed per table (default ${DEFAULT-VALUE}).")
    int list;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** One differing row as printed. */
    record Difference(String kind, Map<String, String> key) {
    }

    /** One table on one follower; error is empty unless the comparison could not run. */
    record TableReport(String follower, String table, long leaderRows, long followerRows, long chunks,
                       long differences, List<Difference> listed, String error) {
    }

    /** The whole result. */
    record Report(boolean equal, List<TableReport> tables) {
    }

    @Override
    public Integer call() throws Exception {
        UnderstudyConfig cfg = config.load();
        List<FollowerConfig> followers = followers(cfg);
        VerifyOptions options = options();
        List<TableReport> reports = new ArrayList<>();
        try (Connection leader = open(cfg.leader(), "leader")) {
            leader.setReadOnly(true);
            List<TableDef> tables = tables(leader, cfg);
            ChunkedVerifier verifier = new ChunkedVerifier(options);
            for (FollowerConfig f : followers) {
                reports.addAll(verifyFollower(cfg, f, leader, tables, verifier));
            }
        }
        boolean failed = reports.stream().anyMatch(r -> !r.error().isEmpty());
        boolean differs = reports.stream().anyMatch(r -> r.differences() > 0);
        print(new Report(!failed && !differs, reports));
        return failed ? ExitCodes.FAILURE : differs ? DIFFERENCES : ExitCodes.OK;
    }

    private List<TableReport> verifyFollower(UnderstudyConfig cfg, FollowerConfig f, Connection leader,
                                             List<TableDef> tables, ChunkedVerifier verifier) throws InterruptedException {
        List<TableReport> reports = new ArrayList<>();
        try (Connection fc = open(f.endpoint(), "follower " + f.name())) {
            FollowerCatchUp catchUp = new FollowerCatchUp(cfg, fc, maxWait);
            for (TableDef t : tables) {
                reports.add(verifyTable(cfg, f, leader, fc, t, verifier, catchUp));
            }
        } catch (SQLException | RuntimeException e) {
            reports.add(new TableReport(f.name(), "*", 0, 0, 0, 0, List.of(), e.getMessage()));
        }
        return reports;
    }

    private TableReport verifyTable(UnderstudyConfig cfg, FollowerConfig f, Connection leader, Connection fc, TableDef t,
                                    ChunkedVerifier verifier, FollowerCatchUp catchUp) throws InterruptedException {
        List<String> keys = t.primaryKey().isEmpty() ? cfg.capture().keys().getOrDefault(t.id(), List.of()) : t.primaryKey();
        try {
            ChunkedVerifier.Sides sides = new ChunkedVerifier.Sides(leader, cfg.leader().kind(), fc,
                    f.endpoint().kind(), t, keys);
            TableVerification first = verifier.verify(sides);
            TableVerification r = first.diffs().isEmpty() ? first : settle(first, sides, verifier, catchUp);
            List<Difference> listed = r.diffs().stream().limit(list).map(d -> difference(d, r.keyColumns())).toList();
            return new TableReport(f.name(), t.id().toString(), r.leaderRows(), r.followerRows(), r.chunks(),
                    r.differences(), listed, "");
        } catch (RuntimeException e) {
            return new TableReport(f.name(), t.id().toString(), 0, 0, 0, 0, List.of(), e.getMessage());
        }
    }

    /**
     * Re-checks the differing rows (leader read, then wait until the follower has reached the leader's current
     * position, then follower read) until none differ,
     * the same rows differ in two rounds in a row, or the follower cannot catch up within --max-wait.
     */
    private static TableVerification settle(TableVerification first, ChunkedVerifier.Sides sides,
                                            ChunkedVerifier verifier, FollowerCatchUp catchUp) throws InterruptedException {
        List<RowDiff> current = first.diffs();
        List<RowDiff> previous = null;
        while (true) {
            boolean[] caughtUp = {true};
            List<RowDiff> now = verifier.recheck(sides, current, () -> {
                caughtUp[0] &= catchUp.awaitLeaderPosition();
                return caughtUp[0];
            });
            if (now.isEmpty() || !caughtUp[0] || now.equals(previous)) {
                return first.afterRecheck(now);
            }
            previous = now;
            current = now;
        }
    }

    private static Difference difference(RowDiff d, List<String> keyColumns) {
        Map<String, String> key = new LinkedHashMap<>();
        for (int i = 0; i < keyColumns.size(); i++) {
            key.put(keyColumns.get(i), d.key().get(i));
        }
        return new Difference(d.kind().name().toLowerCase(java.util.Locale.ROOT), key);
    }

    private List<FollowerConfig> followers(UnderstudyConfig cfg) {
        if (follower == null) {
            return cfg.followers();
        }
        return List.of(cfg.follower(follower).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "no follower named '" + follower + "' in " + config.file + "; configured: "
                        + cfg.followers().stream().map(FollowerConfig::name).toList())));
    }

    private List<TableDef> tables(Connection leader, UnderstudyConfig cfg) {
        List<TableId> captured = LeaderCatalog.tableIds(leader, cfg.leader().kind(), cfg.capture().filter());
        List<TableId> ids = captured;
        if (table != null) {
            TableId wanted = captured.stream().filter(id -> id.toString().equals(table)).findFirst()
                    .orElseThrow(() -> new ParameterException(spec.commandLine(), "table '" + table
                            + "' is not a captured leader table; write SCHEMA.TABLE, one of " + captured));
            ids = List.of(wanted);
        }
        return ids.stream().map(id -> LeaderCatalog.table(leader, cfg.leader().kind(), id)).toList();
    }

    private VerifyOptions options() {
        if (list < 0) {
            throw new ParameterException(spec.commandLine(), "--list must not be negative");
        }
        try {
            return new VerifyOptions(chunkSize, maxRowsPerSecond, VerifyOptions.DEFAULTS.maxDiffsKept());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    static Connection open(Endpoint e, String what) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", e.user());
        props.setProperty("password", e.password().reveal());
        try {
            return DriverManager.getConnection(e.url(), props);
        } catch (SQLException ex) {
            throw new SQLException("cannot connect to the " + what + " (" + e.describe() + "): " + ex.getMessage()
                    + "; check that it is running and the url/user/password in the configuration", ex.getSQLState(), ex);
        }
    }

    private void print(Report report) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JsonOutput.of(report));
            out.flush();
            return;
        }
        TextTable t = new TextTable("FOLLOWER", "TABLE", "ROWS LEADER", "ROWS FOLLOWER", "CHUNKS", "DIFFERENCES", "NOTE");
        for (TableReport r : report.tables()) {
            t.row(r.follower(), r.table(), r.leaderRows(), r.followerRows(), r.chunks(),
                    r.error().isEmpty() ? r.differences() : "?", r.error());
        }
        t.print(out);
        for (TableReport r : report.tables()) {
            for (Difference d : r.listed()) {
                out.println(r.follower() + " " + r.table() + ": " + d.kind().replace('_', ' ') + " " + d.key());
            }
            if (r.differences() > r.listed().size()) {
                out.println(r.follower() + " " + r.table() + ": ... " + (r.differences() - r.listed().size()) + " more");
            }
        }
        out.println(report.equal() ? "equal" : "DIFFERENCES FOUND");
        out.flush();
    }

    /** Parses 60s, 500ms, 2m, 1h, 0 or ISO-8601 (PT1M). */
    static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h)?");

        @Override
        public Duration convert(String value) {
            Matcher m = SHORT.matcher(value.trim());
            if (!m.matches()) {
                return Duration.parse(value.trim());
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        }
    }
}
