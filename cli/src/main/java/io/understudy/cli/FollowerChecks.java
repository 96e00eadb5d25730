package io.understudy.cli;

import io.understudy.applier.FollowerDatabases;
import io.understudy.config.DatabaseKind;
import io.understudy.config.FollowerConfig;
import io.understudy.config.TableFilter;
import io.understudy.model.TableId;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Read-only checks of one follower for {@code understudy check}. */
final class FollowerChecks {
    private FollowerChecks() {
    }

    static List<CheckCommand.Result> run(FollowerConfig f, TableFilter replicated) {
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
            results.addAll(triggers(c, f.endpoint().kind(), replicated, scope));
        } catch (SQLException e) {
            results.add(new CheckCommand.Result(scope, "reachable", false,
                    f.endpoint().describe() + ": " + e.getMessage(), FollowerDatabases.isUnknownDatabase(e)
                    ? FollowerDatabases.missingDatabase(f.name(), f.endpoint())
                    : "start the follower or fix url/user/password for follower '" + f.name() + "'"));
        }
        return results;
    }

    /**
     * Triggers on replicated follower tables that fire on applied rows: every one on MariaDB/MySQL (they have no
     * session switch), PostgreSQL's {@code ENABLE ALWAYS} ones (the replica role silences the others). Each is a
     * warning with its consequence.
     */
    private static List<CheckCommand.Result> triggers(Connection c, DatabaseKind kind, TableFilter replicated, String scope) {
        String sql = kind.isMySqlFamily()
                ? "SELECT EVENT_OBJECT_SCHEMA, EVENT_OBJECT_TABLE, TRIGGER_NAME, CONCAT(ACTION_TIMING, ' ', EVENT_MANIPULATION)"
                        + " FROM information_schema.TRIGGERS ORDER BY 1, 2, 3"
                : "SELECT n.nspname, c.relname, t.tgname, 'ENABLE ALWAYS' FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND t.tgenabled = 'A'"
                        + " ORDER BY 1, 2, 3";
        List<CheckCommand.Result> results = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                TableId table = new TableId(rs.getString(1), rs.getString(2));
                if (!replicated.includes(table)) {
                    continue;
                }
                results.add(new CheckCommand.Result(scope, "trigger " + table + "." + rs.getString(3), true,
                        rs.getString(4) + " trigger on a replicated table fires for every row Understudy applies"
                                + (kind.isMySqlFamily() ? " (MariaDB/MySQL have no session switch to silence it)" : "")
                                + "; under parallel apply it sees the net change of each row per group, not each leader change",
                        "drop it if it writes what the leader's own triggers already wrote (their effects arrive as rows),"
                                + " or make sure it only writes tables that are not replicated"));
            }
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException e) {
            results.add(new CheckCommand.Result(scope, "triggers", true, "cannot list the follower's triggers: "
                    + e.getMessage(), "check by hand that no trigger on a replicated table writes replicated tables"));
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
