package io.understudy.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.understudy.config.DatabaseKind;
import io.understudy.model.TableId;
import java.util.List;
import org.junit.jupiter.api.Test;

class FollowerDdlTest {
    private static final TableId ID = new TableId("shop", "item");

    private static ColumnDef col(String name, String dataType, String columnType) {
        return new ColumnDef(name, dataType, columnType, true, null, null, null, null, null, false);
    }

    private static String pgType(ColumnDef c) {
        return PostgresDdl.type(new TableDef(ID, List.of(c), List.of(), List.of()), c);
    }

    @Test
    void mapsEveryLeaderTypeOntoPostgres() {
        assertThat(pgType(col("a", "tinyint", "tinyint(1)"))).isEqualTo("boolean");
        assertThat(pgType(col("a", "tinyint", "tinyint(4)"))).isEqualTo("smallint");
        assertThat(pgType(col("a", "smallint", "smallint(5) unsigned"))).isEqualTo("integer");
        assertThat(pgType(col("a", "mediumint", "mediumint(8) unsigned"))).isEqualTo("integer");
        assertThat(pgType(col("a", "int", "int(10) unsigned"))).isEqualTo("bigint");
        assertThat(pgType(col("a", "int", "int(11)"))).isEqualTo("integer");
        assertThat(pgType(col("a", "bigint", "bigint(20) unsigned"))).isEqualTo("numeric(20,0)");
        assertThat(pgType(new ColumnDef("a", "decimal", "decimal(5,2)", true, null, 5, 2, null, null, false)))
                .isEqualTo("numeric(5,2)");
        assertThat(pgType(col("a", "float", "float"))).isEqualTo("real");
        assertThat(pgType(col("a", "double", "double"))).isEqualTo("double precision");
        assertThat(pgType(col("a", "bit", "bit(1)"))).isEqualTo("boolean");
        assertThat(pgType(new ColumnDef("a", "bit", "bit(5)", true, null, 5, null, null, null, false)))
                .isEqualTo("bit varying(5)");
        assertThat(pgType(new ColumnDef("a", "char", "char(3)", true, 3L, null, null, null, null, false)))
                .isEqualTo("varchar(3)");
        assertThat(pgType(col("a", "mediumtext", "mediumtext"))).isEqualTo("text");
        assertThat(pgType(col("a", "longblob", "longblob"))).isEqualTo("bytea");
        assertThat(pgType(new ColumnDef("a", "time", "time(6)", true, null, null, null, 6, null, false)))
                .isEqualTo("interval(6)");
        assertThat(pgType(new ColumnDef("a", "datetime", "datetime(3)", true, null, null, null, 3, null, false)))
                .isEqualTo("timestamp(3)");
        assertThat(pgType(col("a", "timestamp", "timestamp"))).isEqualTo("timestamptz(0)");
        assertThat(pgType(col("a", "year", "year(4)"))).isEqualTo("smallint");
        assertThat(pgType(col("a", "enum", "enum('a','b')"))).isEqualTo("text");
        assertThat(pgType(col("a", "set", "set('a','b')"))).isEqualTo("text");
        assertThat(pgType(col("a", "json", "longtext"))).isEqualTo("jsonb");
        assertThat(pgType(col("a", "point", "point"))).isEqualTo("bytea");
    }

    @Test
    void unsupportedTypeNamesTableColumnAndType() {
        assertThatThrownBy(() -> pgType(col("v", "vector", "vector(3)")))
                .isInstanceOf(UnsupportedTypeException.class)
                .hasMessageContaining("shop.item").hasMessageContaining("column v").hasMessageContaining("vector(3)");
    }

    @Test
    void translatesOnlySafeDefaults() {
        assertThat(PostgresDdl.defaultValue("current_timestamp()", "timestamptz(0)")).isEqualTo("now()");
        assertThat(PostgresDdl.defaultValue("1", "boolean")).isEqualTo("true");
        assertThat(PostgresDdl.defaultValue("4.99", "numeric(4,2)")).isEqualTo("4.99");
        assertThat(PostgresDdl.defaultValue("'it''s'", "text")).isEqualTo("'it''s'");
        assertThat(PostgresDdl.defaultValue("'0000-00-00 00:00:00'", "timestamp(0)")).isNull();
        assertThat(PostgresDdl.defaultValue("'2020-01-01'", "date")).isEqualTo("'2020-01-01'::date");
        assertThat(PostgresDdl.defaultValue("uuid()", "varchar(36)")).isNull();
        assertThat(PostgresDdl.defaultValue("'x'", "bytea")).isNull();
    }

    @Test
    void postgresDdlQuotesAndSkipsFulltextAndPrefixIndexes() {
        TableDef t = new TableDef(ID, List.of(
                new ColumnDef("id", "int", "int(10) unsigned", false, null, 10, 0, null, null, true),
                new ColumnDef("Name\"x", "varchar", "varchar(20)", false, 20L, null, null, null, "'n/a'", false),
                col("body", "text", "text")),
                List.of("id"),
                List.of(new IndexDef("uk_name", true, "BTREE", List.of(new IndexDef.Part("Name\"x", null))),
                        new IndexDef("ft", false, "FULLTEXT", List.of(new IndexDef.Part("body", null))),
                        new IndexDef("px", false, "BTREE", List.of(new IndexDef.Part("body", 10)))));
        assertThat(FollowerSchema.ddl(t, DatabaseKind.POSTGRESQL)).containsExactly(
                "CREATE SCHEMA IF NOT EXISTS \"shop\"",
                "CREATE TABLE IF NOT EXISTS \"shop\".\"item\" (\n  \"id\" bigint NOT NULL,\n"
                        + "  \"Name\"\"x\" varchar(20) NOT NULL DEFAULT 'n/a',\n  \"body\" text,\n  PRIMARY KEY (\"id\")\n)",
                "CREATE UNIQUE INDEX IF NOT EXISTS \"item_uk_name\" ON \"shop\".\"item\" (\"Name\"\"x\")");
    }

    @Test
    void showCreateLosesForeignKeysOnly() {
        String show = """
                CREATE TABLE `film_actor` (
                  `actor_id` smallint(5) unsigned NOT NULL,
                  `film_id` smallint(5) unsigned NOT NULL,
                  PRIMARY KEY (`actor_id`,`film_id`),
                  KEY `idx_fk_film_id` (`film_id`),
                  CONSTRAINT `fk_film_actor_actor` FOREIGN KEY (`actor_id`) REFERENCES `actor` (`actor_id`) ON UPDATE CASCADE,
                  CONSTRAINT `fk_film_actor_film` FOREIGN KEY (`film_id`) REFERENCES `film` (`film_id`) ON UPDATE CASCADE
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""";
        assertThat(FollowerSchema.ddlFromShowCreate(new TableId("sakila", "film_actor"), show)).containsExactly(
                "CREATE DATABASE IF NOT EXISTS `sakila`",
                """
                CREATE TABLE IF NOT EXISTS `sakila`.`film_actor` (
                  `actor_id` smallint(5) unsigned NOT NULL,
                  `film_id` smallint(5) unsigned NOT NULL,
                  PRIMARY KEY (`actor_id`,`film_id`),
                  KEY `idx_fk_film_id` (`film_id`)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""");
    }

    @Test
    void bulkLoadSplitsBtreeKeysOffTheShowCreate() {
        String show = """
                CREATE TABLE `film` (
                  `film_id` smallint(5) unsigned NOT NULL,
                  `title` varchar(128) NOT NULL,
                  `desc` text,
                  `code` char(4) NOT NULL,
                  PRIMARY KEY (`film_id`),
                  UNIQUE KEY `uk_code` (`code`),
                  KEY `idx_title` (`title`(10)) COMMENT 'prefix',
                  FULLTEXT KEY `ft_desc` (`desc`),
                  CONSTRAINT `fk_x` FOREIGN KEY (`code`) REFERENCES `other` (`code`)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""";
        TableId id = new TableId("sakila", "film");
        TableDef t = new TableDef(id, List.of(col("film_id", "smallint", "smallint(5) unsigned")), List.of("film_id"), List.of());
        BulkLoadDdl split = FollowerSchema.forBulkLoad(t, DatabaseKind.MARIADB, show);
        assertThat(split.create()).containsExactly("CREATE DATABASE IF NOT EXISTS `sakila`",
                """
                CREATE TABLE IF NOT EXISTS `sakila`.`film` (
                  `film_id` smallint(5) unsigned NOT NULL,
                  `title` varchar(128) NOT NULL,
                  `desc` text,
                  `code` char(4) NOT NULL,
                  PRIMARY KEY (`film_id`),
                  FULLTEXT KEY `ft_desc` (`desc`)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""");
        assertThat(split.indexes()).containsExactly(
                new DeferredIndex(id, "uk_code", true, "ALTER TABLE `sakila`.`film` ADD UNIQUE KEY `uk_code` (`code`)"),
                new DeferredIndex(id, "idx_title", false,
                        "ALTER TABLE `sakila`.`film` ADD KEY `idx_title` (`title`(10)) COMMENT 'prefix'"));
        assertThatThrownBy(() -> FollowerSchema.forBulkLoad(t, DatabaseKind.MARIADB, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SHOW CREATE TABLE");
    }

    @Test
    void bulkLoadOntoPostgresGivesTheSameStatementsSplit() {
        TableDef t = new TableDef(ID, List.of(col("id", "int", "int(11)"), col("sku", "text", "text")),
                List.of("id"), List.of(new IndexDef("k", false, "BTREE", List.of(new IndexDef.Part("sku", null)))));
        BulkLoadDdl split = FollowerSchema.forBulkLoad(t, DatabaseKind.POSTGRESQL, null);
        List<String> joined = new java.util.ArrayList<>(split.create());
        split.indexes().forEach(i -> joined.add(i.ddl()));
        assertThat(joined).isEqualTo(FollowerSchema.ddl(t, DatabaseKind.POSTGRESQL));
        assertThat(split.indexes()).extracting(DeferredIndex::name).containsExactly("item_k");
    }

    @Test
    void longPostgresNamesStayDistinct() {
        String a = Quoting.pgName("x".repeat(70) + "a");
        String b = Quoting.pgName("x".repeat(70) + "b");
        assertThat(a).hasSizeLessThanOrEqualTo(63).isNotEqualTo(b);
    }
}
