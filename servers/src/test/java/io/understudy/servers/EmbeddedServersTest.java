package io.understudy.servers;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

class EmbeddedServersTest {
    @Test
    void mariadbStartsWithRowBinlogAndSurvivesRestart() throws Exception {
        try (DatabaseServer db = Servers.mariadb()) {
            db.execute(null, "CREATE DATABASE t1", "CREATE TABLE t1.x (id int primary key)", "INSERT INTO t1.x VALUES (1)");
            try (Connection c = db.connect(null); ResultSet rs = c.createStatement().executeQuery("SELECT @@binlog_format, @@log_bin")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("ROW");
                assertThat(rs.getInt(2)).isEqualTo(1);
            }
            db.stop();
            db.start();
            try (Connection c = db.connect("t1"); ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM x")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void mariadbChecksPasswords() {
        try (DatabaseServer db = Servers.mariadb()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> java.sql.DriverManager.getConnection(db.jdbcUrl(null), db.user(), "wrong").close())
                    .isInstanceOf(java.sql.SQLException.class);
        }
    }

    @Test
    void postgresStartsAndSurvivesRestart() throws Exception {
        try (DatabaseServer db = Servers.postgres()) {
            db.execute(null, "CREATE TABLE x (id int primary key)", "INSERT INTO x VALUES (1)");
            db.stop();
            db.start();
            try (Connection c = db.connect(null); ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM x")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }
}
