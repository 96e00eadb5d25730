package io.understudy.snapshot;

import io.understudy.catalog.BulkLoadDdl;
import io.understudy.catalog.FollowerSchema;
import io.understudy.catalog.ForeignKey;
import io.understudy.catalog.ForeignKeys;
import io.understudy.catalog.TableDef;
import io.understudy.config.DatabaseKind;
import io.understudy.config.TableFilter;
import io.understudy.model.TableId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The follower DDL of a snapshot: tables (from {@link FollowerSchema#forBulkLoad}, whose unique and secondary
 * indexes are added after each table's copy) and, on request, the leader's foreign keys
 * between included tables. Foreign keys are added after the copy without checking existing rows (PostgreSQL
 * {@code NOT VALID}, MariaDB/MySQL {@code foreign_key_checks=0}): tables are copied at different positions, so
 * they agree with each other only once streaming has caught up. Stateless and thread-safe.
 */
final class SchemaStep {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaStep.class);

    private SchemaStep() {
    }

    /**
     * Tables the leader estimates below this many rows are created with all their indexes: building each index after
     * the copy costs a statement (and on MariaDB an ALTER TABLE) of 10–150 ms, more than maintaining it while so few
     * rows go in (Sakila's 16 tables: about 0.8 s of a 1.5 s copy).
     */
    static final long DEFER_INDEXES_FROM_ROWS = 100_000;

    /**
     * Per table: its follower DDL with the unique and secondary indexes split off, to add after the copy, or, for a
     * table estimated below {@link #DEFER_INDEXES_FROM_ROWS}, with nothing split off.
     */
    static List<BulkLoadDdl> tableDdl(Connection leader, List<TableDef> tables, DatabaseKind kind,
                                      Map<TableId, Long> estimates) throws SQLException {
        List<BulkLoadDdl> ddl = new ArrayList<>();
        for (TableDef t : tables) {
            boolean sameFamily = kind.isMySqlFamily() && !t.fromPostgres();
            String showCreate = sameFamily ? showCreate(leader, t.id()) : null;
            if (estimates.getOrDefault(t.id(), Long.MAX_VALUE) < DEFER_INDEXES_FROM_ROWS) {
                ddl.add(new BulkLoadDdl(t.id(), sameFamily ? FollowerSchema.ddlFromShowCreate(t.id(), showCreate)
                        : FollowerSchema.ddl(t, kind), List.of()));
            } else {
                ddl.add(FollowerSchema.forBulkLoad(t, kind, showCreate));
            }
        }
        return ddl;
    }

    /** Everything {@code --dry-run} prints: schemas and tables, then indexes (as they run: after the copy). */
    static List<String> statements(List<BulkLoadDdl> tables) {
        List<String> out = new ArrayList<>();
        tables.forEach(t -> out.addAll(t.create()));
        List<String> result = new ArrayList<>(out.stream().distinct().toList());
        tables.forEach(t -> t.indexes().forEach(i -> result.add(i.ddl())));
        return result;
    }

    private static String showCreate(Connection leader, TableId id) throws SQLException {
        try (Statement s = leader.createStatement();
             ResultSet rs = s.executeQuery("SHOW CREATE TABLE " + mysql(id.schema()) + "." + mysql(id.table()))) {
            rs.next();
            return rs.getString(2);
        }
    }

    /** The leader's foreign keys between included tables, as follower DDL ({@link ForeignKeys#read}). */
    static List<String> foreignKeyDdl(Connection leader, List<TableDef> tables, TableFilter filter, DatabaseKind kind)
            throws SQLException {
        Set<TableId> included = tables.stream().map(TableDef::id).collect(Collectors.toSet());
        List<String> ddl = new ArrayList<>();
        for (ForeignKey k : ForeignKeys.read(leader, filter)) {
            if (included.contains(k.child()) && included.contains(k.parent())) {
                ddl.add(foreignKey(kind, k));
            }
        }
        return ddl;
    }

    private static String foreignKey(DatabaseKind kind, ForeignKey k) {
        String cols = k.columns().stream().map(c -> q(kind, c)).collect(Collectors.joining(", "));
        String refs = k.referenced().stream().map(c -> q(kind, c)).collect(Collectors.joining(", "));
        return "ALTER TABLE " + q(kind, k.child().schema()) + "." + q(kind, k.child().table()) + " ADD CONSTRAINT "
                + q(kind, k.name()) + " FOREIGN KEY (" + cols + ") REFERENCES " + q(kind, k.parent().schema()) + "."
                + q(kind, k.parent().table()) + " (" + refs + ") ON DELETE " + k.onDelete().sql() + " ON UPDATE "
                + k.onUpdate().sql() + (kind.isMySqlFamily() ? "" : " NOT VALID");
    }

    /** Runs the foreign key statements; one that exists already (a re-run) is reported and skipped. */
    static void addForeignKeys(Connection follower, DatabaseKind kind, List<String> ddl) throws SQLException {
        try (Statement s = follower.createStatement()) {
            if (kind.isMySqlFamily()) {
                s.execute("SET SESSION foreign_key_checks = 0");
            }
            for (String sql : ddl) {
                try {
                    s.execute(sql);
                    if (!follower.getAutoCommit()) {
                        follower.commit();
                    }
                } catch (SQLException e) {
                    if (!follower.getAutoCommit()) {
                        follower.rollback();
                    }
                    LOG.warn("foreign key not added ({}; SQLState {}): {}; it may exist already from an earlier run",
                            e.getMessage(), e.getSQLState(), sql);
                }
            }
        }
    }

    private static String q(DatabaseKind kind, String identifier) {
        return kind.isMySqlFamily() ? mysql(identifier) : "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static String mysql(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
