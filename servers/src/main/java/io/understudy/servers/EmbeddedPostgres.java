package io.understudy.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** PostgreSQL from zonky's binaries on Maven Central, in a temp directory on a free port. */
public final class EmbeddedPostgres implements DatabaseServer {
    private final Path home;
    private final int port;
    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg;

    private EmbeddedPostgres(Path home, int port) {
        this.home = home;
        this.port = port;
    }

    public static EmbeddedPostgres launch() {
        try {
            EmbeddedPostgres server = new EmbeddedPostgres(Files.createTempDirectory("understudy-pg-"),
                    EmbeddedMariaDb.freePort());
            server.boot();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Where zonky unpacks the PostgreSQL binaries: once per JVM, shared by every server it starts (it caches the
     * location), so it must outlive each server; removed when the JVM exits.
     */
    private static final class Binaries {
        static final Path DIRECTORY = create();

        private static Path create() {
            try {
                Path dir = Files.createTempDirectory("understudy-pg-binaries-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> Cleanup.deleteTree(dir), "delete-pg-binaries"));
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void boot() {
        try {
            pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(home.resolve("data"))
                    .setOverrideWorkingDirectory(Binaries.DIRECTORY.toFile())
                    .setCleanDataDirectory(false) // we own the directory; zonky would delete it on close
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start embedded PostgreSQL on port " + port + " in " + home, e);
        }
    }

    @Override
    public String kind() {
        return "postgresql";
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String user() {
        return "postgres";
    }

    @Override
    public String password() {
        return "postgres";
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + (database == null ? "postgres" : database);
    }

    @Override
    public void stop() {
        try {
            pg.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void start() {
        boot();
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (RuntimeException ignored) {
            // already stopped
        }
        Cleanup.deleteTree(home);
    }
}
