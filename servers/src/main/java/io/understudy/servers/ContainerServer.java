package io.understudy.servers;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.JdbcDatabaseContainer;

/**
 * A server in a Docker container (Testcontainers). {@link #stop()} pauses the container so that it
 * comes back on the same mapped port with the same data.
 */
final class ContainerServer implements DatabaseServer {
    private final String kind;
    private final JdbcDatabaseContainer<?> container;

    ContainerServer(String kind, JdbcDatabaseContainer<?> container) {
        this.kind = kind;
        this.container = container;
        container.start();
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int port() {
        return container.getFirstMappedPort();
    }

    @Override
    public String user() {
        return "postgresql".equals(kind) ? container.getUsername() : "root";
    }

    @Override
    public String password() {
        return container.getPassword();
    }

    @Override
    public String jdbcUrl(String database) {
        String scheme = switch (kind) {
            case "postgresql" -> "jdbc:postgresql://";
            case "mysql" -> "jdbc:mysql://";
            default -> "jdbc:mariadb://";
        };
        String db = database == null ? ("postgresql".equals(kind) ? container.getDatabaseName() : "") : database;
        String params = "mysql".equals(kind) ? "?allowPublicKeyRetrieval=true&useSSL=false" : "";
        return scheme + host() + ":" + port() + "/" + db + params;
    }

    @Override
    public void stop() {
        DockerClientFactory.instance().client().pauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void start() {
        DockerClientFactory.instance().client().unpauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void close() {
        container.stop();
    }
}
