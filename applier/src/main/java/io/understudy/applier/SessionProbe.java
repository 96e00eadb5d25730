package io.understudy.applier;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Checks once, at open, which optional session settings the follower user may use. */
final class SessionProbe {
    private static final Logger LOG = LoggerFactory.getLogger(SessionProbe.class);
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private SessionProbe() {
    }

    /**
     * True when the user may set {@code session_replication_role = replica} (superuser, or granted SET on
     * PostgreSQL 15+). Without it follower triggers and foreign key actions fire again; one WARN says so.
     */
    static boolean replicaRoleAllowed(FollowerRef where, DataSource pool) {
        try (Connection c = pool.getConnection()) {
            try {
                StatementWriter.run(c, "SET LOCAL session_replication_role = replica");
                return true;
            } catch (SQLException e) {
                if (!INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                    throw e;
                }
                LOG.warn("{}: may not set session_replication_role = replica ({}); follower triggers and foreign key "
                        + "actions will fire on replicated rows. Run as a superuser or GRANT SET ON PARAMETER "
                        + "session_replication_role TO the user (PostgreSQL 15+).", where, e.getMessage());
                return false;
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw Failures.wrap(where, "cannot check session settings", e, "Check the follower's state.");
        }
    }
}
