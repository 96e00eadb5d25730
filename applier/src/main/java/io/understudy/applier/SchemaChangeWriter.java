package io.understudy.applier;

import io.understudy.catalog.PostgresSchemaChange;
import io.understudy.model.ReplicationException;
import io.understudy.model.SchemaChange;
import io.understudy.model.TableId;
import io.understudy.model.UnsupportedSchemaChangeException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one leader DDL statement on a follower together with the position after it.
 *
 * <p><b>PostgreSQL</b>: the statement is translated ({@link PostgresSchemaChange}) and run in one transaction with
 * the position upsert: PostgreSQL DDL is transactional, so the change and the position commit together.
 *
 * <p><b>MariaDB/MySQL</b>: the statement runs as the leader wrote it, in its default database. These engines
 * commit DDL implicitly, so the position is stored in a second transaction right after it. This step is NOT
 * atomic: a crash between the two leaves the DDL applied and the old position stored, and the statement is read
 * again at restart. Re-running is made safe by writing {@code CREATE TABLE}/{@code DROP TABLE} with
 * {@code IF [NOT] EXISTS}, and by treating the errors a statement gives when its effect is already there
 * (table exists, duplicate column or key, unknown column/key/table to drop or rename) as "already applied".
 *
 * <p>Stateless apart from configuration; the caller serializes calls.
 */
final class SchemaChangeWriter {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaChangeWriter.class);
    /** table exists, unknown table, duplicate column, duplicate key name, can't drop, unknown column, no such table. */
    private static final Set<Integer> ALREADY_APPLIED = Set.of(1050, 1051, 1060, 1061, 1091, 1054, 1146, 1826);
    private static final Pattern CREATE_TABLE = Pattern.compile("(?is)^(\\s*CREATE\\s+TABLE\\s+)(?!IF\\s+NOT\\s+EXISTS)");
    private static final Pattern DROP_TABLE = Pattern.compile("(?is)^(\\s*DROP\\s+TABLE\\s+)(?!IF\\s+EXISTS)");

    private final FollowerRef where;
    private final Dialect dialect;
    private final PositionStore positions;

    SchemaChangeWriter(FollowerRef where, Dialect dialect, PositionStore positions) {
        this.where = where;
        this.dialect = dialect;
        this.positions = positions;
    }

    void apply(DataSource pool, SchemaChange change, String transactionSetup, Instant appliedAt) {
        try (Connection c = pool.getConnection()) {
            try {
                if (dialect instanceof PostgresDialect) {
                    applyPostgres(c, change, transactionSetup);
                } else {
                    applyMySql(c, change);
                }
                positions.write(c, change.position(), change.id(),
                        change.commitTime(), appliedAt, 1, 0);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw Failures.wrap(where, "cannot apply leader DDL at " + change.position().describe() + " ("
                    + abbreviate(change.ddl()) + ")", e, dialect instanceof PostgresDialect
                    ? "Nothing of it was committed. " + UnsupportedSchemaChangeException.waysOut(change)
                    : UnsupportedSchemaChangeException.waysOut(change));
        }
    }

    private void applyPostgres(Connection c, SchemaChange change, String transactionSetup) throws SQLException {
        if (transactionSetup != null) {
            StatementWriter.run(c, transactionSetup);
        }
        List<String> statements = PostgresSchemaChange.statements(change, id -> columns(c, id));
        try (Statement s = c.createStatement()) {
            for (String sql : statements) {
                LOG.debug("{}: {}", where, sql);
                s.execute(sql);
            }
        }
        LOG.info("{}: applied leader DDL at {} as {} PostgreSQL statement(s)", where, change.position().describe(), statements.size());
    }

    private List<String> columns(Connection c, TableId table) {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw Failures.wrap(where, "cannot read the columns of " + table, e, "Check the user's privileges.");
        }
        return names;
    }

    private void applyMySql(Connection c, SchemaChange change) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (SchemaChange.TableStructure t : change.tables()) {
                if (t.kind() == SchemaChange.Kind.CREATE) {
                    s.execute("CREATE DATABASE IF NOT EXISTS " + dialect.quote(t.table().schema()));
                }
            }
            useDatabase(c, change.database());
            String sql = DROP_TABLE.matcher(CREATE_TABLE.matcher(change.ddl()).replaceFirst("$1IF NOT EXISTS "))
                    .replaceFirst("$1IF EXISTS ");
            try {
                s.execute(sql);
                LOG.info("{}: applied leader DDL at {}", where, change.position().describe());
            } catch (SQLException e) {
                if (!ALREADY_APPLIED.contains(e.getErrorCode())) {
                    throw e;
                }
                LOG.warn("{}: leader DDL at {} is already in effect here ({}); storing its position only",
                        where, change.position().describe(), e.getMessage());
            }
        }
        c.commit(); // DDL committed implicitly; the position follows in its own transaction (not atomic)
    }

    private void useDatabase(Connection c, String database) {
        if (database.isEmpty()) {
            return;
        }
        try {
            c.setCatalog(database); // the pool restores the connection's catalog when it is returned
        } catch (SQLException e) {
            LOG.debug("{}: no database {} here; running the statement without a default database", where, database);
        }
    }

    static String abbreviate(String sql) {
        String flat = sql.replaceAll("\\s+", " ").trim();
        return flat.length() <= 200 ? flat : flat.substring(0, 200) + "...";
    }

    static ReplicationException notInTransaction(FollowerRef where, String open) {
        return new ReplicationException(where + ": DDL arrived while leader transaction " + open + " was open");
    }
}
