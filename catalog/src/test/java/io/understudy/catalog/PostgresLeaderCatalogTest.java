package io.understudy.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real PostgreSQL leader read by {@link PostgresLeaderCatalog}, and its tables created by {@link FollowerSchema}
 * on a PostgreSQL follower (a second database of the same server) and a MariaDB follower. Each test has its own
 * schema.
 */
class PostgresLeaderCatalogTest {
    private static DatabaseServer pg;
    private static DatabaseServer maria;

    @BeforeAll
    static void startServers() {
        pg = Servers.postgres();
        maria = Servers.mariadb();
        pg.execute(null, "CREATE DATABASE follower");
    }

    @AfterAll
    static void stopServers() {
        for (DatabaseServer s : new DatabaseServer[] {pg, maria}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static TableDef read(String schema, String table) throws Exception {
        try (Connection c = pg.connect(null)) {
            return PostgresLeaderCatalog.table(c, new TableId(schema, table));
        }
    }

    private static String describe(ColumnDef c) {
        return c.name() + " " + c.dataType() + " | " + c.columnType() + " | " + (c.nullable() ? "null" : "not null")
                + " | len " + c.charMaxLength() + " | num " + c.numericPrecision() + "," + c.numericScale()
                + " | fsp " + c.datetimePrecision() + " | default " + c.defaultValue() + (c.autoIncrement() ? " | auto" : "");
    }

    @Test
    void columnsFollowTheColumnDefConvention() throws Exception {
        pg.execute(null, "CREATE SCHEMA cols", "CREATE TYPE cols.mood AS ENUM ('ok', 'meh')",
                "CREATE DOMAIN cols.code AS varchar(8) CHECK (VALUE <> '')", "CREATE DOMAIN cols.code2 AS cols.code",
                "CREATE TYPE cols.pair AS (a int, b int)",
                "CREATE TABLE cols.t (id integer GENERATED ALWAYS AS IDENTITY, s serial, i2 smallint NOT NULL DEFAULT 7,"
                        + " i8 bigint, n numeric, n2 numeric(10,3) DEFAULT 1.5, nneg numeric(5,-2), r real,"
                        + " d double precision, b boolean DEFAULT true, t text DEFAULT 'it''s', vc varchar(20),"
                        + " vcu varchar, c char(4), by bytea, dt date, ts timestamp, ts3 timestamp(3),"
                        + " tz timestamptz(0), tm time, j json, jb jsonb, u uuid, m cols.mood DEFAULT 'ok',"
                        + " dom cols.code2, bt bit(3), vb varbit(5), iv interval, arr int[], p cols.pair,"
                        + " g int GENERATED ALWAYS AS (i2 * 2) STORED, PRIMARY KEY (id))");
        TableDef t = read("cols", "t");

        assertThat(t.source()).isEqualTo(TableDef.Source.POSTGRESQL);
        assertThat(t.fromPostgres()).isTrue();
        assertThat(t.primaryKey()).containsExactly("id");
        assertThat(t.columns()).extracting(PostgresLeaderCatalogTest::describe).containsExactly(
                "id integer | integer | not null | len null | num null,null | fsp null | default null | auto",
                "s integer | integer | not null | len null | num null,null | fsp null | default null | auto",
                "i2 smallint | smallint | not null | len null | num null,null | fsp null | default 7",
                "i8 bigint | bigint | null | len null | num null,null | fsp null | default null",
                "n numeric | numeric | null | len null | num null,null | fsp null | default null",
                "n2 numeric | numeric(10,3) | null | len null | num 10,3 | fsp null | default 1.5",
                "nneg numeric | numeric(5,-2) | null | len null | num 5,-2 | fsp null | default null",
                "r real | real | null | len null | num null,null | fsp null | default null",
                "d double precision | double precision | null | len null | num null,null | fsp null | default null",
                "b boolean | boolean | null | len null | num null,null | fsp null | default true",
                "t text | text | null | len null | num null,null | fsp null | default 'it''s'::text",
                "vc character varying | character varying(20) | null | len 20 | num null,null | fsp null | default null",
                "vcu character varying | character varying | null | len null | num null,null | fsp null | default null",
                "c character | character(4) | null | len 4 | num null,null | fsp null | default null",
                "by bytea | bytea | null | len null | num null,null | fsp null | default null",
                "dt date | date | null | len null | num null,null | fsp null | default null",
                "ts timestamp without time zone | timestamp without time zone | null | len null | num null,null | fsp 6 | default null",
                "ts3 timestamp without time zone | timestamp(3) without time zone | null | len null | num null,null | fsp 3 | default null",
                "tz timestamp with time zone | timestamp(0) with time zone | null | len null | num null,null | fsp 0 | default null",
                "tm time without time zone | time without time zone | null | len null | num null,null | fsp 6 | default null",
                "j json | json | null | len null | num null,null | fsp null | default null",
                "jb jsonb | jsonb | null | len null | num null,null | fsp null | default null",
                "u uuid | uuid | null | len null | num null,null | fsp null | default null",
                "m enum | cols.mood | null | len null | num null,null | fsp null | default 'ok'::cols.mood",
                "dom character varying | character varying(8) | null | len 8 | num null,null | fsp null | default null",
                "bt bit | bit(3) | null | len null | num 3,null | fsp null | default null",
                "vb bit varying | bit varying(5) | null | len null | num 5,null | fsp null | default null",
                "iv interval | interval | null | len null | num null,null | fsp null | default null",
                "arr integer[] | integer[] | null | len null | num null,null | fsp null | default null",
                "p user-defined | cols.pair | null | len null | num null,null | fsp null | default null",
                "g integer | integer | null | len null | num null,null | fsp null | default null");
    }

    @Test
    void keysAndIndexesThatFollowersCanHave() throws Exception {
        pg.execute(null, "CREATE SCHEMA idx",
                "CREATE TABLE idx.t (a int, b text, c int, d jsonb, e int, f int, PRIMARY KEY (b, a),"
                        + " CONSTRAINT deferred UNIQUE (e) DEFERRABLE INITIALLY DEFERRED)",
                "CREATE UNIQUE INDEX t_c_uk ON idx.t (c) INCLUDE (e)",
                "CREATE INDEX t_ca ON idx.t (c DESC, a)",
                "CREATE INDEX t_hash ON idx.t USING hash (f)",
                "CREATE INDEX t_expr ON idx.t (lower(b))",
                "CREATE INDEX t_partial ON idx.t (c) WHERE c > 0",
                "CREATE INDEX t_gin ON idx.t USING gin (d)");
        TableDef t = read("idx", "t");

        assertThat(t.primaryKey()).containsExactly("b", "a");
        assertThat(t.uniqueAndSecondaryIndexes()).containsExactly(
                new IndexDef("deferred", false, "BTREE", List.of(new IndexDef.Part("e", null))),
                new IndexDef("t_c_uk", true, "BTREE", List.of(new IndexDef.Part("c", null))),
                new IndexDef("t_ca", false, "BTREE", List.of(new IndexDef.Part("c", null), new IndexDef.Part("a", null))),
                new IndexDef("t_hash", false, "HASH", List.of(new IndexDef.Part("f", null))));
    }

    @Test
    void partitionedTablesAreOneTableAndOnlyTablesAreListed() throws Exception {
        pg.execute(null, "CREATE SCHEMA part", "CREATE SCHEMA part2",
                "CREATE TABLE part.events (id bigint, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
                "CREATE TABLE part.events_2024 PARTITION OF part.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
                "CREATE TABLE part.plain (id int PRIMARY KEY)", "CREATE UNLOGGED TABLE part.scratch (id int)",
                "CREATE VIEW part.v AS SELECT * FROM part.plain",
                "CREATE MATERIALIZED VIEW part.mv AS SELECT * FROM part.plain",
                "CREATE SEQUENCE part.seq", "CREATE TABLE part2.other (id int)",
                "CREATE SCHEMA IF NOT EXISTS understudy", "CREATE TABLE understudy.part_own (id int)");
        try (Connection c = pg.connect(null)) {
            assertThat(PostgresLeaderCatalog.tableIds(c, new TableFilter(List.of("part.*"), List.of("part.scratch"))))
                    .containsExactly(new TableId("part", "events"), new TableId("part", "plain"));
            assertThat(PostgresLeaderCatalog.tableIds(c, new TableFilter(List.of("*.*"), List.of())))
                    .contains(new TableId("part2", "other"), new TableId("part", "scratch"))
                    .doesNotContain(new TableId("understudy", "part_own"), new TableId("part", "events_2024"),
                            new TableId("part", "v"), new TableId("part", "mv"));
            assertThat(PostgresLeaderCatalog.tables(c, new TableFilter(List.of("part.events"), List.of())))
                    .singleElement().satisfies(t -> assertThat(t.primaryKey()).containsExactly("id", "at"));

            assertThatThrownBy(() -> PostgresLeaderCatalog.table(c, new TableId("part", "events_2024")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partition of part.events");
            assertThatThrownBy(() -> PostgresLeaderCatalog.table(c, new TableId("part", "v")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is a view");
            assertThatThrownBy(() -> PostgresLeaderCatalog.table(c, new TableId("part", "missing")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
        }
    }

    @Test
    void followerTablesOnPostgresKeepTheLeaderTypes() throws Exception {
        pg.execute(null, "CREATE SCHEMA pgf", "CREATE TYPE pgf.mood AS ENUM ('ok', 'meh')",
                "CREATE DOMAIN pgf.code AS varchar(8)",
                "CREATE TABLE pgf.t (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, n numeric,"
                        + " n2 numeric(12,4) NOT NULL DEFAULT 0, c char(3) DEFAULT 'x', m pgf.mood DEFAULT 'meh',"
                        + " dom pgf.code, tz timestamptz(3) DEFAULT now(), ts timestamp DEFAULT clock_timestamp(),"
                        + " u uuid UNIQUE, bt bit(4), h int)",
                "CREATE INDEX t_n2 ON pgf.t (n2, c)", "CREATE INDEX t_h ON pgf.t USING hash (h)");
        TableDef t = read("pgf", "t");
        try (Connection f = pg.connect("follower")) {
            FollowerSchema.create(f, DatabaseKind.POSTGRESQL, List.of(t));
            FollowerSchema.create(f, DatabaseKind.POSTGRESQL, List.of(t)); // IF NOT EXISTS: repeatable
            assertThat(strings(f, "SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod)"
                    + " || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END"
                    + " || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')"
                    + " FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                    + " WHERE a.attrelid = 'pgf.t'::regclass AND a.attnum > 0 ORDER BY a.attnum")).containsExactly(
                    "id bigint not null", "n numeric", "n2 numeric(12,4) not null default 0",
                    "c character(3) default 'x'::bpchar", "m text default 'meh'::text", "dom character varying(8)",
                    "tz timestamp(3) with time zone default now()", "ts timestamp without time zone", "u uuid",
                    "bt bit(4)", "h integer");
            assertThat(strings(f, "SELECT indexdef FROM pg_indexes WHERE schemaname = 'pgf' ORDER BY indexname"))
                    .containsExactly("CREATE UNIQUE INDEX t_pkey ON pgf.t USING btree (id)",
                            "CREATE INDEX t_t_h ON pgf.t USING hash (h)",
                            "CREATE INDEX t_t_n2 ON pgf.t USING btree (n2, c)",
                            "CREATE UNIQUE INDEX t_t_u_key ON pgf.t USING btree (u)");
        }
    }

    @Test
    void followerTablesOnMariaDbUseTheMappingAndFitTheirKeys() throws Exception {
        pg.execute(null, "CREATE SCHEMA myf", "CREATE TYPE myf.mood AS ENUM ('ok', 'meh')",
                "CREATE TABLE myf.t (name text, id integer, i2 smallint NOT NULL, i8 bigint, n numeric,"
                        + " n2 numeric(12,4), nneg numeric(5,-2), nbig numeric(70,2), r real, d double precision,"
                        + " b boolean, t text, vc varchar(20), vlong varchar(1000), c char(4), by bytea, dt date,"
                        + " ts timestamp(3), tz timestamptz, tm time(0), j json, jb jsonb, u uuid, m myf.mood, bt bit(5),"
                        + " PRIMARY KEY (name, id))",
                "CREATE UNIQUE INDEX t_u ON myf.t (u)", "CREATE UNIQUE INDEX t_t ON myf.t (t)",
                "CREATE INDEX t_t_vc ON myf.t (t, vc, vlong)", "CREATE INDEX t_jb ON myf.t (jb)");
        TableDef t = read("myf", "t");
        BulkLoadDdl split = FollowerSchema.forBulkLoad(t, DatabaseKind.MARIADB, null);
        assertThat(split.indexes()).extracting(DeferredIndex::ddl).containsExactly(
                "ALTER TABLE `myf`.`t` ADD KEY `t_t_vc` (`t`(255), `vc`, `vlong`(255))",
                "ALTER TABLE `myf`.`t` ADD UNIQUE KEY `t_u` (`u`)");
        try (Connection m = maria.connect(null)) {
            FollowerSchema.createTables(m, DatabaseKind.MARIADB, List.of(split)); // the bulk-load path
            assertThat(FollowerSchema.addIndexes(m, DatabaseKind.MARIADB, split.indexes())).isEqualTo(2);
            assertThat(FollowerSchema.addIndexes(m, DatabaseKind.MARIADB, split.indexes())).isZero();
            FollowerSchema.create(m, DatabaseKind.MARIADB, List.of(t)); // the same table: nothing to do
            Map<String, String> types = new TreeMap<>();
            for (String row : strings(m, "SELECT concat(COLUMN_NAME, '=', COLUMN_TYPE, IF(IS_NULLABLE = 'NO', ' not null', ''))"
                    + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'myf' AND TABLE_NAME = 't'")) {
                types.put(row.substring(0, row.indexOf('=')), row.substring(row.indexOf('=') + 1));
            }
            assertThat(types).containsEntry("name", "varchar(766) not null").containsEntry("id", "int(11) not null")
                    .containsEntry("i2", "smallint(6) not null").containsEntry("i8", "bigint(20)")
                    .containsEntry("n", "decimal(65,30)").containsEntry("n2", "decimal(12,4)")
                    .containsEntry("nneg", "decimal(7,0)").containsEntry("nbig", "decimal(65,30)")
                    .containsEntry("r", "float").containsEntry("d", "double").containsEntry("b", "tinyint(1)")
                    .containsEntry("t", "longtext").containsEntry("vc", "varchar(20)").containsEntry("vlong", "longtext")
                    .containsEntry("c", "char(4)").containsEntry("by", "longblob").containsEntry("dt", "date")
                    .containsEntry("ts", "datetime(3)").containsEntry("tz", "datetime(6)").containsEntry("tm", "time")
                    .containsEntry("j", "longtext").containsEntry("jb", "longtext").containsEntry("u", "char(36)")
                    .containsEntry("m", "varchar(63)").containsEntry("bt", "bit(5)");
            assertThat(strings(m, "SELECT DISTINCT COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'myf'"
                    + " AND TABLE_NAME = 't' AND COLLATION_NAME IS NOT NULL ORDER BY 1"))
                    .containsExactly("ascii_bin", "utf8mb4_bin", "utf8mb4_nopad_bin");
            assertThat(strings(m, "SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'myf'"
                    + " ORDER BY 1")).containsExactly("PRIMARY", "t_t_vc", "t_u");
        }
    }

    @Test
    void typesWithoutAFollowerMappingAreRefusedBeforeAnythingIsCreated() throws Exception {
        pg.execute(null, "CREATE SCHEMA refuse", "CREATE TYPE refuse.pair AS (a int, b int)",
                "CREATE TABLE refuse.t (id int PRIMARY KEY, iv interval, p refuse.pair)",
                "CREATE TABLE refuse.wide (id int PRIMARY KEY, bt bit(65))");
        TableDef t = read("refuse", "t");
        assertThatThrownBy(() -> FollowerSchema.ddl(t, DatabaseKind.MARIADB))
                .isInstanceOf(UnsupportedTypeException.class).hasMessageContaining("refuse.t column iv")
                .hasMessageContaining("'interval'").hasMessageContaining("mariadb");
        assertThatThrownBy(() -> FollowerSchema.ddl(t, DatabaseKind.POSTGRESQL))
                .isInstanceOf(UnsupportedTypeException.class).hasMessageContaining("column p")
                .hasMessageContaining("refuse.pair");
        assertThatThrownBy(() -> FollowerSchema.ddl(read("refuse", "wide"), DatabaseKind.MYSQL))
                .isInstanceOf(UnsupportedTypeException.class).hasMessageContaining("bit(65)");
        try (Connection m = maria.connect(null)) {
            assertThatThrownBy(() -> FollowerSchema.create(m, DatabaseKind.MARIADB, List.of(read("refuse", "wide"), t)))
                    .isInstanceOf(UnsupportedTypeException.class);
            assertThat(strings(m, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'refuse'")).isEmpty();
        }
    }

    @Test
    void postgresDefaultsKeepOnlyConstants() {
        assertThat(PostgresLeaderDdl.postgresDefault("'it''s'::text")).isEqualTo("'it''s'");
        assertThat(PostgresLeaderDdl.postgresDefault("'ok'::\"my schema\".mood")).isEqualTo("'ok'");
        assertThat(PostgresLeaderDdl.postgresDefault("'2024-01-01'::date")).isEqualTo("'2024-01-01'");
        assertThat(PostgresLeaderDdl.postgresDefault("'x'::character varying(3)")).isEqualTo("'x'");
        assertThat(PostgresLeaderDdl.postgresDefault("42")).isEqualTo("42");
        assertThat(PostgresLeaderDdl.postgresDefault("1.5")).isEqualTo("1.5");
        assertThat(PostgresLeaderDdl.postgresDefault("true")).isEqualTo("true");
        assertThat(PostgresLeaderDdl.postgresDefault("now()")).isEqualTo("now()");
        assertThat(PostgresLeaderDdl.postgresDefault("CURRENT_TIMESTAMP")).isEqualTo("CURRENT_TIMESTAMP");
        assertThat(PostgresLeaderDdl.postgresDefault("nextval('s.t_id_seq'::regclass)")).isNull();
        assertThat(PostgresLeaderDdl.postgresDefault("gen_random_uuid()")).isNull();
        assertThat(PostgresLeaderDdl.postgresDefault("('x'::text || 'y'::text)")).isNull();
    }

    @Test
    void decimalsHoldEveryValueOfTheLeaderNumeric() {
        assertThat(PostgresLeaderDdl.decimal(numeric(10, 3))).isEqualTo("DECIMAL(10,3)");
        assertThat(PostgresLeaderDdl.decimal(numeric(5, -2))).isEqualTo("DECIMAL(7,0)");
        assertThat(PostgresLeaderDdl.decimal(numeric(3, 5))).isEqualTo("DECIMAL(5,5)");
        assertThat(PostgresLeaderDdl.decimal(numeric(65, 30))).isEqualTo("DECIMAL(65,30)");
        assertThat(PostgresLeaderDdl.decimal(numeric(40, 35))).isEqualTo("DECIMAL(65,30)");
        assertThat(PostgresLeaderDdl.decimal(numeric(null, null))).isEqualTo("DECIMAL(65,30)");
    }

    private static ColumnDef numeric(Integer p, Integer s) {
        return new ColumnDef("n", "numeric", "numeric", true, null, p, s, null, null, false);
    }

    @Test
    void mysqlLeaderDefinitionsBehaveAsBefore() {
        TableDef t = new TableDef(new TableId("shop", "item"),
                List.of(new ColumnDef("id", "int", "int(11)", false, null, 10, 0, null, null, false)), List.of("id"),
                List.of());
        assertThat(t.source()).isEqualTo(TableDef.Source.MYSQL);
        assertThat(t.fromPostgres()).isFalse();
        assertThat(FollowerSchema.ddl(t, DatabaseKind.POSTGRESQL)).containsExactly("CREATE SCHEMA IF NOT EXISTS \"shop\"",
                "CREATE TABLE IF NOT EXISTS \"shop\".\"item\" (\n  \"id\" integer NOT NULL,\n  PRIMARY KEY (\"id\")\n)");
    }

    private static List<String> strings(Connection c, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
