package io.understudy.catalog;

import io.understudy.config.DatabaseKind;
import io.understudy.config.TableFilter;
import io.understudy.model.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the replicated tables on a follower from the leader's catalog: CREATE SCHEMA/DATABASE IF NOT EXISTS
 * and CREATE TABLE IF NOT EXISTS per table, plus (PostgreSQL) CREATE INDEX IF NOT EXISTS per index. For a bulk
 * load ({@code understudy snapshot}) the same DDL comes split ({@link #forBulkLoad}): tables first, unique and
 * secondary indexes once the rows are in ({@link #addIndexes}).
 *
 * <ul>
 *   <li>No foreign keys: a follower constraint could reject or cascade a change the leader already decided
 *       (rows of a folded batch arrive in leader order, not in constraint order). The leader's cascades, which
 *       MariaDB does not log, are replayed by the applier from the leader's own keys (docs/followers.md).</li>
 *   <li>No triggers: the leader's trigger effects are in the binlog; firing them again would double them.</li>
 *   <li>An existing table is left as it is, even if its columns differ; nothing is dropped or altered.</li>
 *   <li>MySQL/MariaDB followers get the leader's {@code SHOW CREATE TABLE} minus foreign keys, so charsets,
 *       collations and engine match. PostgreSQL followers get the mapping in docs/type-mapping.md.</li>
 *   <li>Tables of a PostgreSQL leader ({@link TableDef#fromPostgres()}, from {@link PostgresLeaderCatalog}) are
 *       built from their definition: PostgreSQL followers get the leader's own types, MariaDB/MySQL followers the
 *       mapping in docs/type-mapping.md, "PostgreSQL leaders". {@link #create(Connection, DatabaseKind, List)}
 *       creates them, {@link #forBulkLoad} splits them for a bulk load.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe; the connections passed in must not be used by other threads during a call.
 */
public final class FollowerSchema {
    private static final Logger LOG = LoggerFactory.getLogger(FollowerSchema.class);

    private FollowerSchema() {
    }

    /**
     * The statements that create {@code t} on a follower of {@code followerKind}, built from the catalog alone
     * (pure), safe to run again. For tables of a MySQL/MariaDB leader on MySQL/MariaDB followers this loses charsets
     * and collations; {@link #create(Connection, Connection, DatabaseKind, TableFilter)} uses the leader's
     * {@code SHOW CREATE TABLE} instead. Tables of a PostgreSQL leader get the mapping of docs/type-mapping.md,
     * "PostgreSQL leaders".
     *
     * @throws UnsupportedTypeException if a column type has no mapping on the follower
     */
    public static List<String> ddl(TableDef t, DatabaseKind followerKind) {
        if (t.fromPostgres()) {
            return PostgresLeaderDdl.ddl(t, followerKind);
        }
        return followerKind.isMySqlFamily() ? MySqlDdl.fromCatalog(t) : PostgresDdl.ddl(t);
    }

    /**
     * Rewrites a leader's {@code SHOW CREATE TABLE} output for a MySQL/MariaDB follower (pure): qualified
     * with the schema, IF NOT EXISTS, FOREIGN KEY constraints removed, preceded by CREATE DATABASE IF NOT EXISTS.
     */
    public static List<String> ddlFromShowCreate(TableId id, String showCreateTable) {
        return MySqlDdl.fromShowCreate(id, showCreateTable);
    }

    /**
     * The statements that create {@code t} on a follower of {@code followerKind} for a bulk load, with the
     * unique and secondary indexes split off (pure). Running both parts gives the table {@link #create} makes.
     *
     * @param showCreateTable the leader's {@code SHOW CREATE TABLE} output; required for MySQL/MariaDB followers of
     *                        a MySQL/MariaDB leader, ignored (may be null) for tables of a PostgreSQL leader
     * @throws UnsupportedTypeException if a column type has no mapping on the follower
     */
    public static BulkLoadDdl forBulkLoad(TableDef t, DatabaseKind followerKind, String showCreateTable) {
        if (t.fromPostgres()) {
            return PostgresLeaderDdl.forBulkLoad(t, followerKind);
        }
        if (!followerKind.isMySqlFamily()) {
            return PostgresDdl.forBulkLoad(t);
        }
        if (showCreateTable == null) {
            throw new IllegalArgumentException("a " + followerKind.configName() + " follower table is created from the"
                    + " leader's SHOW CREATE TABLE output; none given for " + t.id());
        }
        return MySqlDdl.forBulkLoad(t.id(), showCreateTable);
    }

    /**
     * Runs the {@link BulkLoadDdl#create() create} statements of {@code tables} (not their indexes) on the
     * follower; if its auto-commit is off, the work is committed at the end.
     *
     * @throws IllegalStateException if a statement fails (the message names the table and the statement)
     */
    public static void createTables(Connection follower, DatabaseKind followerKind, List<BulkLoadDdl> tables) {
        for (BulkLoadDdl t : tables) {
            execute(follower, followerKind, t.table(), t.create());
        }
        commit(follower, followerKind);
    }

    /**
     * Adds those of {@code indexes} that the follower lacks, one statement each, and commits each one if
     * auto-commit is off. Safe to repeat: an index that exists (from an earlier, interrupted run) is skipped.
     *
     * @return how many indexes were added
     * @throws IllegalStateException if adding one fails (the message names the table, index and statement);
     *                               the indexes added before it stay
     */
    public static int addIndexes(Connection follower, DatabaseKind followerKind, List<DeferredIndex> indexes) {
        int added = 0;
        for (DeferredIndex index : indexes) {
            if (exists(follower, followerKind, index)) {
                continue;
            }
            try (Statement s = follower.createStatement()) {
                s.execute(index.ddl());
                added++;
            } catch (SQLException e) {
                if (!exists(follower, followerKind, index)) {
                    throw new IllegalStateException("adding index " + index.name() + " to table " + index.table()
                            + " on the " + followerKind.configName() + " follower failed: " + e.getMessage()
                            + " (SQLState " + e.getSQLState() + ") in statement: " + index.ddl(), e);
                }
            }
            commit(follower, followerKind);
        }
        return added;
    }

    private static boolean exists(Connection follower, DatabaseKind kind, DeferredIndex index) {
        String sql = kind.isMySqlFamily()
                ? "SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = ?"
                : "SELECT 1 FROM pg_indexes WHERE schemaname = ? AND tablename = ? AND indexname = ?";
        try (PreparedStatement ps = follower.prepareStatement(sql)) {
            ps.setString(1, index.table().schema());
            ps.setString(2, index.table().table());
            ps.setString(3, index.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the indexes of table " + index.table() + " on the "
                    + kind.configName() + " follower: " + e.getMessage() + "; check the user's privileges", e);
        }
    }

    private static void commit(Connection follower, DatabaseKind kind) {
        try {
            if (!follower.getAutoCommit()) {
                follower.commit();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("committing DDL on the " + kind.configName() + " follower failed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Creates every table of a MySQL/MariaDB leader that {@code filter} includes on the follower. Statements run on the follower
     * connection as it is; if its auto-commit is off, the work is committed at the end.
     *
     * @return the leader definitions of the tables now present on the follower
     * @throws UnsupportedTypeException before anything is created, if a column type has no follower mapping
     * @throws IllegalStateException    if a statement fails (the message names the table and the statement)
     */
    public static List<TableDef> create(Connection leader, Connection follower, DatabaseKind followerKind,
                                        TableFilter filter) {
        List<TableDef> tables = LeaderCatalog.tables(leader, filter);
        List<List<String>> statements = tables.stream()
                .map(t -> followerKind.isMySqlFamily() ? ddlFromShowCreate(t.id(), showCreate(leader, t.id()))
                        : ddl(t, followerKind))
                .toList();
        for (int i = 0; i < tables.size(); i++) {
            execute(follower, followerKind, tables.get(i).id(), statements.get(i));
        }
        commit(follower, followerKind);
        LOG.info("{} follower has {} replicated table(s)", followerKind.configName(), tables.size());
        return tables;
    }

    /**
     * Creates {@code tables} on the follower from their definitions alone ({@link #ddl}), tables and indexes; the
     * way to create the tables of a PostgreSQL leader ({@link PostgresLeaderCatalog#tables}). Statements run on the
     * follower connection as it is; if its auto-commit is off, the work is committed at the end.
     *
     * @throws UnsupportedTypeException before anything is created, if a column type has no follower mapping
     * @throws IllegalStateException    if a statement fails (the message names the table and the statement)
     */
    public static void create(Connection follower, DatabaseKind followerKind, List<TableDef> tables) {
        List<List<String>> statements = tables.stream().map(t -> ddl(t, followerKind)).toList();
        for (int i = 0; i < tables.size(); i++) {
            execute(follower, followerKind, tables.get(i).id(), statements.get(i));
        }
        commit(follower, followerKind);
        LOG.info("{} follower has {} replicated table(s)", followerKind.configName(), tables.size());
    }

    private static String showCreate(Connection leader, TableId id) {
        try (PreparedStatement ps = leader.prepareStatement("SHOW CREATE TABLE " + Quoting.table(DatabaseKind.MARIADB, id));
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("SHOW CREATE TABLE " + id + " returned nothing on the leader");
            }
            return rs.getString(2);
        } catch (SQLException e) {
            throw new IllegalStateException("SHOW CREATE TABLE " + id + " failed on the leader: " + e.getMessage()
                    + "; check that the user may read the table definition", e);
        }
    }

    private static void execute(Connection follower, DatabaseKind kind, TableId table, List<String> statements) {
        try (Statement s = follower.createStatement()) {
            for (String sql : statements) {
                try {
                    s.execute(sql);
                } catch (SQLException e) {
                    throw new IllegalStateException("creating table " + table + " on the " + kind.configName()
                            + " follower failed: " + e.getMessage() + " (SQLState " + e.getSQLState()
                            + ") in statement: " + sql + "; check the follower user's CREATE privilege", e);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a statement on the " + kind.configName()
                    + " follower: " + e.getMessage(), e);
        }
    }
}
