package io.understudy.trigger;

import io.understudy.catalog.PostgresLeaderCatalog;
import io.understudy.catalog.TableDef;
import io.understudy.model.TableId;
import io.understudy.servers.DatabaseServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A PostgreSQL leader with the real capture function of the leader migration, for tests: tables get the capture
 * trigger, writes go through a session with settings unlike the function's, and the change rows are read back.
 */
final class PostgresTestLeader {
    /**
     * The settings of a writer session that would change every value's text if the capture function did not fix
     * its own. The JDBC driver refuses a session DateStyle other than ISO, so writes run inside a function that
     * sets them ({@link #writeOddly}).
     */
    static final String ODD_SETTINGS = "SET extra_float_digits = 0 SET \"TimeZone\" = 'America/St_Johns'"
            + " SET \"DateStyle\" = 'SQL, DMY' SET \"IntervalStyle\" = 'sql_standard' SET bytea_output = 'escape'";

    /** One change row as the capture function wrote it. */
    record Change(String op, String before, String after) {
    }

    private final DatabaseServer server;
    private final String database;

    private PostgresTestLeader(DatabaseServer server, String database) {
        this.server = server;
        this.database = database;
    }

    /** Creates schema {@code understudy} with the V1 leader migration in {@code database} (null: the default one). */
    static PostgresTestLeader install(DatabaseServer server, String database) {
        String v1;
        try (InputStream in = PostgresTestLeader.class.getResourceAsStream(
                "/db/understudy-leader/postgresql/V1__capture_tables.sql")) {
            v1 = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.execute(database, "CREATE SCHEMA understudy", v1, "CREATE SCHEMA understudy_test",
                "CREATE FUNCTION understudy_test.oddly(statement text) RETURNS void LANGUAGE plpgsql " + ODD_SETTINGS
                        + " AS $$ BEGIN EXECUTE statement; END $$",
                "CREATE FUNCTION understudy_test.oddly_text(query text) RETURNS text LANGUAGE plpgsql " + ODD_SETTINGS
                        + " AS $$ DECLARE result text; BEGIN EXECUTE query INTO result; RETURN result; END $$");
        return new PostgresTestLeader(server, database);
    }

    Connection connect() throws SQLException {
        return server.connect(database);
    }

    void execute(String... statements) {
        server.execute(database, statements);
    }

    /** Puts the capture trigger on {@code table}, with {@code captureId} as its definition id. */
    void capture(String table, int captureId) {
        execute("CREATE TRIGGER understudy_capture AFTER INSERT OR UPDATE OR DELETE ON " + table
                + " FOR EACH ROW EXECUTE FUNCTION understudy.capture('" + captureId + "')");
    }

    /** Runs {@code statements} in one transaction, each under {@link #ODD_SETTINGS}. */
    void writeOddly(String... statements) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT understudy_test.oddly(?)")) {
            c.setAutoCommit(false);
            for (String sql : statements) {
                ps.setString(1, sql);
                ps.execute();
            }
            c.commit();
        }
    }

    /** The one value {@code query} returns, evaluated under {@link #ODD_SETTINGS}. */
    String queryOddly(String query) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT understudy_test.oddly_text(?)")) {
            ps.setString(1, query);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** The change rows of one capture definition, in write order. */
    List<Change> changes(int captureId) throws SQLException {
        List<Change> out = new ArrayList<>();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT op, before_image::text,"
                + " after_image::text FROM understudy.change_log WHERE capture_id = ? ORDER BY id")) {
            ps.setInt(1, captureId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Change(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return out;
    }

    TableDef table(String schema, String table) throws SQLException {
        try (Connection c = connect()) {
            return PostgresLeaderCatalog.table(c, new TableId(schema, table));
        }
    }

    CaptureDefinition definition(int captureId, String schema, String table) throws SQLException {
        TableDef t = table(schema, table);
        return new CaptureDefinition(captureId, t, t.primaryKey());
    }
}
