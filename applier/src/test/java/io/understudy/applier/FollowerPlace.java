package io.understudy.applier;

import io.understudy.config.DatabaseKind;
import io.understudy.servers.DatabaseServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * One real follower server per test class and a fresh place on it for each test (no understudy schema, an empty data
 * schema with the tables of {@link #ddl()}): what the applier's contracts run on. One subclass per database kind
 * supplies the server and the place.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FollowerPlace {
    static final List<String> ID = List.of("id");
    protected DatabaseServer server;
    protected String url;
    protected String schema;
    private int testNumber;

    protected abstract DatabaseServer launch();

    /** Prepares an empty place (no understudy schema, an empty data schema) and sets {@link #url} and {@link #schema}. */
    protected abstract void prepare(int testNumber);

    /** The tables each test starts with, in {@link #schema}. */
    protected abstract List<String> ddl();

    @BeforeAll
    void startServer() {
        server = launch();
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void freshPlace() {
        prepare(++testNumber);
        exec(ddl().toArray(String[]::new));
    }

    int testNumber() {
        return testNumber;
    }

    DatabaseKind kind() {
        return DatabaseKind.valueOf(server.kind().toUpperCase(Locale.ROOT));
    }

    void exec(String... statements) {
        try (Connection c = DriverManager.getConnection(url, server.user(), server.password());
             Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
