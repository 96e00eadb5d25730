package io.understudy.trigger;

import io.understudy.catalog.TableDef;
import io.understudy.config.CaptureConfig;
import io.understudy.config.Endpoint;
import io.understudy.model.ReplicationException;
import io.understudy.model.TableId;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;

/**
 * {@code understudy triggers install|uninstall|forget}: puts Understudy's change table and capture triggers on the
 * leader, upgrades them, and removes them again, through Flyway (history table
 * {@value #HISTORY} in schema {@code understudy}): versioned migrations create the change table, ticks and consumers;
 * the repeatable migration {@link TriggerMigration} keeps one set of triggers per captured table. Every run of
 * install compares the leader with {@code capture.tables}: new tables get triggers, changed tables new ones, tables
 * no longer captured lose theirs. Install refuses, changing nothing, when a table cannot be captured exactly.
 * Not thread-safe; one instance per command.
 */
public final class TriggerInstaller {
    static final String HISTORY = "understudy_leader_history";

    private final Endpoint leader;
    private final CaptureConfig capture;
    private final LeaderLink link;

    public TriggerInstaller(Endpoint leader, CaptureConfig capture) {
        this.leader = leader;
        this.capture = capture;
        this.link = new LeaderLink(leader);
    }

    /**
     * What install did (or, dry, would do): the Flyway migrations that ran, and statements run besides them (dry:
     * every statement that would run; otherwise the repair of triggers changed by hand since the last install).
     */
    public record InstallReport(List<String> migrations, List<String> statements, int tables) {
    }

    /**
     * Installs or upgrades. With {@code dryRun} the leader is only read and the report holds every statement that
     * would run: pending versioned migrations as their SQL, then the trigger statements.
     *
     * @throws InstallRefusedException when a captured table has no key or a type that cannot be captured exactly
     */
    public InstallReport install(boolean dryRun) {
        List<Target> targets;
        try (Connection c = link.open()) {
            requireVersion(c);
            List<String> server = new ArrayList<>();
            if (!dryRun) {
                server.addAll(link.dialect().serverRefusals(c));
                server.addAll(triggerRight(c));
            }
            targets = targets(c, server);
        } catch (SQLException e) {
            throw link.failure("reading the catalog", e);
        }
        TriggerMigration triggers = new TriggerMigration(link.dialect(), targets);
        Flyway flyway = flyway(triggers);
        if (dryRun) {
            return dryRun(flyway, triggers, targets.size());
        }
        try {
            if (java.util.Arrays.stream(flyway.info().all()).anyMatch(m -> m.getState() == MigrationState.FAILED)) {
                flyway.repair(); // MariaDB/MySQL DDL is not transactional; every statement is safe to run again
            }
            List<String> ran = flyway.migrate().migrations.stream().map(m -> m.description).toList();
            return new InstallReport(ran, repair(triggers), targets.size());
        } catch (FlywayException e) {
            throw new ReplicationException("installing the capture triggers on leader " + link.describe() + " failed: "
                    + e.getMessage() + "; the user needs " + privileges() + ". Fix it and run install again", e);
        }
    }

    /** Puts right triggers dropped or created by hand since the captured tables last changed. */
    private List<String> repair(TriggerMigration triggers) {
        try (Connection c = link.open()) {
            try (Statement s = c.createStatement()) {
                for (String set : link.dialect().installSession()) {
                    s.execute(set);
                }
            }
            boolean transactional = !link.dialect().kind().isMySqlFamily();
            c.setAutoCommit(!transactional);
            List<String> ran = triggers.apply(c);
            if (transactional) {
                c.commit();
            }
            return ran;
        } catch (SQLException e) {
            throw link.failure("repairing the capture triggers", e);
        }
    }

    private InstallReport dryRun(Flyway flyway, TriggerMigration triggers, int tables) {
        List<String> migrations = new ArrayList<>();
        List<String> statements = new ArrayList<>();
        for (MigrationInfo m : flyway.info().pending()) {
            if (m.getVersion() != null) {
                migrations.add("V" + m.getVersion() + " " + m.getDescription());
                statements.add("-- " + m.getScript() + "\n" + resource(m.getScript()));
            }
        }
        try (Connection c = link.open()) {
            statements.addAll(triggers.statements(c, true));
        } catch (SQLException e) {
            throw link.failure("planning the triggers", e);
        }
        return new InstallReport(migrations, statements, tables);
    }

    private String resource(String script) {
        String path = link.dialect().flywayLocation().substring("classpath:".length()) + "/" + script;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(path)) {
            return in == null ? "(script " + path + ")" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tables to capture now, or every reason some cannot be (and {@code more} problems). */
    List<Target> targets(Connection c, List<String> more) throws SQLException {
        Survey survey = survey(c);
        if (!survey.problems().isEmpty() || !more.isEmpty()) {
            List<String> all = new ArrayList<>(more);
            survey.problems().values().forEach(all::addAll);
            throw new InstallRefusedException(link.describe(), all);
        }
        return survey.targets();
    }

    /** The tables {@code capture} includes and, per table (or null for the whole config), why it cannot be captured. */
    record Survey(List<Target> targets, Map<TableId, List<String>> problems) {
    }

    private Survey survey(Connection c) throws SQLException {
        LeaderDialect dialect = link.dialect();
        Map<TableId, List<String>> problems = new LinkedHashMap<>();
        List<Target> targets = new ArrayList<>();
        for (TableId id : dialect.tableIds(c, capture.filter())) {
            TableDef table = dialect.table(c, id);
            List<String> key = capture.keys().getOrDefault(id, table.primaryKey());
            List<String> mine = new ArrayList<>();
            if (key.isEmpty()) {
                mine.add("table " + id + " has no primary key; add one, or name its key columns in capture.keys"
                        + " (capture: {keys: {" + id + ": [col, ...]}}), or exclude it");
            }
            for (String k : key) {
                if (table.column(k).isEmpty()) {
                    mine.add("capture.keys names column " + k + " of " + id + ", which the table does not have");
                }
            }
            dialect.unsupported(table).forEach(p -> mine.add("table " + id + ": " + p));
            mine.addAll(dialect.refusals(c, table));
            if (mine.isEmpty()) {
                targets.add(new Target(table, key));
            } else {
                problems.put(id, mine);
            }
        }
        if (targets.isEmpty() && problems.isEmpty()) {
            problems.put(null, List.of("capture.tables " + capture.tables() + " matches no table on the leader (that the user can see)"));
        }
        return new Survey(targets, problems);
    }

    /** One captured table's triggers: {@code current}, {@code missing}, {@code outdated}, {@code refused} or {@code left over}. */
    public record TableState(String table, String state, String detail) {
    }

    /** One follower registered on the leader: its applied tick and how many ticks the leader has beyond it. */
    public record ConsumerState(String follower, long tick, long ticksBehind, Instant updated) {
    }

    /** What {@code understudy triggers status} shows. */
    public record Status(String leader, boolean installed, String schemaVersion, int pendingMigrations, long lastTick,
                         Instant lastTickAt, long changeRows, List<TableState> tables, List<ConsumerState> consumers) {
        /** Whether every captured table has its current triggers and nothing is pending. */
        public boolean healthy() {
            return installed && pendingMigrations == 0 && tables.stream().allMatch(t -> t.state().equals("current"));
        }
    }

    /** Compares the leader with capture.tables and reports tables, consumers and the change table. Read-only. */
    public Status status() {
        LeaderDialect dialect = link.dialect();
        MigrationInfoService info = flyway(new TriggerMigration(dialect, List.of())).info();
        String version = info.current() == null || info.current().getVersion() == null ? "none"
                : info.current().getVersion().toString();
        int pending = (int) java.util.Arrays.stream(info.pending()).filter(m -> m.getVersion() != null).count();
        try (Connection c = link.open()) {
            Survey survey = survey(c);
            boolean installed = !"none".equals(version);
            Map<TableId, CaptureDefinition> stored = installed ? Definitions.latest(c) : Map.of();
            Map<TableId, List<LeaderDialect.InstalledTrigger>> present = new HashMap<>();
            dialect.installedTriggers(c).forEach(t -> present.computeIfAbsent(t.table(), k -> new ArrayList<>()).add(t));
            List<TableState> tables = new ArrayList<>();
            survey.problems().forEach((id, problems) -> tables.add(new TableState(id == null ? "-" : id.toString(),
                    "refused", String.join("; ", problems))));
            for (Target t : survey.targets()) {
                tables.add(state(t, stored.get(t.table().id()), present.getOrDefault(t.table().id(), List.of())));
            }
            Set<TableId> targeted = new HashSet<>();
            survey.targets().forEach(t -> targeted.add(t.table().id()));
            present.forEach((id, triggers) -> {
                if (!targeted.contains(id) && !survey.problems().containsKey(id)) {
                    tables.add(new TableState(id.toString(), "left over", "not in capture.tables any more; `understudy"
                            + " triggers install` removes its triggers " + names(triggers)));
                }
            });
            tables.sort(java.util.Comparator.comparing(TableState::table));
            if (!installed) {
                return new Status(link.describe(), false, version, pending, -1, null, 0, tables, List.of());
            }
            return withTicks(c, version, pending, tables);
        } catch (SQLException e) {
            throw link.failure("reading the trigger status", e);
        }
    }

    private TableState state(Target t, CaptureDefinition stored, List<LeaderDialect.InstalledTrigger> present) {
        String id = t.table().id().toString();
        if (present.isEmpty()) {
            return new TableState(id, "missing", "no capture triggers; run `understudy triggers install`"
                    + " (and copy the table to followers with `understudy snapshot --table " + id + "`)");
        }
        if (stored == null || !t.json().equals(Definitions.toJson(stored))) {
            return new TableState(id, "outdated", "the table changed since install (columns, types or key); run"
                    + " `understudy triggers install`");
        }
        Set<String> wanted = link.dialect().triggers(stored).keySet();
        Set<String> have = new HashSet<>();
        present.forEach(p -> have.add(p.name()));
        if (!have.equals(wanted)) {
            return new TableState(id, "outdated", "triggers " + have + " where install makes " + wanted
                    + "; run `understudy triggers install`");
        }
        return new TableState(id, "current", "capture definition " + stored.id());
    }

    private static String names(List<LeaderDialect.InstalledTrigger> triggers) {
        return triggers.stream().map(LeaderDialect.InstalledTrigger::name).toList().toString();
    }

    private Status withTicks(Connection c, String version, int pending, List<TableState> tables) throws SQLException {
        long lastTick;
        Instant lastAt;
        try (PreparedStatement ps = c.prepareStatement("SELECT id, created FROM understudy.tick ORDER BY id DESC LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            lastTick = rs.getLong(1);
            lastAt = Consumers.instant(link.dialect(), rs, 2);
        }
        long rows;
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM understudy.change_log");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            rows = rs.getLong(1);
        }
        List<ConsumerState> consumers = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name, tick, updated FROM understudy.consumer ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                consumers.add(new ConsumerState(rs.getString(1), rs.getLong(2), lastTick - rs.getLong(2),
                        Consumers.instant(link.dialect(), rs, 3)));
            }
        }
        return new Status(link.describe(), true, version, pending, lastTick, lastAt, rows, tables, consumers);
    }

    /**
     * Removes every Understudy trigger, the change table and the rest of schema understudy's Understudy objects,
     * and the schema itself when install created it and nothing else is in it. With {@code dryRun} only returns
     * the statements.
     */
    public List<String> uninstall(boolean dryRun) {
        LeaderDialect dialect = link.dialect();
        try (Connection c = link.open()) {
            List<String> statements = new ArrayList<>();
            dialect.installedTriggers(c).forEach(t -> statements.add(dialect.dropTrigger(t)));
            statements.addAll(dialect.dropObjects());
            boolean createdSchema = createdSchema(c);
            statements.add("DROP TABLE IF EXISTS " + qualified(HISTORY));
            if (createdSchema) {
                statements.add(dialect.kind().isMySqlFamily() ? "DROP DATABASE IF EXISTS understudy" : "DROP SCHEMA IF EXISTS understudy");
            }
            if (!dryRun) {
                try (Statement s = c.createStatement()) {
                    for (String sql : statements) {
                        if (sql.startsWith("DROP DATABASE") || sql.startsWith("DROP SCHEMA")) {
                            if (!schemaEmpty(c)) {
                                continue; // other objects (e.g. a follower's position tables) live there too
                            }
                        }
                        s.execute(sql);
                    }
                }
            }
            return statements;
        } catch (SQLException e) {
            throw link.failure("uninstalling", e);
        }
    }

    private String qualified(String table) {
        return link.dialect().kind().isMySqlFamily() ? "understudy.`" + table + "`" : "understudy.\"" + table + "\"";
    }

    /** Whether Flyway created schema understudy (its history then starts with a schema-creation row). */
    private boolean createdSchema(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + qualified(HISTORY) + " WHERE type = 'SCHEMA'")) {
            rs.next();
            return rs.getInt(1) > 0;
        } catch (SQLException e) {
            return false; // no history table: install never ran, or uninstall already did
        }
    }

    private boolean schemaEmpty(Connection c) throws SQLException {
        String sql = link.dialect().kind().isMySqlFamily()
                ? "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'understudy'"
                : "SELECT COUNT(*) FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE n.nspname = 'understudy'";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1) == 0;
        }
    }

    /**
     * Forgets a follower that will not come back: the purge stops waiting for it. A follower forgotten by mistake
     * refuses to resume and must be copied again.
     *
     * @return whether it was registered
     */
    public boolean forget(String follower) {
        try (Connection c = link.open(); PreparedStatement ps = c.prepareStatement("DELETE FROM understudy.consumer WHERE name = ?")) {
            ps.setString(1, follower);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw link.failure("forgetting follower " + follower, e);
        }
    }

    Flyway flyway(TriggerMigration triggers) {
        return Flyway.configure()
                .dataSource(leader.url(), leader.user(), leader.password().reveal())
                .schemas(LeaderDialect.SCHEMA)
                .createSchemas(true)
                .table(HISTORY)
                .locations(link.dialect().flywayLocation())
                .javaMigrations(triggers)
                .initSql(String.join(";\n", link.dialect().installSession()))
                .load();
    }

    private void requireVersion(Connection c) throws SQLException {
        var meta = c.getMetaData();
        int major = meta.getDatabaseMajorVersion();
        int minor = meta.getDatabaseMinorVersion();
        String product = meta.getDatabaseProductVersion();
        boolean ok = switch (link.dialect().kind()) {
            case POSTGRESQL -> major >= 13;
            case MYSQL -> major >= 8;
            case MARIADB -> major > 10 || (major == 10 && minor >= 3);
        };
        if (!ok) {
            throw new ReplicationException("leader " + link.describe() + " runs " + product + "; trigger mode needs"
                    + " PostgreSQL 13+ (xid8 snapshots), MySQL 8.0+ or MariaDB 10.3+ (an auto-increment that survives"
                    + " restarts)");
        }
    }

    /**
     * MariaDB/MySQL with a binlog let only SUPER create triggers unless log_bin_trust_function_creators is on; find
     * that out before Flyway creates anything.
     */
    private List<String> triggerRight(Connection c) throws SQLException {
        if (!link.dialect().kind().isMySqlFamily()) {
            return List.of();
        }
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@log_bin, @@log_bin_trust_function_creators")) {
            rs.next();
            if (!rs.getBoolean(1) || rs.getBoolean(2)) {
                return List.of();
            }
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW GRANTS")) {
            while (rs.next()) {
                String grant = rs.getString(1).toUpperCase(java.util.Locale.ROOT);
                if (grant.contains(" ON *.*") && (grant.contains("ALL PRIVILEGES") || grant.matches(".*[ ,]SUPER[ ,].*"))) {
                    return List.of();
                }
            }
        }
        return List.of("the leader writes a binlog and has log_bin_trust_function_creators = OFF, so only a user with"
                + " SUPER may create triggers: set it on (SET GLOBAL log_bin_trust_function_creators = 1, and in the"
                + " server's configuration or the cloud parameter group so it stays), or run install as a user with SUPER");
    }

    private String privileges() {
        return link.dialect().kind().isMySqlFamily()
                ? "CREATE, DROP, ALTER, INDEX, INSERT, UPDATE, DELETE, SELECT on understudy.* and TRIGGER, SELECT on the captured tables"
                : "CREATE on the database (to create schema understudy) and ownership of (or TRIGGER on) the captured tables";
    }
}
