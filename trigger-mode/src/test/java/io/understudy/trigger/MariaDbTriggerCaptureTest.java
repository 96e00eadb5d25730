package io.understudy.trigger;

import io.understudy.config.DatabaseKind;
import io.understudy.servers.DatabaseServer;
import io.understudy.servers.Servers;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class MariaDbTriggerCaptureTest extends TriggerCaptureContract {
    private static DatabaseServer server;

    @BeforeAll
    static void start() {
        server = Servers.mariadb();
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
        return DatabaseKind.MARIADB;
    }

    @Override
    String url() {
        return server.jdbcUrl("");
    }

    @Override
    void createSchema(Statement s, String schema) throws SQLException {
        s.execute("CREATE DATABASE " + schema);
    }

    @Override
    void dropUnderstudy(Statement s) throws SQLException {
        s.execute("DROP DATABASE IF EXISTS understudy");
    }
}
