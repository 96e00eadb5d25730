package io.understudy.trigger;

import io.understudy.config.DatabaseKind;
import io.understudy.servers.DatabaseServer;
import io.understudy.servers.Servers;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
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

    @org.junit.jupiter.api.Test
    void aTableWithoutTransactionsIsRefused() throws Exception {
        try (java.sql.Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + schema + ".plain (id INT PRIMARY KEY) ENGINE=MyISAM");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> installer().install(false))
                .hasMessageContaining("table " + schema + ".plain uses the MyISAM engine, which has no transactions");
    }

    @Override
    String unsupportedType() {
        return "INET6";
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
    List<String> leaderObjects(Statement s) throws SQLException {
        List<String> all = new java.util.ArrayList<>();
        all.addAll(strings(s, "SELECT CONCAT('schema ', SCHEMA_NAME) FROM information_schema.SCHEMATA"));
        all.addAll(strings(s, "SELECT CONCAT('table ', TABLE_SCHEMA, '.', TABLE_NAME, ' ', TABLE_TYPE) FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')"));
        all.addAll(strings(s, "SELECT CONCAT('column ', TABLE_SCHEMA, '.', TABLE_NAME, '.', COLUMN_NAME, ' ', COLUMN_TYPE) FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')"));
        all.addAll(strings(s, "SELECT CONCAT('trigger ', TRIGGER_SCHEMA, '.', TRIGGER_NAME) FROM information_schema.TRIGGERS"));
        all.addAll(strings(s, "SELECT CONCAT('routine ', ROUTINE_SCHEMA, '.', ROUTINE_NAME) FROM information_schema.ROUTINES"));
        all.addAll(strings(s, "SELECT CONCAT('event ', EVENT_SCHEMA, '.', EVENT_NAME) FROM information_schema.EVENTS"));
        java.util.Collections.sort(all);
        return all;
    }

    @Override
    void dropUnderstudy(Statement s) throws SQLException {
        s.execute("DROP DATABASE IF EXISTS understudy");
        for (String old : strings(s, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'tc%'")) {
            s.execute("DROP DATABASE " + old);
        }
    }
}
