package io.understudy.bench;

import io.understudy.cli.Main;
import io.understudy.servers.DatabaseServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench/triggers breakdown}: where a captured row's cost on the leader goes. One connection inserts rows
 * ({@code --rows-per-statement} 1000: one 1000-row INSERT per transaction; 1: single-row INSERTs, 5 per transaction
 * like the OLTP mix) into tables of the benchmark shape that differ only in their trigger: none, Understudy's, and
 * variants that each leave out part of it (the image, the change-row insert, the function's settings, the binlog).
 * Reports the leader's CPU microseconds per row, which other load on the machine changes much less than rows/s.
 * The variants live in schema {@code exp} next to a copy of the change table. Not thread-safe.
 */
public final class TriggerCostBreakdown {
    private static final String USAGE = "bench/triggers breakdown [--engines mariadb,postgresql] [--seconds N] [--rounds N]"
            + " [--rows-per-statement 1|1000]";

    private final TriggerRig rig;
    private final int perStatement;
    private final Map<String, String> variants = new LinkedHashMap<>();
    private final Map<String, List<double[]>> results = new LinkedHashMap<>();

    private TriggerCostBreakdown(TriggerRig rig, int perStatement) {
        this.rig = rig;
        this.perStatement = perStatement;
    }

    public static void main(String[] args) throws Exception {
        Main.routeJavaUtilLogging();
        List<String> engines = List.of("mariadb", "postgresql");
        int seconds = 5;
        int rounds = 2;
        int per = 1000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--engines" -> engines = List.of(args[i + 1].split(","));
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--rows-per-statement" -> per = Integer.parseInt(args[i + 1]);
                default -> {
                    System.err.println("unknown option " + args[i] + "; usage: " + USAGE);
                    System.exit(2);
                }
            }
        }
        if (args.length % 2 != 0 || (per != 1 && per != 1000)) {
            System.err.println("usage: " + USAGE);
            System.exit(2);
        }
        for (String engine : engines) {
            try (TriggerRig rig = TriggerRig.launch(engine, Path.of("bench/target/trigger-logs").toAbsolutePath())) {
                rig.prepare(1000);
                new TriggerCostBreakdown(rig, per).run(seconds, rounds);
            }
        }
        System.exit(0);
    }

    private void run(int seconds, int rounds) throws Exception {
        variants.put("no trigger", TriggerRig.PLAIN + ".items");
        variants.put("Understudy's trigger", TriggerRig.CAPTURED + ".items");
        if ("postgresql".equals(rig.engine())) {
            postgresVariants();
        } else {
            mariaVariants();
        }
        for (int round = 1; round <= rounds; round++) {
            for (Map.Entry<String, String> v : variants.entrySet()) {
                double[] m = measure(v.getKey(), v.getValue(), seconds);
                results.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add(m);
                System.out.printf(Locale.ROOT, "round %d %-10s %-55s %,9.0f rows/s %7.2f us leader CPU/row, load %.1f%n",
                        round, rig.engine(), v.getKey(), m[0], m[1], m[2]);
            }
        }
        System.out.printf("%n%s, %d row(s) per INSERT, means of %d round(s) of %d s:%n", rig.engine(), perStatement, rounds, seconds);
        results.forEach((name, ms) -> System.out.printf(Locale.ROOT, "  %-55s %,9.0f rows/s %7.2f us leader CPU/row%n", name,
                ms.stream().mapToDouble(m -> m[0]).average().orElse(Double.NaN),
                ms.stream().mapToDouble(m -> m[1]).average().orElse(Double.NaN)));
    }

    /** rows/s, leader CPU microseconds per row, load average before. */
    private double[] measure(String variant, String table, int seconds) throws Exception {
        DatabaseServer leader = rig.leader();
        long next = maxId(table) + 1;
        double load = ProcessCpu.loadAverage();
        try (Connection c = leader.connect(null)) {
            if (variant.contains("sql_log_bin=0")) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET SESSION sql_log_bin = 0");
                }
            }
            c.setAutoCommit(false);
            PreparedStatement ps = c.prepareStatement(BenchRows.multiRowInsert(table, perStatement));
            int statementsPerCommit = perStatement == 1 ? 5 : 1;
            double cpu = rig.leaderCpu();
            long start = System.nanoTime();
            long rows = 0;
            for (int n = 1; System.nanoTime() - start < seconds * 1_000_000_000L; n++) {
                for (int i = 0; i < perStatement; i++) {
                    BenchRows.bind(ps, i, next++);
                }
                rows += ps.executeUpdate();
                if (n % statementsPerCommit == 0) {
                    c.commit();
                }
            }
            c.commit();
            double elapsed = (System.nanoTime() - start) / 1e9;
            return new double[] {rows / elapsed, (rig.leaderCpu() - cpu) * 1e6 / rows, load};
        }
    }

    private long maxId(String table) throws SQLException {
        try (Connection c = rig.leader().connect(null); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Variants of the AFTER INSERT trigger install created on captured.items, each writing into exp.change_log. */
    private void mariaVariants() throws SQLException {
        String body;
        try (Connection c = rig.leader().connect(null); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA"
                     + " = '" + TriggerRig.CAPTURED + "' AND EVENT_OBJECT_TABLE = 'items' AND EVENT_MANIPULATION = 'INSERT'")) {
            rs.next();
            body = rs.getString(1).replace("`understudy`.`change_log`", "`exp`.`change_log`");
        }
        String image = body.substring(body.indexOf("CONCAT("), body.lastIndexOf(')'));
        rig.leader().execute(null, "CREATE DATABASE exp", "CREATE TABLE exp.change_log LIKE understudy.change_log");
        mariaVariant("the same trigger, into a copy of the change table", "same", body);
        mariaVariant("no-op trigger (SET @x = 1)", "noop", "SET @x = 1");
        mariaVariant("trigger that only builds the image (SET @x = image)", "image", "SET @x = " + image);
        mariaVariant("trigger that inserts a change row with image '{}'", "constant", body.replace(image, "'{}'"));
        variants.put("Understudy's trigger, writer with sql_log_bin=0", TriggerRig.CAPTURED + ".items");
        variants.put("no trigger, writer with sql_log_bin=0", TriggerRig.PLAIN + ".items");
    }

    private void mariaVariant(String name, String table, String triggerBody) {
        String t = "exp." + table;
        rig.leader().execute(null, BenchRows.mariaTable(t), "CREATE TRIGGER " + t + "_ai AFTER INSERT ON " + t
                + " FOR EACH ROW " + triggerBody);
        variants.put(name, t);
    }

    /** Variants of understudy.capture() (docs/trigger-mode.md), each a row trigger writing into exp.change_log. */
    private void postgresVariants() {
        String log = " (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, txid xid8 NOT NULL DEFAULT pg_current_xact_id(),"
                + " capture_id integer NOT NULL, op char(1) NOT NULL, before_image json, after_image json)";
        rig.leader().execute(null, "CREATE SCHEMA exp", "CREATE TABLE exp.change_log" + log,
                "CREATE INDEX ON exp.change_log (txid)", "CREATE TABLE exp.change_log_no_txid_index" + log);
        String insert = "INSERT INTO exp.change_log (capture_id, op, after_image) VALUES (TG_ARGV[0]::integer, 'I', row_to_json(NEW));";
        String options = "SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET extra_float_digits = 3"
                + " SET \"TimeZone\" = 'UTC' SET \"DateStyle\" = 'ISO, YMD' SET \"IntervalStyle\" = 'postgres' SET bytea_output = 'hex'";
        postgresVariant("the same function, into a copy of the change table", "same", options, insert);
        postgresVariant("same without SECURITY DEFINER and SET options", "plainfn", "", insert);
        postgresVariant("no-op function with the SECURITY DEFINER and SET options", "setnoop", options, "");
        postgresVariant("no-op function", "noop", "", "");
        postgresVariant("no SET options, NULL image", "nullimage", "", insert.replace("row_to_json(NEW)", "NULL"));
        postgresVariant("no SET options, change table without the txid index", "noindex", "",
                insert.replace("exp.change_log", "exp.change_log_no_txid_index"));
    }

    private void postgresVariant(String name, String table, String options, String statement) {
        String t = "exp." + table;
        rig.leader().execute(null, BenchRows.postgresTable(t));
        rig.leader().execute(null, "CREATE FUNCTION " + t + "_capture() RETURNS trigger LANGUAGE plpgsql " + options
                        + " AS $$ BEGIN " + statement + " RETURN NULL; END $$",
                "CREATE TRIGGER capture AFTER INSERT ON " + t + " FOR EACH ROW EXECUTE FUNCTION " + t + "_capture('1')");
        variants.put(name, t);
    }
}
