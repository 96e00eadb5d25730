package io.understudy.trigger;

import io.understudy.model.TableId;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Flyway's repeatable migration "capture triggers": brings the leader's triggers in line with the tables install
 * targets. Per table it stores a new capture definition when the table (or its key) changed, creates the triggers
 * of the current definition that are missing and drops Understudy triggers that are not current, also those of
 * tables no longer captured. Its checksum covers the targets, so Flyway runs it again exactly when the captured
 * tables or their definitions changed; triggers dropped or added by hand since are put right by
 * {@link TriggerInstaller} after Flyway ran, with the same {@link #statements}. Not thread-safe; one instance per
 * install.
 */
final class TriggerMigration implements JavaMigration {
    private final LeaderDialect dialect;
    private final List<Target> targets;
    private final int checksum;

    TriggerMigration(LeaderDialect dialect, List<Target> targets) {
        this.dialect = dialect;
        this.targets = List.copyOf(targets);
        CRC32 crc = new CRC32();
        targets.forEach(t -> crc.update(t.json().getBytes(StandardCharsets.UTF_8)));
        this.checksum = (int) crc.getValue();
    }

    @Override
    public MigrationVersion getVersion() {
        return null; // repeatable
    }

    @Override
    public String getDescription() {
        return "capture triggers";
    }

    @Override
    public Integer getChecksum() {
        return checksum;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return !dialect.kind().isMySqlFamily(); // MariaDB/MySQL DDL commits implicitly
    }

    @Override
    public void migrate(Context context) throws SQLException {
        apply(context.getConnection());
    }

    /** Runs {@link #statements} on {@code c}; returns them. */
    List<String> apply(Connection c) throws SQLException {
        List<String> statements = statements(c, false);
        try (Statement s = c.createStatement()) {
            if (dialect.kind().isMySqlFamily() && !statements.isEmpty()) {
                // a trigger keeps the sql_mode it was created under: not strict, so an image larger than
                // max_allowed_packet never fails the application's write (the follower stops on it instead)
                s.execute("SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'");
            }
            for (String sql : statements) {
                s.execute(sql);
            }
        }
        return statements;
    }

    /**
     * The trigger statements install runs, in order. With {@code dryRun} nothing is written and a definition that
     * would be new shows as id 0 in trigger names; without it, new definitions are stored on the way.
     */
    List<String> statements(Connection c, boolean dryRun) throws SQLException {
        Map<TableId, CaptureDefinition> stored = dryRun && !changeTablesExist(c) ? Map.of() : Definitions.latest(c);
        Map<TableId, List<LeaderDialect.InstalledTrigger>> present = dialect.installedTriggers(c).stream()
                .collect(Collectors.groupingBy(LeaderDialect.InstalledTrigger::table, HashMap::new, Collectors.toList()));
        List<String> creates = new ArrayList<>();
        List<String> drops = new ArrayList<>();
        for (Target t : targets) {
            CaptureDefinition current = stored.get(t.table().id());
            if (current == null || !t.json().equals(Definitions.toJson(current))) {
                current = dryRun ? new CaptureDefinition(0, t.table(), t.keyColumns()) : store(c, t);
            }
            Map<String, String> wanted = dialect.triggers(current);
            List<LeaderDialect.InstalledTrigger> have = present.getOrDefault(t.table().id(), List.of());
            Set<String> haveNames = have.stream().map(LeaderDialect.InstalledTrigger::name).collect(Collectors.toSet());
            wanted.forEach((name, create) -> {
                if (!haveNames.contains(name)) {
                    creates.add(create);
                }
            });
            have.stream().filter(h -> !wanted.containsKey(h.name())).map(dialect::dropTrigger).forEach(drops::add);
        }
        Set<TableId> targeted = targets.stream().map(t -> t.table().id()).collect(Collectors.toSet());
        present.forEach((table, triggers) -> {
            if (!targeted.contains(table)) {
                triggers.stream().map(dialect::dropTrigger).forEach(drops::add);
            }
        });
        List<String> all = new ArrayList<>(creates);
        all.addAll(drops);
        return all;
    }

    private CaptureDefinition store(Connection c, Target t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO understudy.capture_table (table_schema, table_name,"
                + " definition) VALUES (?, ?, ?)", new String[] {"id"})) {
            ps.setString(1, t.table().id().schema());
            ps.setString(2, t.table().id().table());
            ps.setString(3, t.json());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return new CaptureDefinition(keys.getInt(1), t.table(), t.keyColumns());
            }
        }
    }

    private boolean changeTablesExist(Connection c) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(dialect.kind().isMySqlFamily() ? LeaderDialect.SCHEMA : null,
                dialect.kind().isMySqlFamily() ? null : LeaderDialect.SCHEMA, "capture_table", null)) {
            return rs.next();
        }
    }
}
