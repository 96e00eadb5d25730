package io.understudy.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.config.DatabaseKind;
import java.sql.Types;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Statement shapes per dialect; MySQL has no server on this machine, so its SQL is checked here as text. */
class DialectSqlTest {
    static final FollowerColumn ID = new FollowerColumn("id", Types.BIGINT, "BIGINT", 19);
    static final FollowerColumn NAME = new FollowerColumn("na`me", Types.VARCHAR, "VARCHAR", 10);
    static final FollowerColumn GEO = new FollowerColumn("g", Types.BINARY, "GEOMETRY", 0);

    @Test
    void mysqlUsesRowAliasInsteadOfValues() {
        Dialect d = Dialect.of(DatabaseKind.MYSQL);
        assertThat(d.upsert("`s`.`t`", List.of(ID, NAME), List.of(ID), 2)).isEqualTo(
                "INSERT INTO `s`.`t` (`id`,`na``me`) VALUES (?,?),(?,?) AS understudy_new"
                        + " ON DUPLICATE KEY UPDATE `na``me`=understudy_new.`na``me`");
        assertThat(d.positionUpsert()).contains(" AS p ON DUPLICATE KEY UPDATE").doesNotContain("VALUES(");
        assertThat(d.truncate("`s`.`t`")).isEqualTo("DELETE FROM `s`.`t`");
    }

    @Test
    void mariadbUsesValuesFunctionAndGeometryFromWkb() {
        Dialect d = Dialect.of(DatabaseKind.MARIADB);
        assertThat(d.upsert("`s`.`t`", List.of(ID, GEO), List.of(ID), 1)).isEqualTo(
                "INSERT INTO `s`.`t` (`id`,`g`) VALUES (?,ST_GeomFromWKB(?, ?)) ON DUPLICATE KEY UPDATE `g`=VALUES(`g`)");
        assertThat(d.upsert("`s`.`t`", List.of(ID), List.of(ID), 1)).endsWith("UPDATE `id`=VALUES(`id`)");
    }

    @Test
    void postgresUpsertsOnConflictAndDeletesByRowConstructors() {
        Dialect d = Dialect.of(DatabaseKind.POSTGRESQL);
        FollowerColumn name = new FollowerColumn("na\"me", Types.VARCHAR, "varchar", 10);
        assertThat(d.upsert("\"s\".\"t\"", List.of(ID, name), List.of(ID), 2)).isEqualTo(
                "INSERT INTO \"s\".\"t\" (\"id\",\"na\"\"me\") VALUES (?,?),(?,?) ON CONFLICT (\"id\")"
                        + " DO UPDATE SET \"na\"\"me\"=EXCLUDED.\"na\"\"me\"");
        assertThat(d.upsert("t", List.of(ID), List.of(ID), 1)).endsWith("ON CONFLICT (\"id\") DO NOTHING");
        assertThat(d.delete("t", List.of(ID, name), 2))
                .isEqualTo("DELETE FROM t WHERE (\"id\",\"na\"\"me\") IN ((?,?),(?,?))");
        assertThat(d.delete("t", List.of(ID), 3)).isEqualTo("DELETE FROM t WHERE \"id\" IN (?,?,?)");
        assertThat(d.truncate("t")).isEqualTo("TRUNCATE TABLE t");
    }

    @Test
    void durationsKeepSignHoursAndMicros() {
        assertThat(MySqlValues.formatDuration(java.time.Duration.ofHours(-30).minusMillis(5))).isEqualTo("-30:00:00.005000");
        assertThat(MySqlValues.formatDuration(java.time.Duration.ofSeconds(59))).isEqualTo("00:00:59");
        assertThat(MySqlValues.formatDuration(java.time.Duration.ofHours(838).plusSeconds(3599).plusNanos(999_999_000)))
                .isEqualTo("838:59:59.999999");
        assertThat(MySqlValues.formatDuration(java.time.Duration.ofNanos(1_000))).isEqualTo("00:00:00.000001");
        assertThat(MySqlValues.bitBytes(new io.understudy.model.Bits("1000000001"))).containsExactly(0x02, 0x01);
    }

    @Test
    void dateTimesKeepTheFractionTheyHave() {
        java.time.LocalDateTime t = java.time.LocalDateTime.of(2024, 1, 2, 3, 4, 5);
        assertThat(MySqlValues.dateTime(t)).isEqualTo("2024-01-02 03:04:05");
        assertThat(MySqlValues.dateTime(t.plusNanos(120_000))).isEqualTo("2024-01-02 03:04:05.000120");
        assertThat(MySqlValues.dateTime(t.plusNanos(123_456_789))).isEqualTo("2024-01-02 03:04:05.123456789");
        assertThat(MySqlValues.dateTime(java.time.LocalDateTime.of(0, 12, 31, 23, 59, 59))).isEqualTo("0000-12-31 23:59:59");
        assertThat(MySqlValues.dateTime(java.time.LocalDateTime.of(10000, 1, 1, 0, 0))).isEqualTo("+10000-01-01 00:00:00");
    }
}
