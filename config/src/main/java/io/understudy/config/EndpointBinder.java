package io.understudy.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Binds and validates the connection keys shared by the leader and the followers: kind, url, user and exactly one
 * of password / password-file. Secrets are never put into a message. Not thread-safe; one instance per load.
 */
final class EndpointBinder {
    static final List<String> KEYS = List.of("kind", "url", "user", "password", "password-file");
    private static final Pattern URL_SECRET = Pattern.compile("(?i)([?&;](password|pwd|sslpassword)=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("//[^/?#]*@");

    private final NodeReader reader;
    private final Path baseDir;

    EndpointBinder(NodeReader reader, Path baseDir) {
        this.reader = reader;
        this.baseDir = baseDir;
    }

    /** Binds the endpoint keys of {@code mapping}; the caller rejects unknown keys. */
    Optional<Endpoint> bind(YamlNode.Mapping mapping, String path) {
        Optional<DatabaseKind> kind = reader.requiredText(mapping, path, "kind")
                .flatMap(text -> kind(text, line(mapping, "kind"), NodeReader.child(path, "kind")));
        Optional<String> url = reader.requiredText(mapping, path, "url");
        boolean urlOk = url.isPresent() && kind.isPresent()
                && checkUrl(kind.get(), url.get(), line(mapping, "url"), NodeReader.child(path, "url"));
        Optional<String> user = reader.requiredText(mapping, path, "user");
        Optional<Secret> password = secret(mapping, path);
        if (!urlOk || user.isEmpty() || password.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Endpoint(kind.get(), url.get(), user.get(), password.get()));
    }

    static int line(YamlNode.Mapping mapping, String key) {
        YamlNode.Mapping.Entry entry = mapping.entries().get(key);
        return entry == null ? mapping.line() : entry.value().line();
    }

    private Optional<DatabaseKind> kind(String text, int line, String path) {
        for (DatabaseKind kind : DatabaseKind.values()) {
            if (kind.configName().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(kind);
            }
        }
        reader.problem(line, path, "unknown kind '" + text + "'; possible values: " + Arrays.stream(DatabaseKind.values())
                .map(DatabaseKind::configName).collect(Collectors.joining(", ")));
        return Optional.empty();
    }

    /** The URL with any password parameter or user-info masked, safe for messages and logs. */
    static String mask(String url) {
        return USER_INFO.matcher(URL_SECRET.matcher(url).replaceAll("$1****")).replaceAll("//****@");
    }

    private boolean checkUrl(DatabaseKind kind, String url, int line, String path) {
        String prefix = "jdbc:" + kind.configName() + "://";
        String shape = prefix + "host[:port]" + (kind == DatabaseKind.POSTGRESQL ? "/database" : "[/database]")
                + "[?options]";
        if (!url.startsWith(prefix)) {
            reader.problem(line, path, "url " + mask(url) + " does not match kind: " + kind.configName()
                    + "; write " + shape + " or change kind");
            return false;
        }
        if (!mask(url).equals(url)) {
            reader.problem(line, path, "url must not carry a password (it would be logged); use password or "
                    + "password-file instead");
            return false;
        }
        URI uri;
        try {
            uri = new URI(url.substring("jdbc:".length()));
        } catch (URISyntaxException e) {
            reader.problem(line, path, "url is not a valid URL (" + e.getReason() + " at index "
                    + (e.getIndex() + "jdbc:".length()) + "); write " + shape);
            return false;
        }
        return checkParts(kind, uri, line, path, shape);
    }

    private boolean checkParts(DatabaseKind kind, URI uri, int line, String path, String shape) {
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            reader.problem(line, path, "url has no host (multi-host and socket URLs are not supported); write " + shape);
            return false;
        }
        String dbPath = uri.getPath() == null ? "" : uri.getPath();
        String database = dbPath.startsWith("/") ? dbPath.substring(1) : dbPath;
        if (database.contains("/")) {
            reader.problem(line, path, "url names database '" + database + "', which contains '/'; write " + shape);
            return false;
        }
        if (kind == DatabaseKind.POSTGRESQL && database.isEmpty()) {
            reader.problem(line, path, "url names no database; PostgreSQL needs one, write " + shape);
            return false;
        }
        return true;
    }

    private Optional<Secret> secret(YamlNode.Mapping mapping, String path) {
        Optional<YamlNode> password = reader.optional(mapping, "password");
        Optional<YamlNode> file = reader.optional(mapping, "password-file");
        if (password.isPresent() && file.isPresent()) {
            reader.problem(line(mapping, "password-file"), NodeReader.child(path, "password-file"),
                    "set either password or password-file, not both");
            return Optional.empty();
        }
        if (password.isPresent()) {
            return inlinePassword(password.get(), NodeReader.child(path, "password"));
        }
        if (file.isPresent()) {
            String filePath = NodeReader.child(path, "password-file");
            return reader.text(file.get(), filePath).flatMap(f -> readSecretFile(f, file.get().line(), filePath));
        }
        reader.problem(mapping.line(), path, "missing password: set password (${VAR} is substituted; write "
                + "password: \"\" for an account without one) or password-file");
        return Optional.empty();
    }

    private Optional<Secret> inlinePassword(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar scalar && scalar.isNull()) {
            reader.problem(node.line(), path, "has no value; write password: \"\" if the account has no password");
            return Optional.empty();
        }
        Optional<String> value = reader.text(node, path);
        if (value.isPresent() && value.get().isEmpty() && !((YamlNode.Scalar) node).text().isEmpty()) {
            reader.problem(node.line(), path, "resolves to an empty password; write password: \"\" if the "
                    + "account really has none");
            return Optional.empty();
        }
        return value.map(Secret::new);
    }

    private Optional<Secret> readSecretFile(String name, int line, String path) {
        if (name.isBlank()) {
            reader.problem(line, path, "must not be empty");
            return Optional.empty();
        }
        Path file = baseDir.resolve(name.trim());
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            if (content.endsWith("\n")) {
                content = content.substring(0, content.length() - (content.endsWith("\r\n") ? 2 : 1));
            }
            if (content.isEmpty()) {
                reader.problem(line, path, "file " + file + " is empty; put the password in it");
                return Optional.empty();
            }
            return Optional.of(new Secret(content));
        } catch (NoSuchFileException e) {
            reader.problem(line, path, "file " + file + " does not exist");
        } catch (AccessDeniedException e) {
            reader.problem(line, path, "file " + file + " is not readable by user "
                    + System.getProperty("user.name") + "; fix its permissions");
        } catch (IOException e) {
            reader.problem(line, path, "cannot read file " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        return Optional.empty();
    }
}
