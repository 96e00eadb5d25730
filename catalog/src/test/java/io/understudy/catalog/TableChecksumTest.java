package io.understudy.catalog;

import static io.understudy.config.DatabaseKind.MARIADB;
import static io.understudy.config.DatabaseKind.POSTGRESQL;
import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.config.DatabaseKind;
import io.understudy.config.TableFilter;
import io.understudy.model.TableId;
import io.understudy.servers.DatabaseServer;
import io.understudy.servers.Servers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Real MariaDB leader, PostgreSQL and MariaDB followers. */
class TableChecksumTest extends ThreeServers {

    private static Checksum checksum(DatabaseServer server, DatabaseKind kind, String db) throws Exception {
        TableId id = new TableId(db, AllTypesFixture.TABLE);
        List<String> columns = List.of(AllTypesFixture.COLUMNS.split(",\\s*"));
        try (Connection c = server.connect(null)) {
            return TableChecksum.of(c, kind, id, List.of("id"), columns);
        }
    }

    /** Columns whose (id, column) checksum differs from the leader's: names the culprit when a test fails. */
    private static List<String> differingColumns(DatabaseServer follower, DatabaseKind kind, String db) throws Exception {
        TableId id = new TableId(db, AllTypesFixture.TABLE);
        List<String> differing = new ArrayList<>();
        try (Connection l = leader.connect(null); Connection f = follower.connect(null)) {
            for (String column : AllTypesFixture.COLUMNS.split(",\\s*")) {
                if (!TableChecksum.of(l, MARIADB, id, List.of("id"), List.of(column))
                        .equals(TableChecksum.of(f, kind, id, List.of("id"), List.of(column)))) {
                    differing.add(column);
                }
            }
        }
        return differing;
    }

    @Test
    void everyTypeChecksumsEquallyOnAllThreeDatabases() throws Exception {
        AllTypesFixture.load("types_equal", leader, pg, maria);
        Checksum onLeader = checksum(leader, MARIADB, "types_equal");
        assertThat(onLeader.rows()).isEqualTo(3);
        assertThat(differingColumns(maria, MARIADB, "types_equal")).isEmpty();
        assertThat(differingColumns(pg, POSTGRESQL, "types_equal")).isEmpty();
        assertThat(checksum(maria, MARIADB, "types_equal")).isEqualTo(onLeader);
        assertThat(checksum(pg, POSTGRESQL, "types_equal")).isEqualTo(onLeader);
    }

    @Test
    void ofAllComparesEveryIncludedTable() throws Exception {
        AllTypesFixture.load("types_all", leader, pg, maria);
        try (Connection l = leader.connect(null); Connection p = pg.connect(null)) {
            List<TableDef> tables = LeaderCatalog.tables(l, new TableFilter(List.of("types_all.*"), List.of()));
            Map<TableId, ChecksumComparison> result = TableChecksum.ofAll(l, p, POSTGRESQL, tables);
            assertThat(result).hasSize(1);
            assertThat(result.values()).allMatch(ChecksumComparison::matches);
        }
    }

    @Test
    void oneValueAMissingRowAndNullVersusEmptyAllChangeTheChecksum() throws Exception {
        String db = "types_diff";
        AllTypesFixture.load(db, leader, pg, maria);
        Checksum onLeader = checksum(leader, MARIADB, db);
        String pgTable = "\"" + db + "\"." + AllTypesFixture.TABLE;

        pg.execute(null, "UPDATE " + pgTable + " SET vc = 'héllo 😀 emojI' WHERE id = 1");
        assertThat(checksum(pg, POSTGRESQL, db)).isNotEqualTo(onLeader);
        pg.execute(null, "UPDATE " + pgTable + " SET vc = 'héllo 😀 emoji' WHERE id = 1");
        assertThat(checksum(pg, POSTGRESQL, db)).isEqualTo(onLeader);

        pg.execute(null, "DELETE FROM " + pgTable + " WHERE id = 3");
        assertThat(checksum(pg, POSTGRESQL, db).rows()).isEqualTo(2);

        maria.execute(null, "UPDATE " + db + "." + AllTypesFixture.TABLE + " SET vc = NULL WHERE id = 3");
        Checksum nullInsteadOfEmpty = checksum(maria, MARIADB, db);
        assertThat(nullInsteadOfEmpty.rows()).isEqualTo(3);
        assertThat(nullInsteadOfEmpty).isNotEqualTo(onLeader);
    }

    @Test
    void mariaDbTimesKeepSignAndHoursBeyondADay() throws Exception {
        leader.execute(null, "CREATE DATABASE times", "CREATE TABLE times.t (id INT PRIMARY KEY, tm TIME(6))",
                "INSERT INTO times.t VALUES (1, '-01:02:03.5'), (2, '838:59:59'), (3, '00:00:00.000001')");
        ColumnDef tm = new ColumnDef("tm", "time", "time(6)", true, null, null, null, 6, null, false);
        List<String> values = new ArrayList<>();
        try (Connection c = leader.connect(null); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + ChecksumQuery.mysql(tm).expression() + " FROM times.t ORDER BY id")) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        assertThat(values).containsExactly("-01:02:03.500000", "838:59:59.000000", "00:00:00.000001");
    }

    @Test
    void postgresIntervalsFormatLikeMariaDbTimes() throws Exception {
        pg.execute(null, "CREATE SCHEMA times", "CREATE TABLE times.t (id INT PRIMARY KEY, tm interval(6))",
                "INSERT INTO times.t VALUES (1, '-01:02:03.5'), (2, '838:59:59'), (3, '00:00:00.000001'), (4, NULL)");
        List<String> values = new ArrayList<>();
        try (Connection c = pg.connect(null); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + ChecksumQuery.postgres("tm", "interval").expression()
                     + " FROM times.t ORDER BY id")) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        assertThat(values).containsExactly("-01:02:03.500000", "838:59:59.000000", "00:00:00.000001", null);
    }
}
