package io.understudy.cli;

import io.understudy.config.DatabaseKind;
import io.understudy.config.FollowerConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Read-only checks of one follower for {@code understudy check}. */
final class FollowerChecks {
    private FollowerChecks() {
    }

    static List<CheckCommand.Result> run(FollowerConfig f) {
        String scope = "follower " + f.name();
        List<CheckCommand.Result> results = new ArrayList<>();
        Properties props = new Properties();
        props.setProperty("user", f.endpoint().user());
        props.setProperty("password", f.endpoint().password().reveal());
        DriverManager.setLoginTimeout(10);
        try (Connection c = DriverManager.getConnection(f.endpoint().url(), props)) {
            results.add(new CheckCommand.Result(scope, "reachable", true, f.endpoint().describe(), ""));
            if (f.endpoint().kind() == DatabaseKind.POSTGRESQL) {
                results.add(replicationRole(c, scope));
            }
        } catch (SQLException e) {
            results.add(new CheckCommand.Result(scope, "reachable", false,
                    f.endpoint().describe() + ": " + e.getMessage(),
                    "start the follower or fix url/user/password for follower '" + f.name() + "'"));
        }
        return results;
    }

    private static CheckCommand.Result replicationRole(Connection c, String scope) {
        try (Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SET LOCAL session_replication_role = replica");
            c.rollback();
            return new CheckCommand.Result(scope, "session_replication_role", true,
                    "follower triggers and FK actions are switched off while applying", "");
        } catch (SQLException e) {
            return new CheckCommand.Result(scope, "session_replication_role", false,
                    "cannot SET session_replication_role: " + e.getMessage(),
                    "make the follower user a superuser or GRANT SET ON PARAMETER session_replication_role TO it;"
                            + " otherwise follower triggers and FK actions fire again on replicated rows");
        }
    }
}
