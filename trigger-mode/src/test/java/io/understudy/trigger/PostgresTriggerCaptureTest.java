package io.understudy.trigger;

import io.understudy.config.DatabaseKind;
import io.understudy.servers.DatabaseServer;
import io.understudy.servers.Servers;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresTriggerCaptureTest extends TriggerCaptureContract {
    private static DatabaseServer server;

    @BeforeAll
    static void start() {
        server = Servers.postgres();
    }

    @AfterAll
    static void shutdown() {
        server.close();
    }

    @Override
    DatabaseServer leader() {
        return server;
    }

    @Override
    DatabaseKind kind() {
        return DatabaseKind.POSTGRESQL;
    }

    @Override
    String url() {
        return server.jdbcUrl(null);
    }

    @Override
    void createSchema(Statement s, String schema) throws SQLException {
        s.execute("CREATE SCHEMA " + schema);
    }

    @Override
    void dropUnderstudy(Statement s) throws SQLException {
        s.execute("DROP SCHEMA IF EXISTS understudy CASCADE");
    }
}
