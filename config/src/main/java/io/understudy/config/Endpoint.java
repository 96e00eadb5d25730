package io.understudy.config;

import java.net.URI;
import java.util.Objects;

/**
 * How to reach one database: kind, JDBC URL, user and password. {@link #toString()} masks the password.
 * The host, port and database are read from the JDBC URL ({@code jdbc:<scheme>://host[:port]/database[?params]}).
 */
public record Endpoint(DatabaseKind kind, String url, String user, Secret password) {
    public Endpoint {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    private URI uri() {
        return URI.create(url.substring("jdbc:".length()));
    }

    public String host() {
        return uri().getHost();
    }

    public int port() {
        int port = uri().getPort();
        if (port > 0) {
            return port;
        }
        return kind == DatabaseKind.POSTGRESQL ? 5432 : 3306;
    }

    /** The database named in the URL path, or empty. */
    public String database() {
        String path = uri().getPath();
        return path == null || path.length() <= 1 ? "" : path.substring(1);
    }

    /**
     * The same endpoint with {@code database} in the URL path instead of the one there (empty: no database, which
     * MariaDB/MySQL accept), the query parameters kept.
     */
    public Endpoint withDatabase(String database) {
        URI u = uri();
        String query = u.getRawQuery() == null ? "" : "?" + u.getRawQuery();
        return new Endpoint(kind, "jdbc:" + u.getScheme() + "://" + u.getRawAuthority() + "/" + database + query, user,
                password);
    }

    /** host:port and user, for error messages. */
    public String describe() {
        return kind.configName() + " " + host() + ":" + port() + " as " + user;
    }

    @Override
    public String toString() {
        return "Endpoint[kind=" + kind.configName() + ", url=" + EndpointBinder.mask(url) + ", user=" + user + ", password=****]";
    }
}
