package io.understudy.catalog;

import static io.understudy.catalog.RowDiff.Kind.DIFFERENT_VALUES;
import static io.understudy.catalog.RowDiff.Kind.EXTRA_ON_FOLLOWER;
import static io.understudy.catalog.RowDiff.Kind.MISSING_ON_FOLLOWER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.understudy.config.DatabaseKind;
import io.understudy.config.TableFilter;
import io.understudy.model.TableId;
import io.understudy.servers.DatabaseServer;
import io.understudy.servers.Servers;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real MariaDB leader, PostgreSQL and MariaDB followers; each test its own schema. */
class ChunkedVerifierTest extends ThreeServers {

    private static DatabaseServer follower(String kind) {
        return kind.equals("postgresql") ? pg : maria;
    }

    private static DatabaseKind kindOf(DatabaseServer s) {
        return DatabaseKind.valueOf(s.kind().toUpperCase(Locale.ROOT));
    }

    /** Creates {@code db.t} on the leader and both followers and inserts the same rows everywhere. */
    private static void load(String db, String ddl, int rows, IntFunction<String> row) throws Exception {
        leader.execute(null, "CREATE DATABASE " + db, ddl.formatted(db));
        for (DatabaseServer f : List.of(pg, maria)) {
            try (Connection l = leader.connect(null); Connection fc = f.connect(null)) {
                FollowerSchema.create(l, fc, kindOf(f), new TableFilter(List.of(db + ".*"), List.of()));
            }
        }
        for (int from = 0; from < rows; from += 1000) {
            List<String> values = new ArrayList<>();
            for (int i = from; i < Math.min(rows, from + 1000); i++) {
                values.add("(" + row.apply(i) + ")");
            }
            String insert = "INSERT INTO " + db + ".t VALUES " + String.join(", ", values);
            for (DatabaseServer s : List.of(leader, pg, maria)) {
                s.execute(null, insert);
            }
        }
    }

    private static TableVerification verify(DatabaseServer f, String db, VerifyOptions options) throws Exception {
        try (Connection l = leader.connect(null); Connection fc = f.connect(null)) {
            TableDef def = LeaderCatalog.table(l, new TableId(db, "t"));
            return new ChunkedVerifier(options).verify(new ChunkedVerifier.Sides(l, DatabaseKind.MARIADB, fc, kindOf(f),
                    def, def.primaryKey()));
        }
    }

    private static final String INT_TABLE = "CREATE TABLE %s.t (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL,"
            + " note VARCHAR(40), amount DECIMAL(10,2), at DATETIME(6))";

    private static String intRow(int i) {
        return (i * 2) + ", 'name " + i + "', " + (i % 7 == 0 ? "NULL" : "''") + ", " + i + ".25, '2024-01-02 03:04:05.1'";
    }

    @Test
    void equalTablesHaveNoDifferencesOverManyChunks() throws Exception {
        load("v_equal", INT_TABLE, 5000, ChunkedVerifierTest::intRow);
        for (DatabaseServer f : List.of(pg, maria)) {
            TableVerification r = verify(f, "v_equal", new VerifyOptions(500, 0, 100));
            assertThat(r.equal()).as("on %s: %s", f.kind(), r.diffs()).isTrue();
            assertThat(r.leaderRows()).isEqualTo(5000);
            assertThat(r.followerRows()).isEqualTo(5000);
            assertThat(r.chunks()).isEqualTo(11);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void plantedDifferencesAreNarrowedToTheirKeys(String kind) throws Exception {
        String db = "v_planted_" + kind;
        load(db, INT_TABLE, 5000, ChunkedVerifierTest::intRow);
        DatabaseServer f = follower(kind);
        String t = kind.equals("postgresql") ? "\"" + db + "\".t" : db + ".t";
        f.execute(null, "UPDATE " + t + " SET amount = 1.5 WHERE id = 2468",
                "DELETE FROM " + t + " WHERE id = 4000",
                "INSERT INTO " + t + " VALUES (3001, 'odd one', NULL, 1, NULL), (-5, 'before', '', 1, NULL),"
                        + " (20000, 'after', '', 1, NULL)",
                "UPDATE " + t + " SET note = NULL WHERE id = 6002");
        TableVerification r = verify(f, db, new VerifyOptions(500, 0, 100));
        assertThat(r.diffs()).extracting(RowDiff::kind, d -> d.key().get(0)).containsExactlyInAnyOrder(
                tuple(DIFFERENT_VALUES, "2468"), tuple(MISSING_ON_FOLLOWER, "4000"), tuple(EXTRA_ON_FOLLOWER, "3001"),
                tuple(EXTRA_ON_FOLLOWER, "-5"), tuple(EXTRA_ON_FOLLOWER, "20000"), tuple(DIFFERENT_VALUES, "6002"));
        assertThat(r.differences()).isEqualTo(6);
        assertThat(r.leaderRows()).isEqualTo(5000);
        assertThat(r.followerRows()).isEqualTo(5002);

        f.execute(null, "UPDATE " + t + " SET amount = 1234.25 WHERE id = 2468", "DELETE FROM " + t + " WHERE id = 3001");
        try (Connection l = leader.connect(null); Connection fc = f.connect(null)) {
            TableDef def = LeaderCatalog.table(l, new TableId(db, "t"));
            ChunkedVerifier.Sides sides = new ChunkedVerifier.Sides(l, DatabaseKind.MARIADB, fc, kindOf(f), def, List.of("id"));
            List<RowDiff> still = new ChunkedVerifier(VerifyOptions.DEFAULTS).recheck(sides, r.diffs());
            assertThat(still).extracting(d -> d.key().get(0)).containsExactlyInAnyOrder("4000", "-5", "20000", "6002");
            TableVerification after = r.afterRecheck(still);
            assertThat(after.differences()).isEqualTo(4);
            assertThat(after.leaderRows()).isEqualTo(5001); // the resolved extra counts as now on the leader
        }
    }

    private static final String STRING_TABLE = "CREATE TABLE %s.t (region VARCHAR(20) NOT NULL, code VARCHAR(20) NOT NULL,"
            + " val INT, note TEXT, PRIMARY KEY (region, code))";

    private static String stringRow(int i) {
        String[] regions = {"Zürich", "alpha", "Beta", "beta_2", "ÄÖ", "_x"};
        return "'" + regions[i % regions.length] + "', 'c" + i + (i % 3 == 0 ? "A" : "b") + "', " + i + ", "
                + (i % 5 == 0 ? "NULL" : "'n" + i + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void compositeStringKeysAreComparedExactly(String kind) throws Exception {
        String db = "v_string_" + kind;
        load(db, STRING_TABLE, 300, ChunkedVerifierTest::stringRow);
        DatabaseServer f = follower(kind);
        String t = kind.equals("postgresql") ? "\"" + db + "\".t" : db + ".t";
        f.execute(null, "UPDATE " + t + " SET val = -1 WHERE region = 'alpha' AND code = 'c1b'",
                "DELETE FROM " + t + " WHERE region = 'Zürich' AND code = 'c0A'",
                "INSERT INTO " + t + " VALUES ('zzz', 'new', 1, NULL), ('ÄÖ', 'c4c', 4, 'n4')",
                "UPDATE " + t + " SET note = '' WHERE region = 'Zürich' AND code = 'c30A'");
        TableVerification r = verify(f, db, new VerifyOptions(7, 0, 100));
        assertThat(r.diffs()).extracting(RowDiff::kind, RowDiff::key).containsExactlyInAnyOrder(
                tuple(DIFFERENT_VALUES, List.of("alpha", "c1b")), tuple(MISSING_ON_FOLLOWER, List.of("Zürich", "c0A")),
                tuple(EXTRA_ON_FOLLOWER, List.of("zzz", "new")), tuple(EXTRA_ON_FOLLOWER, List.of("ÄÖ", "c4c")),
                tuple(DIFFERENT_VALUES, List.of("Zürich", "c30A")));
        assertThat(r.leaderRows()).isEqualTo(300);
        assertThat(r.chunks()).isEqualTo(43);
        assertThat(r.diffs().get(0).describeKey(r.keyColumns())).startsWith("region=");
    }

    @Test
    void keptDifferencesAreCappedButAllCounted() throws Exception {
        load("v_capped", INT_TABLE, 100, ChunkedVerifierTest::intRow);
        pg.execute(null, "UPDATE \"v_capped\".t SET name = 'x'");
        TableVerification r = verify(pg, "v_capped", new VerifyOptions(30, 100_000, 10));
        assertThat(r.differences()).isEqualTo(100);
        assertThat(r.diffs()).hasSize(10);
        assertThat(r.afterRecheck(List.of()).differences()).isEqualTo(90);
    }
}
