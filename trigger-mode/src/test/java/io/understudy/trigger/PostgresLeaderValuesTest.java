package io.understudy.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.applier.FollowerApplier;
import io.understudy.catalog.ChecksumComparison;
import io.understudy.catalog.ChunkedVerifier;
import io.understudy.catalog.FollowerSchema;
import io.understudy.catalog.TableChecksum;
import io.understudy.catalog.TableDef;
import io.understudy.catalog.TableVerification;
import io.understudy.catalog.VerifyOptions;
import io.understudy.config.DatabaseKind;
import io.understudy.config.Endpoint;
import io.understudy.config.FollowerConfig;
import io.understudy.config.Secret;
import io.understudy.model.Op;
import io.understudy.model.ReplicationException;
import io.understudy.model.RowChange;
import io.understudy.model.TickPosition;
import io.understudy.model.Transaction;
import io.understudy.servers.DatabaseServer;
import io.understudy.servers.Servers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end for values: a PostgreSQL leader table with every supported type, its changes captured by the real
 * capture function and decoded by {@link PostgresImages}, follower tables made by {@link FollowerSchema}, the rows
 * written by the real {@link FollowerApplier} to a PostgreSQL follower (another database of the leader's server) and
 * a MariaDB follower, and leader and followers compared by {@link TableChecksum} and {@link ChunkedVerifier}.
 */
class PostgresLeaderValuesTest {
    private static DatabaseServer pg;
    private static DatabaseServer maria;
    private static PostgresTestLeader leader;
    private final PostgresImages images = new PostgresImages();

    /** One follower database and the applier writing to it. */
    private record Follower(DatabaseKind kind, DatabaseServer server, String database) {
        Connection connect() throws SQLException {
            return server.connect(database);
        }

        FollowerApplier applier() {
            return FollowerApplier.open(new FollowerConfig(kind.configName(), new Endpoint(kind,
                    server.jdbcUrl(database), server.user(), new Secret(server.password())), 1), Clock.systemUTC());
        }
    }

    @BeforeAll
    static void start() {
        pg = Servers.postgres();
        maria = Servers.mariadb();
        pg.execute(null, "CREATE DATABASE leader");
        leader = PostgresTestLeader.install(pg, "leader");
    }

    @AfterAll
    static void stop() {
        for (DatabaseServer s : new DatabaseServer[] {pg, maria}) {
            if (s != null) {
                s.close();
            }
        }
    }

    /** A fresh PostgreSQL follower database and a MariaDB follower without position table. */
    private static List<Follower> followers(String name) {
        pg.execute(null, "CREATE DATABASE " + name);
        maria.execute(null, "DROP DATABASE IF EXISTS understudy");
        return List.of(new Follower(DatabaseKind.POSTGRESQL, pg, name), new Follower(DatabaseKind.MARIADB, maria, null));
    }

    @Test
    void everyValueBothFollowerKindsCanHoldArrivesExactly() throws Exception {
        leader.execute("CREATE SCHEMA e2e", "CREATE TYPE e2e.mood AS ENUM ('ok', 'with ''quote\"')",
                "CREATE TABLE e2e.t (" + PostgresImagesTest.ALL_TYPES.formatted("e2e") + ")",
                "CREATE UNIQUE INDEX t_u ON e2e.t (u)", "CREATE INDEX t_t ON e2e.t (t, vc)");
        leader.capture("e2e.t", 1);
        leader.writeOddly("INSERT INTO e2e.t VALUES (1, -32768, 2147483647, -9223372036854775808,"
                        + " 123456789012345678901234567890.000100, 1.5, 0.1, 0.1::float8 + 0.2, true,"
                        + " E'a\"b\\\\c\\n\\t\\u0001 😀 é', 'héllo', 'ab', '\\x00ff41', '2024-02-29',"
                        + " '2024-02-29 23:59:59.999999', '2024-06-01 12:00:00.5+02', '23:59:59.999999',"
                        + " ' {\"b\": 1.50, \"a\": [1,2], \"a\": 3} ', '{\"b\": 1.50, \"a\": 2}',"
                        + " 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'with ''quote\"', B'101')",
                "INSERT INTO e2e.t (id) VALUES (2)",
                "INSERT INTO e2e.t VALUES (3, 32767, -2147483648, 9223372036854775807,"
                        + " 12345678901234567890123456789012345.123456789012345678901234567890, -9999999.999,"
                        + " 3.4028235e38, -1.7976931348623157e308, false, 'trailing  😀', '', 'a', '\\x00', '0001-01-01',"
                        + " '9999-12-31 23:59:59.999999', '0001-01-01 00:00:00+00', '24:00:00', '\"str\"',"
                        + " '[1, {\"a\": null}]', '00000000-0000-0000-0000-000000000000', 'ok', B'000')",
                "INSERT INTO e2e.t (id, r, d, n, n2, tm, dt, ts, tz) VALUES (4, 1.17549435e-38, -0, 0, 0.001, '00:00:00',"
                        + " '9999-12-31', '1970-01-01 00:00:00', '2038-01-19 03:14:08+00')",
                // a subnormal float, and one whose shortest text (1.234565) rounds to 6 digits unlike its value
                "INSERT INTO e2e.t (id, r) VALUES (5, 1e-45), (6, 1.234565)");
        leader.writeOddly("UPDATE e2e.t SET id = 40, d = 1e-300, t = 'moved' WHERE id = 4",
                "UPDATE e2e.t SET j = '{}', jb = '{\"z\": 1e2}', m = 'ok' WHERE id = 1", "DELETE FROM e2e.t WHERE id = 2",
                "INSERT INTO e2e.t (id, t) VALUES (2, 'again')");
        CaptureDefinition def = leader.definition(1, "e2e", "t");
        List<RowChange> changes = rowChanges(def, leader.changes(1));

        for (Follower f : followers("follower_all")) {
            try (Connection c = f.connect()) {
                FollowerSchema.create(c, f.kind(), List.of(def.table()));
            }
            try (FollowerApplier applier = f.applier()) {
                apply(applier, 1, changes.subList(0, 6));
                apply(applier, 2, changes.subList(6, changes.size()));
            }
            assertSameRows(f, def.table());
        }
        try (Connection c = maria.connect(null); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT j, CAST(tz AS CHAR), CAST(tm AS CHAR), c FROM e2e.t WHERE id = 3")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("\"str\"");
            assertThat(rs.getString(2)).isEqualTo("0001-01-01 00:00:00.000000"); // UTC
            assertThat(rs.getString(3)).isEqualTo("24:00:00.000000");
            assertThat(rs.getString(4)).isEqualTo("a");
        }
        try (Connection c = pg.connect("follower_all"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT j::text, tm::text, c || '|' FROM e2e.t ORDER BY id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("{}");
            assertThat(rs.next() && rs.next()).isTrue();
            assertThat(rs.getString(2)).isEqualTo("24:00:00");
            assertThat(rs.getString(3)).isEqualTo("a|"); // character(n) compares without its padding
        }
    }

    /**
     * Keys that differ only in case or trailing spaces are different rows on a PostgreSQL leader; they stay
     * different on a MariaDB follower (binary NO PAD collation), and verify matches them across engines.
     */
    @Test
    void stringKeysKeepPostgresEquality() throws Exception {
        leader.execute("CREATE SCHEMA keys", "CREATE TABLE keys.t (u uuid, c char(4), k text, v int, PRIMARY KEY (u, c, k))");
        leader.capture("keys.t", 4);
        leader.writeOddly("INSERT INTO keys.t VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'ab', 'a', 1),"
                + " ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'ab', 'A', 2), ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'ab', 'a ', 3),"
                + " ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'AB', 'a', 4), ('00000000-0000-0000-0000-000000000000', '', 'é', 5)",
                "UPDATE keys.t SET v = v + 10 WHERE k = 'a'", "DELETE FROM keys.t WHERE k = 'A'");
        CaptureDefinition def = leader.definition(4, "keys", "t");
        List<RowChange> changes = rowChanges(def, leader.changes(4));
        for (Follower f : followers("follower_keys")) {
            try (Connection c = f.connect()) {
                FollowerSchema.create(c, f.kind(), List.of(def.table()));
            }
            try (FollowerApplier applier = f.applier()) {
                apply(applier, 1, changes);
            }
            assertSameRows(f, def.table());
        }
        try (Connection c = maria.connect(null); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT group_concat(v ORDER BY v) FROM keys.t")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("3,5,11,14");
        }
    }

    /**
     * Values a PostgreSQL follower takes and a MariaDB/MySQL follower cannot: that follower stops with a message
     * naming the column, and nothing of the transaction is committed.
     */
    @Test
    void valuesOnlyPostgresFollowersCanHoldStopAMariaDbFollower() throws Exception {
        leader.execute("CREATE SCHEMA pgonly", "CREATE TABLE pgonly.t (id int PRIMARY KEY, r real, d double precision,"
                        + " n numeric, dt date, ts timestamp, tz timestamptz)",
                "CREATE TABLE pgonly.k (k text PRIMARY KEY, v int)");
        leader.capture("pgonly.t", 2);
        leader.capture("pgonly.k", 3);
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("r", "'NaN'");
        bad.put("d", "'-Infinity'");
        bad.put("n", "1e40");
        bad.put("n ", "0." + "1234567890".repeat(4)); // 40 digits after the point
        bad.put("dt", "'10000-01-01'");
        bad.put("dt ", "'0002-01-01 BC'");
        bad.put("ts", "'0044-03-15 12:00:00 BC'");
        bad.put("tz", "'294276-12-31 23:59:59.999999+00'");
        List<String> inserts = new ArrayList<>();
        int id = 0;
        for (Map.Entry<String, String> e : bad.entrySet()) {
            inserts.add("INSERT INTO pgonly.t (id, " + e.getKey().trim() + ") VALUES (" + ++id + ", " + e.getValue() + ")");
        }
        inserts.add("INSERT INTO pgonly.k VALUES (repeat('x', 800), 1)");
        leader.writeOddly(inserts.toArray(String[]::new));
        CaptureDefinition t = leader.definition(2, "pgonly", "t");
        CaptureDefinition k = leader.definition(3, "pgonly", "k");
        List<RowChange> rows = new ArrayList<>(rowChanges(t, leader.changes(2)));
        rows.addAll(rowChanges(k, leader.changes(3)));
        List<Follower> followers = followers("follower_pgonly");

        Follower pgFollower = followers.get(0);
        try (Connection c = pgFollower.connect()) {
            FollowerSchema.create(c, pgFollower.kind(), List.of(t.table(), k.table()));
        }
        try (FollowerApplier applier = pgFollower.applier()) {
            apply(applier, 1, rows);
        }
        assertSameRows(pgFollower, t.table());
        assertSameRows(pgFollower, k.table());

        Follower mariaFollower = followers.get(1);
        try (Connection c = mariaFollower.connect()) {
            FollowerSchema.create(c, mariaFollower.kind(), List.of(t.table(), k.table()));
        }
        List<String> columns = new ArrayList<>(bad.keySet().stream().map(String::trim).toList());
        columns.add("k");
        try (FollowerApplier applier = mariaFollower.applier()) {
            List<String> stored = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                try {
                    apply(applier, i + 1, List.of(rows.get(i)));
                    stored.add(columns.get(i) + " " + rows.get(i).after());
                } catch (ReplicationException e) {
                    assertThat(e).as("row %s (%s)", i + 1, columns.get(i)).hasMessageContaining(columns.get(i));
                    applier.abort();
                }
            }
            assertThat(stored).as("rows the MariaDB follower took").isEmpty();
            assertThat(applier.storedPosition()).isEmpty();
        }
        try (Connection c = maria.connect(null); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM pgonly.t) + (SELECT count(*) FROM pgonly.k)")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    private List<RowChange> rowChanges(CaptureDefinition def, List<PostgresTestLeader.Change> changes) {
        List<RowChange> out = new ArrayList<>();
        for (PostgresTestLeader.Change c : changes) {
            Op op = switch (c.op()) {
                case "I" -> Op.INSERT;
                case "U" -> Op.UPDATE;
                case "D" -> Op.DELETE;
                default -> Op.TRUNCATE;
            };
            out.add(op == Op.TRUNCATE ? RowChange.truncate(def.tableId()) : new RowChange(def.tableId(), op,
                    c.before() == null ? null : images.decode(def, c.before()),
                    c.after() == null ? null : images.decode(def, c.after()), def.keyColumns()));
        }
        return out;
    }

    private static void apply(FollowerApplier applier, long tick, List<RowChange> changes) throws InterruptedException {
        String id = "tx" + tick;
        applier.begin(id);
        applier.changes(changes);
        applier.commit(new Transaction(id, new TickPosition(tick, "test"), Instant.parse("2024-05-06T07:08:09Z"), changes.size()));
        applier.endOfBatch();
    }

    /** Column by column first (names the culprit), then whole rows by checksum and by the chunked verifier. */
    private static void assertSameRows(Follower f, TableDef t) throws Exception {
        try (Connection l = leader.connect(); Connection c = f.connect()) {
            List<String> differing = new ArrayList<>();
            for (String column : t.columnNames()) {
                if (!TableChecksum.of(l, DatabaseKind.POSTGRESQL, t.id(), t.primaryKey(), List.of(column))
                        .equals(TableChecksum.of(c, f.kind(), t.id(), t.primaryKey(), List.of(column)))) {
                    differing.add(column);
                }
            }
            assertThat(differing).as("columns differing on the %s follower", f.kind()).isEmpty();
            ChecksumComparison all = TableChecksum.ofAll(l, c, f.kind(), List.of(t)).get(t.id());
            assertThat(all.matches()).as("checksums on the %s follower: %s", f.kind(), all).isTrue();
            TableVerification v = new ChunkedVerifier(new VerifyOptions(2, 0, 100))
                    .verify(new ChunkedVerifier.Sides(l, DatabaseKind.POSTGRESQL, c, f.kind(), t, t.primaryKey()));
            assertThat(v.diffs()).as("verify on the %s follower", f.kind()).isEmpty();
            assertThat(v.equal()).isTrue();
        }
    }
}
