package io.understudy.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PostgreSQL from zonky's binaries on Maven Central, in a temp directory on a free port. Durability is relaxed
 * by default ({@code fsync=off}, {@code synchronous_commit=off}: tests need no crash safety of the server);
 * {@link #launch(Map)} overrides any setting, e.g. back to PostgreSQL's own defaults.
 */
public final class EmbeddedPostgres implements DatabaseServer {
    private final Path home;
    private final int port;
    private final Map<String, String> serverConfig;
    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg;

    private EmbeddedPostgres(Path home, int port, Map<String, String> serverConfig) {
        this.home = home;
        this.port = port;
        this.serverConfig = serverConfig;
    }

    public static EmbeddedPostgres launch() {
        return launch(Map.of());
    }

    /**
     * Starts a server with {@code overrides} replacing or adding server settings ({@code -c name=value}); for
     * example {@code fsync=on} (zonky's own {@code -F} flag is overridden by it).
     */
    public static EmbeddedPostgres launch(Map<String, String> overrides) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("max_connections", "300");
        config.put("fsync", "off");
        config.put("synchronous_commit", "off");
        config.putAll(overrides);
        try {
            EmbeddedPostgres server = new EmbeddedPostgres(Files.createTempDirectory("understudy-pg-"),
                    EmbeddedMariaDb.freePort(), Map.copyOf(config));
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
            var builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(home.resolve("data"))
                    .setOverrideWorkingDirectory(Binaries.DIRECTORY.toFile())
                    .setCleanDataDirectory(false); // we own the directory; zonky would delete it on close
            serverConfig.forEach(builder::setServerConfig);
            pg = builder.start();
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
