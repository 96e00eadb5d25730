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
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
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
            targets = targets(c);
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

    /** The tables to capture now, or every reason some cannot be. */
    List<Target> targets(Connection c) throws SQLException {
        LeaderDialect dialect = link.dialect();
        List<String> problems = new ArrayList<>();
        List<Target> targets = new ArrayList<>();
        for (TableId id : dialect.tableIds(c, capture.filter())) {
            TableDef table = dialect.table(c, id);
            List<String> key = capture.keys().getOrDefault(id, table.primaryKey());
            if (key.isEmpty()) {
                problems.add("table " + id + " has no primary key; add one, or name its key columns in capture.keys"
                        + " (capture: {keys: {" + id + ": [col, ...]}}), or exclude it");
            }
            for (String k : key) {
                if (table.column(k).isEmpty()) {
                    problems.add("capture.keys names column " + k + " of " + id + ", which the table does not have");
                }
            }
            dialect.unsupported(table).forEach(p -> problems.add("table " + id + ": " + p));
            targets.add(new Target(table, key));
        }
        if (targets.isEmpty()) {
            problems.add("capture.tables " + capture.tables() + " matches no table on the leader (that the user can see)");
        }
        if (!problems.isEmpty()) {
            throw new InstallRefusedException(link.describe(), problems);
        }
        return targets;
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

    private String privileges() {
        return link.dialect().kind().isMySqlFamily()
                ? "CREATE, DROP, ALTER, INDEX, INSERT, UPDATE, DELETE, SELECT on understudy.* and TRIGGER, SELECT on the captured tables"
                : "CREATE on the database (to create schema understudy) and ownership of (or TRIGGER on) the captured tables";
    }
}
