package io.understudy.servers;

import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.mariadb.MariaDBContainer;
import org.testcontainers.mysql.MySQLContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Starts real servers: containers (MariaDB 11, MySQL 8.4, PostgreSQL 16) when a Docker engine answers,
 * otherwise embedded MariaDB and PostgreSQL. Set {@code -Dunderstudy.servers=embedded} to force the
 * embedded path even where Docker runs.
 */
public final class Servers {
    private Servers() {
    }

    public static boolean dockerAvailable() {
        if ("embedded".equals(System.getProperty("understudy.servers"))) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** A MariaDB leader/follower with a row-based binlog. */
    public static DatabaseServer mariadb() {
        if (dockerAvailable()) {
            return new ContainerServer("mariadb", new MariaDBContainer("mariadb:11")
                    .withCommand("--log-bin=mysql-bin", "--server-id=1", "--binlog-format=ROW",
                            "--binlog-row-image=FULL", "--character-set-server=utf8mb4",
                            "--collation-server=utf8mb4_general_ci"));
        }
        return EmbeddedMariaDb.launch();
    }

    public static DatabaseServer postgres() {
        if (dockerAvailable()) {
            return new ContainerServer("postgresql", new PostgreSQLContainer("postgres:16"));
        }
        return EmbeddedPostgres.launch();
    }

    /** MySQL 8.4 exists only as a container; empty without Docker. */
    public static Optional<DatabaseServer> mysql() {
        if (!dockerAvailable()) {
            return Optional.empty();
        }
        return Optional.of(new ContainerServer("mysql", new MySQLContainer("mysql:8.4")
                .withCommand("--server-id=1", "--binlog-row-image=FULL", "--gtid-mode=ON",
                        "--enforce-gtid-consistency=ON")));
    }
}
