package io.understudy.catalog;

import io.understudy.config.CaptureConfig;
import io.understudy.config.CaptureMode;
import io.understudy.config.DatabaseKind;
import io.understudy.config.Endpoint;
import io.understudy.config.TableFilter;
import io.understudy.model.RetriableException;
import io.understudy.model.TableId;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the foreign keys of a MariaDB/MySQL leader and decides whether the applier must replay their cascades.
 * Columns come from {@code information_schema.KEY_COLUMN_USAGE}; the ON DELETE / ON UPDATE rules from
 * {@code SHOW CREATE TABLE}, because MariaDB shows {@code REFERENTIAL_CONSTRAINTS} rows only to users with more than
 * SELECT on the table, and the replication user has just SELECT. Stateless and thread-safe.
 */
public final class ForeignKeys {
    private static final String SYSTEM_SCHEMAS = "('mysql','information_schema','performance_schema','sys')";
    private static final Pattern CONSTRAINT = Pattern.compile("^\\s*CONSTRAINT `(.+)` FOREIGN KEY ");
    private static final Pattern RULE = Pattern.compile(" ON (DELETE|UPDATE) (RESTRICT|CASCADE|SET NULL|NO ACTION|SET DEFAULT)");

    private ForeignKeys() {
    }

    /**
     * The ON DELETE and ON UPDATE rule of each foreign key in a {@code SHOW CREATE TABLE} text, by constraint name;
     * RESTRICT where omitted.
     */
    static Map<String, ForeignKey.Rule[]> rules(String showCreateTable) {
        Map<String, ForeignKey.Rule[]> rules = new LinkedHashMap<>();
        for (String line : showCreateTable.split("\n")) {
            Matcher name = CONSTRAINT.matcher(line);
            if (!name.find()) {
                continue;
            }
            ForeignKey.Rule[] pair = {ForeignKey.Rule.RESTRICT, ForeignKey.Rule.RESTRICT};
            Matcher m = RULE.matcher(line.substring(name.end()));
            while (m.find()) {
                pair[m.group(1).equals("DELETE") ? 0 : 1] = ForeignKey.Rule.parse(m.group(2));
            }
            // MySQL doubles a backquote inside the name, MariaDB prints it as is: keep both spellings
            rules.put(name.group(1), pair);
            rules.putIfAbsent(name.group(1).replace("``", "`"), pair);
        }
        return rules;
    }

    /**
     * Every foreign key of the MariaDB/MySQL leader whose child table {@code filter} includes, in child, name order.
     * Parents may be outside the filter (the check warns about those).
     */
    public static List<ForeignKey> read(Connection leader, TableFilter filter) throws SQLException {
        List<String> schemas = filter.literalSchemas();
        String sql = "SELECT TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA,"
                + " REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE"
                + " WHERE REFERENCED_TABLE_NAME IS NOT NULL AND TABLE_SCHEMA NOT IN " + SYSTEM_SCHEMAS
                + (schemas.isEmpty() ? "" : " AND TABLE_SCHEMA IN (" + "?,".repeat(schemas.size() - 1) + "?)")
                + " ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION";
        record Part(TableId child, String name, String column, TableId parent, String referenced) {
        }
        Map<TableId, Map<String, List<Part>>> byChild = new LinkedHashMap<>();
        try (PreparedStatement ps = leader.prepareStatement(sql)) {
            for (int i = 0; i < schemas.size(); i++) {
                ps.setString(i + 1, schemas.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TableId child = new TableId(rs.getString(1), rs.getString(2));
                    if (filter.includes(child)) {
                        Part p = new Part(child, rs.getString(3), rs.getString(4), new TableId(rs.getString(5),
                                rs.getString(6)), rs.getString(7));
                        byChild.computeIfAbsent(child, t -> new LinkedHashMap<>())
                                .computeIfAbsent(p.name(), n -> new ArrayList<>()).add(p);
                    }
                }
            }
        }
        List<ForeignKey> keys = new ArrayList<>();
        for (Map.Entry<TableId, Map<String, List<Part>>> e : byChild.entrySet()) {
            Map<String, ForeignKey.Rule[]> rules = rules(showCreateTable(leader, e.getKey()));
            e.getValue().forEach((name, parts) -> {
                ForeignKey.Rule[] r = rules.getOrDefault(name, new ForeignKey.Rule[] {ForeignKey.Rule.RESTRICT,
                    ForeignKey.Rule.RESTRICT});
                keys.add(new ForeignKey(name, e.getKey(), parts.stream().map(Part::column).toList(), parts.get(0).parent(),
                        parts.stream().map(Part::referenced).toList(), r[0], r[1]));
            });
        }
        return keys;
    }

    private static String showCreateTable(Connection leader, TableId table) throws SQLException {
        try (Statement s = leader.createStatement();
             ResultSet rs = s.executeQuery("SHOW CREATE TABLE " + Quoting.table(DatabaseKind.MARIADB, table))) {
            return rs.next() ? rs.getString(2) : "";
        }
    }

    /**
     * Why the applier must NOT replay cascades for this leader, or empty when it must. MariaDB never writes the rows
     * its InnoDB cascades change to the binlog, and they fire no triggers, so both capture modes miss them. MySQL 9.6
     * moved foreign keys into the SQL layer ({@code innodb_native_foreign_keys=OFF}, the default there), which logs
     * each cascaded row as a row event before the parent's; its triggers still do not fire on cascaded rows unless a
     * session sets {@code enable_cascade_triggers} (9.7), so trigger mode replays them (a replay after captured child
     * rows finds nothing left to change). PostgreSQL runs cascades as row triggers: the capture triggers see them.
     */
    public static Optional<String> leaderRecordsCascades(Connection leader, DatabaseKind kind, CaptureMode mode)
            throws SQLException {
        if (kind == DatabaseKind.POSTGRESQL) {
            return Optional.of("a PostgreSQL leader's cascades fire the capture triggers of the child tables");
        }
        if (kind != DatabaseKind.MYSQL || mode != CaptureMode.BINLOG) {
            return Optional.empty();
        }
        String version = scalar(leader, "SELECT VERSION()");
        if (!atLeast(version, 9, 6)) {
            return Optional.empty();
        }
        String nativeKeys = scalar(leader, "SELECT @@GLOBAL.innodb_native_foreign_keys");
        boolean sqlLayer = "0".equals(nativeKeys) || "OFF".equalsIgnoreCase(nativeKeys);
        return sqlLayer ? Optional.of("MySQL " + version + " handles foreign keys in the SQL layer"
                + " (innodb_native_foreign_keys=OFF) and writes every cascaded row to the binlog") : Optional.empty();
    }

    /** Like {@link #toReplay(Endpoint, CaptureConfig)} on an open connection to a leader of {@code kind}. */
    public static ForeignKeyGraph toReplay(Connection leader, DatabaseKind kind, CaptureConfig capture) throws SQLException {
        if (leaderRecordsCascades(leader, kind, capture.mode()).isPresent()) {
            return ForeignKeyGraph.NONE;
        }
        return ForeignKeyGraph.of(read(leader, capture.filter()), capture.filter()::includes);
    }

    /** Whether a server version string such as {@code 9.6.0-commercial} is at least {@code major.minor}. */
    static boolean atLeast(String version, int major, int minor) {
        Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version == null ? "" : version);
        if (!m.find()) {
            return false;
        }
        int ma = Integer.parseInt(m.group(1));
        int mi = Integer.parseInt(m.group(2));
        return ma > major || ma == major && mi >= minor;
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /**
     * The cascades the applier must replay for this leader and capture: its cascading keys between replicated tables,
     * or {@link ForeignKeyGraph#NONE} when the leader logs or captures cascaded rows itself. Opens one connection.
     *
     * @throws RetriableException when the leader cannot be read (it may be restarting)
     */
    public static ForeignKeyGraph toReplay(Endpoint leader, CaptureConfig capture) {
        try (Connection c = DriverManager.getConnection(leader.url(), leader.user(), leader.password().reveal())) {
            return toReplay(c, leader.kind(), capture);
        } catch (SQLException e) {
            throw new RetriableException("cannot read the foreign keys of leader " + leader.describe() + ": "
                    + e.getMessage() + "; Understudy needs them to replay cascades the leader does not log", e);
        }
    }
}
