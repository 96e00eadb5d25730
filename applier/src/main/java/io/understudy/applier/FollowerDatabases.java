package io.understudy.applier;

import io.understudy.config.Endpoint;
import io.understudy.config.FollowerConfig;
import io.understudy.model.ReplicationException;
import io.understudy.model.RetriableException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an empty follower server ready to be bootstrapped by {@code understudy snapshot}: the databases it needs exist
 * before anything connects to them. Where the follower's user may not create them, nothing is created and the error
 * gives the statements an administrator must run.
 *
 * <ul>
 *   <li>MariaDB/MySQL: the URL's database, {@code understudy} and the database of every replicated leader schema
 *       ({@code s.t} lands in {@code s.t}); created when missing. One the user may not create undoes the ones created
 *       before it.</li>
 *   <li>PostgreSQL: the URL's database, created through the {@code postgres} database when missing and the user may
 *       (CREATEDB); the schemas are created with the tables, so the user needs {@code CREATE} on the database when one
 *       of them, or {@code understudy}, is missing.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class FollowerDatabases {
    private static final Logger LOG = LoggerFactory.getLogger(FollowerDatabases.class);
    private static final int MYSQL_UNKNOWN_DATABASE = 1049;
    private static final String PG_UNKNOWN_DATABASE = "3D000";

    private FollowerDatabases() {
    }

    /**
     * Creates what is missing, or fails having created nothing.
     *
     * @param schemas the leader schemas of the replicated tables
     * @return what was created, for the caller's report
     * @throws ReplicationException when the user may not create what is missing (the message has the statements)
     * @throws RetriableException   when the follower is unreachable
     */
    public static List<String> ensure(FollowerConfig follower, Collection<String> schemas) {
        FollowerRef where = FollowerRef.of(follower);
        Set<String> needed = new LinkedHashSet<>();
        String urlDatabase = follower.endpoint().database();
        try {
            if (follower.endpoint().kind().isMySqlFamily()) {
                if (!urlDatabase.isEmpty()) {
                    needed.add(urlDatabase);
                }
                needed.addAll(schemas);
                needed.add(PositionStore.SCHEMA);
                return mysql(where, follower.endpoint(), needed);
            }
            needed.addAll(schemas);
            needed.add(PositionStore.SCHEMA);
            return postgres(where, follower.endpoint(), needed);
        } catch (SQLException e) {
            throw Failures.wrap(where, "cannot prepare the follower's databases", e,
                    "Check that the follower runs and that the user and password are right.");
        }
    }

    /** Whether a connection failed because the URL names a database the server does not have. */
    public static boolean isUnknownDatabase(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && (s.getErrorCode() == MYSQL_UNKNOWN_DATABASE
                    || PG_UNKNOWN_DATABASE.equals(s.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> mysql(FollowerRef where, Endpoint endpoint, Set<String> needed) throws SQLException {
        try (Connection c = connect(endpoint.withDatabase(""))) {
            Set<String> existing = new LinkedHashSet<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA")) {
                while (rs.next()) {
                    existing.add(rs.getString(1));
                }
            }
            List<String> missing = needed.stream().filter(d -> !existing.contains(d)).toList();
            List<String> created = new ArrayList<>();
            for (String database : missing) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + quote(database));
                    created.add(database);
                } catch (SQLException e) {
                    undo(c, created);
                    String account = account(c, endpoint.user());
                    throw new ReplicationException(where + ": database(s) " + names(missing) + " do not exist and "
                            + account + " may not create them (" + Failures.describe(e) + "). Nothing was written. As an"
                            + " administrator, run: " + missing.stream().map(d -> "CREATE DATABASE " + quote(d) + ";")
                            .collect(Collectors.joining(" ")) + " " + needed.stream().map(d -> "GRANT ALL PRIVILEGES ON "
                            + quote(d) + ".* TO " + account + ";").collect(Collectors.joining(" "))
                            + " Then run the snapshot again.", e);
                }
            }
            if (!created.isEmpty()) {
                LOG.info("{}: created database(s) {}", where, names(created));
            }
            return created;
        }
    }

    private static void undo(Connection c, List<String> created) {
        for (String database : created) {
            try (Statement s = c.createStatement()) {
                s.execute("DROP DATABASE " + quote(database));
            } catch (SQLException e) {
                LOG.warn("could not drop database {} again after a failed bootstrap: {}", database, e.getMessage());
            }
        }
    }

    /** The account as the server knows it ({@code 'u'@'%'}), for GRANT statements. */
    private static String account(Connection c, String user) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
            if (rs.next()) {
                String current = rs.getString(1);
                int at = current.lastIndexOf('@');
                if (at > 0) {
                    return "'" + current.substring(0, at) + "'@'" + current.substring(at + 1) + "'";
                }
            }
        } catch (SQLException e) {
            LOG.debug("CURRENT_USER() failed", e);
        }
        return "'" + user + "'@'%'";
    }

    private static List<String> postgres(FollowerRef where, Endpoint endpoint, Set<String> schemas) throws SQLException {
        List<String> created = new ArrayList<>();
        try {
            connect(endpoint).close();
        } catch (SQLException e) {
            if (!isUnknownDatabase(e)) {
                throw e;
            }
            createPostgresDatabase(where, endpoint);
            created.add(endpoint.database());
        }
        try (Connection c = connect(endpoint)) {
            List<String> missing = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
                for (String schema : schemas) {
                    ps.setString(1, schema);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            missing.add(schema);
                        }
                    }
                }
            }
            boolean mayCreate;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT has_database_privilege(current_database(), 'CREATE')")) {
                mayCreate = rs.next() && rs.getBoolean(1);
            }
            if (!missing.isEmpty() && !mayCreate) {
                String db = "\"" + endpoint.database().replace("\"", "\"\"") + "\"";
                throw new ReplicationException(where + ": schema(s) " + names(missing) + " do not exist in database "
                        + endpoint.database() + " and " + endpoint.user() + " may not create them. Nothing was written."
                        + " As an administrator, run: GRANT CREATE ON DATABASE " + db + " TO \"" + endpoint.user()
                        + "\"; (or create the schemas owned by that user) Then run the snapshot again.", null);
            }
        }
        if (!created.isEmpty()) {
            LOG.info("{}: created database {}", where, endpoint.database());
        }
        return created;
    }

    private static void createPostgresDatabase(FollowerRef where, Endpoint endpoint) throws SQLException {
        String db = "\"" + endpoint.database().replace("\"", "\"\"") + "\"";
        String statement = "CREATE DATABASE " + db + " OWNER \"" + endpoint.user() + "\";";
        try (Connection c = connect(endpoint.withDatabase("postgres")); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
        } catch (SQLException e) {
            throw new ReplicationException(where + ": database " + endpoint.database() + " does not exist and "
                    + endpoint.user() + " may not create it (" + Failures.describe(e) + "). Nothing was written. As an"
                    + " administrator, run: " + statement + " Then run the snapshot again.", e);
        }
    }

    private static Connection connect(Endpoint endpoint) throws SQLException {
        DriverManager.setLoginTimeout(10);
        return DriverManager.getConnection(endpoint.url(), endpoint.user(), endpoint.password().reveal());
    }

    private static String quote(String database) {
        return "`" + database.replace("`", "``") + "`";
    }

    private static String names(Collection<String> databases) {
        return String.join(", ", databases);
    }

    /** The message for a connection refused because the URL's database does not exist: what creates it. */
    public static String missingDatabase(String follower, Endpoint endpoint) {
        String db = endpoint.database();
        return "database '" + db + "' does not exist on " + endpoint.host() + ":" + endpoint.port() + "; `understudy"
                + " snapshot --follower " + follower + "` creates the databases a new follower needs, or create it: "
                + (endpoint.kind().isMySqlFamily() ? "CREATE DATABASE " + quote(db) + ";" : "CREATE DATABASE \"" + db + "\";");
    }
}
