package io.understudy.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.config.DatabaseKind;
import io.understudy.config.TableFilter;
import io.understudy.servers.Servers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real Sakila schema on an embedded MariaDB leader, created on PostgreSQL and MariaDB followers. */
class SakilaSchemaTest extends ThreeServers {
    private static final Path SCHEMA = SakilaFixture.SCHEMA;
    private static final TableFilter SAKILA = new TableFilter(List.of("sakila.*"), List.of());

    @BeforeAll
    static void loadSchema() throws Exception {
        try (Connection c = leader.connect(null); Statement s = c.createStatement()) {
            for (String sql : SqlScript.statements(Files.readString(SCHEMA))) {
                s.execute(sql);
            }
        }
    }

    @Test
    void leaderCatalogSeesSixteenTablesAndNoViews() throws Exception {
        try (Connection l = leader.connect(null)) {
            List<TableDef> tables = LeaderCatalog.tables(l, SAKILA);
            assertThat(tables).hasSize(16);
            assertThat(tables).noneMatch(t -> t.id().table().endsWith("_list"));
            TableDef film = tables.stream().filter(t -> t.id().table().equals("film")).findFirst().orElseThrow();
            assertThat(film.primaryKey()).containsExactly("film_id");
            assertThat(film.column("film_id").orElseThrow().autoIncrement()).isTrue();
            assertThat(film.column("rating").orElseThrow().columnType()).isEqualTo("enum('G','PG','PG-13','R','NC-17')");
            assertThat(film.column("rental_rate").orElseThrow().defaultValue()).isEqualTo("4.99");
            assertThat(film.uniqueAndSecondaryIndexes()).extracting(IndexDef::name).contains("idx_title");
        }
    }

    @Test
    void postgresFollowerGetsAllTablesWithTheLeadersColumns() throws Exception {
        try (Connection l = leader.connect(null); Connection p = pg.connect(null)) {
            List<TableDef> tables = FollowerSchema.create(l, p, DatabaseKind.POSTGRESQL, SAKILA);
            FollowerSchema.create(l, p, DatabaseKind.POSTGRESQL, SAKILA); // idempotent
            assertThat(tables).hasSize(16);
            for (TableDef t : tables) {
                assertThat(pgColumns(p, t.id().table()).keySet()).as(t.id().toString())
                        .containsExactlyElementsOf(t.columnNames());
            }
            assertThat(pgColumns(p, "film")).containsEntry("rating", "text").containsEntry("release_year", "smallint")
                    .containsEntry("special_features", "text").containsEntry("rental_rate", "numeric")
                    .containsEntry("last_update", "timestamp with time zone").containsEntry("film_id", "integer");
            // MariaDB skips Sakila's /*!50705 location GEOMETRY */: it ignores MySQL 5.7+ version comments.
            assertThat(pgColumns(p, "address")).doesNotContainKey("location").containsEntry("phone", "character varying");
            assertThat(pgColumns(p, "staff")).containsEntry("picture", "bytea").containsEntry("active", "boolean");
            assertThat(pgColumns(p, "rental")).containsEntry("return_date", "timestamp without time zone");
            assertThat(count(p, "SELECT count(*) FROM information_schema.table_constraints"
                    + " WHERE table_schema = 'sakila' AND constraint_type = 'FOREIGN KEY'")).isZero();
            assertThat(count(p, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'sakila'"
                    + " AND indexname = 'rental_rental_date'")).isOne();
        }
    }

    @Test
    void mariaDbFollowerGetsTablesWithoutForeignKeysOrTriggers() throws Exception {
        try (Connection l = leader.connect(null); Connection m = maria.connect(null)) {
            FollowerSchema.create(l, m, DatabaseKind.MARIADB, SAKILA);
            assertThat(count(m, "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'sakila'"))
                    .isEqualTo(16);
            assertThat(count(m, "SELECT count(*) FROM information_schema.REFERENTIAL_CONSTRAINTS"
                    + " WHERE CONSTRAINT_SCHEMA = 'sakila'")).isZero();
            assertThat(count(m, "SELECT count(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'sakila'"))
                    .isZero();
            assertThat(count(l, "SELECT count(*) FROM information_schema.REFERENTIAL_CONSTRAINTS"
                    + " WHERE CONSTRAINT_SCHEMA = 'sakila'")).isPositive();
        }
    }

    @Test
    void bulkLoadAddsTheIndexesAfterTheRowsAndOnlyOnce() throws Exception {
        leader.execute(null, "CREATE DATABASE bulk", "CREATE TABLE bulk.t (id INT PRIMARY KEY, sku VARCHAR(20) NOT NULL,"
                + " n INT, body TEXT, UNIQUE KEY uk_sku (sku), KEY k_n (n, sku), FULLTEXT KEY ft_body (body))");
        TableFilter bulk = new TableFilter(List.of("bulk.*"), List.of());
        try (Connection l = leader.connect(null); Connection m = maria.connect(null); Connection p = pg.connect(null)) {
            TableDef t = LeaderCatalog.tables(l, bulk).get(0);
            String show;
            try (Statement s = l.createStatement(); ResultSet rs = s.executeQuery("SHOW CREATE TABLE bulk.t")) {
                rs.next();
                show = rs.getString(2);
            }
            for (DatabaseKind kind : List.of(DatabaseKind.MARIADB, DatabaseKind.POSTGRESQL)) {
                Connection f = kind == DatabaseKind.MARIADB ? m : p;
                BulkLoadDdl ddl = FollowerSchema.forBulkLoad(t, kind, kind.isMySqlFamily() ? show : null);
                FollowerSchema.createTables(f, kind, List.of(ddl));
                String indexes = kind.isMySqlFamily()
                        ? "SELECT count(DISTINCT INDEX_NAME) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'bulk'"
                        : "SELECT count(*) FROM pg_indexes WHERE schemaname = 'bulk'";
                long fulltext = kind.isMySqlFamily() ? 1 : 0;
                assertThat(count(f, indexes)).as(kind + ": primary key (and FULLTEXT) only").isEqualTo(1 + fulltext);
                try (Statement s = f.createStatement()) {
                    s.execute("INSERT INTO bulk.t (id, sku, n) VALUES (1, 'a', 1), (2, 'b', 1)");
                }
                assertThat(FollowerSchema.addIndexes(f, kind, ddl.indexes())).as(kind + ": added").isEqualTo(2);
                assertThat(FollowerSchema.addIndexes(f, kind, ddl.indexes())).as(kind + ": a re-run adds none").isZero();
                assertThat(count(f, indexes)).as(kind + ": every index").isEqualTo(3 + fulltext);
                try (Statement s = f.createStatement()) {
                    org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> s.execute("INSERT INTO bulk.t (id, sku, n) VALUES (3, 'a', 1)"))
                            .as(kind + ": the unique key holds").hasMessageContaining("uk_sku");
                }
            }
        }
    }

    private static Map<String, String> pgColumns(Connection c, String table) throws Exception {
        Map<String, String> columns = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name, data_type FROM information_schema.columns"
                + " WHERE table_schema = 'sakila' AND table_name = ? ORDER BY ordinal_position")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return columns;
    }

    private static long count(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
