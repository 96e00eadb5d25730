package io.understudy.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns a {@link YamlNode} tree into an {@link UnderstudyConfig}, recording every problem on the way. Returns a
 * config only when no problem was found. Not thread-safe; one instance per load.
 */
final class ConfigBinder {
    static final List<String> ROOT_KEYS = List.of("leader", "capture", "followers", "http", "lag", "sync");
    static final List<String> FOLLOWER_KEYS = List.of("name", "kind", "url", "user", "password", "password-file",
            "apply-threads", "max-lag");
    static final List<String> HTTP_KEYS = List.of("port", "bind");
    static final List<String> LAG_KEYS = List.of("heartbeat-interval");
    static final List<String> SYNC_KEYS = List.of("first", "any", "followers");
    static final String DEFAULT_BIND = "127.0.0.1";
    private static final Pattern FOLLOWER_NAME = Pattern.compile("[a-z0-9_-]{1,40}");

    private final NodeReader reader;
    private final EndpointBinder endpoints;
    private final CaptureBinder capture;

    ConfigBinder(NodeReader reader, Path baseDir) {
        this.reader = reader;
        this.endpoints = new EndpointBinder(reader, baseDir);
        this.capture = new CaptureBinder(reader);
    }

    Optional<UnderstudyConfig> bind(YamlNode root) {
        Optional<YamlNode.Mapping> mapping = reader.mapping(root, "");
        if (mapping.isEmpty()) {
            return Optional.empty();
        }
        YamlNode.Mapping m = mapping.get();
        reader.rejectUnknownKeys(m, "", ROOT_KEYS);
        Optional<Endpoint> leader = reader.required(m, "", "leader").flatMap(this::leader);
        Optional<CaptureBinder.Bound> captured = reader.required(m, "", "capture").flatMap(capture::bind);
        Optional<List<FollowerConfig>> followers = reader.required(m, "", "followers").flatMap(this::followers);
        Optional<HttpConfig> http = reader.optional(m, "http").isEmpty() ? Optional.of(HttpConfig.disabled())
                : http(reader.optional(m, "http").get());
        Optional<LagConfig> lag = reader.optional(m, "lag").isEmpty() ? Optional.of(LagConfig.defaults())
                : lag(reader.optional(m, "lag").get());
        Optional<Optional<SyncConfig>> sync = reader.optional(m, "sync").isEmpty() ? Optional.of(Optional.empty())
                : followers.flatMap(f -> sync(reader.optional(m, "sync").get(), f)).map(Optional::of);
        if (leader.isPresent() && followers.isPresent()) {
            checkFollowersAreNotLeader(leader.get(), followers.get(), m);
        }
        if (leader.isPresent() && captured.isPresent()) {
            checkLeaderCanBeRead(leader.get(), captured.get().mode(), m);
        }
        if (!reader.problems().isEmpty() || leader.isEmpty() || captured.isEmpty() || followers.isEmpty()
                || http.isEmpty() || lag.isEmpty() || sync.isEmpty()) {
            return Optional.empty();
        }
        CaptureBinder.Bound c = captured.get();
        int serverId = c.serverId().orElseGet(() -> CaptureBinder.defaultServerId(leader.get(),
                followers.get().stream().map(FollowerConfig::name).toList()));
        return Optional.of(new UnderstudyConfig(leader.get(),
                new CaptureConfig(c.mode(), c.tables(), c.exclude(), c.keys(), serverId), followers.get(), http.get(),
                lag.get(), sync.get()));
    }

    private Optional<Endpoint> leader(YamlNode node) {
        Optional<YamlNode.Mapping> mapping = reader.mapping(node, "leader");
        if (mapping.isEmpty()) {
            return Optional.empty();
        }
        reader.rejectUnknownKeys(mapping.get(), "leader", EndpointBinder.KEYS);
        return endpoints.bind(mapping.get(), "leader");
    }

    private Optional<List<FollowerConfig>> followers(YamlNode node) {
        Optional<List<YamlNode>> items = reader.sequence(node, "followers");
        if (items.isEmpty()) {
            return Optional.empty();
        }
        if (items.get().isEmpty()) {
            reader.problem(node.line(), "followers", "must list at least one follower");
            return Optional.empty();
        }
        List<FollowerConfig> followers = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();
        boolean ok = true;
        for (int i = 0; i < items.get().size(); i++) {
            Optional<FollowerConfig> follower = follower(items.get().get(i), "followers[" + i + "]", firstLine);
            ok &= follower.isPresent();
            follower.ifPresent(followers::add);
        }
        return ok ? Optional.of(followers) : Optional.empty();
    }

    private Optional<FollowerConfig> follower(YamlNode node, String path, Map<String, Integer> firstLine) {
        Optional<YamlNode.Mapping> mapping = reader.mapping(node, path);
        if (mapping.isEmpty()) {
            return Optional.empty();
        }
        YamlNode.Mapping m = mapping.get();
        reader.rejectUnknownKeys(m, path, FOLLOWER_KEYS);
        Optional<String> name = reader.requiredText(m, path, "name").filter(n -> checkName(n, m, path, firstLine));
        Optional<Endpoint> endpoint = endpoints.bind(m, path);
        Optional<YamlNode> threadsNode = reader.optional(m, "apply-threads");
        Optional<Long> threads = threadsNode.isEmpty() ? Optional.of((long) FollowerConfig.DEFAULT_APPLY_THREADS)
                : reader.integer(threadsNode.get(), path + ".apply-threads", 1, FollowerConfig.MAX_APPLY_THREADS);
        Optional<YamlNode> maxLagNode = reader.optional(m, "max-lag");
        Optional<Optional<Duration>> maxLag = maxLagNode.isEmpty() ? Optional.of(Optional.empty())
                : reader.duration(maxLagNode.get(), path + ".max-lag", Duration.ofMillis(100), Duration.ofDays(1)).map(Optional::of);
        if (name.isEmpty() || endpoint.isEmpty() || threads.isEmpty() || maxLag.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new FollowerConfig(name.get(), endpoint.get(), threads.get().intValue(), maxLag.get()));
    }

    private boolean checkName(String name, YamlNode.Mapping m, String path, Map<String, Integer> firstLine) {
        int line = EndpointBinder.line(m, "name");
        if (!FOLLOWER_NAME.matcher(name).matches()) {
            reader.problem(line, path + ".name", "'" + name + "' is not a valid follower name; use 1 to 40 of "
                    + "a-z, 0-9, _ and -");
            return false;
        }
        Integer previous = firstLine.putIfAbsent(name, line);
        if (previous != null) {
            reader.problem(line, path + ".name", "duplicate follower name '" + name + "' (first used on line "
                    + previous + "); names must be unique");
            return false;
        }
        return true;
    }

    /** A PostgreSQL leader has no binlog; only trigger capture can read it. */
    private void checkLeaderCanBeRead(Endpoint leader, CaptureMode mode, YamlNode.Mapping root) {
        if (leader.kind() == DatabaseKind.POSTGRESQL && mode == CaptureMode.BINLOG) {
            YamlNode.Mapping m = (YamlNode.Mapping) root.entries().get("leader").value();
            reader.problem(EndpointBinder.line(m, "kind"), "leader.kind", "a PostgreSQL leader has no binlog; set"
                    + " capture.mode: trigger (docs/trigger-mode.md) or use a mariadb or mysql leader");
        }
    }

    /**
     * A follower on the leader's own server would write into the very tables it reads: a MySQL-family follower on
     * the leader's host:port, or a PostgreSQL follower in the leader's database.
     */
    private void checkFollowersAreNotLeader(Endpoint leader, List<FollowerConfig> followers, YamlNode.Mapping root) {
        YamlNode.Sequence items = (YamlNode.Sequence) root.entries().get("followers").value();
        for (int i = 0; i < followers.size(); i++) {
            Endpoint f = followers.get(i).endpoint();
            boolean sameServer = f.kind().isMySqlFamily() == leader.kind().isMySqlFamily() && f.host().equalsIgnoreCase(leader.host())
                    && f.port() == leader.port();
            boolean sameStore = f.kind().isMySqlFamily() || f.database().equals(leader.database());
            if (sameServer && sameStore) {
                YamlNode.Mapping m = (YamlNode.Mapping) items.items().get(i);
                String where = f.kind().isMySqlFamily() ? "server " + leader.host() + ":" + leader.port()
                        : "database " + leader.database() + " on " + leader.host() + ":" + leader.port();
                reader.problem(EndpointBinder.line(m, "url"), "followers[" + i + "].url", "points at the leader's "
                        + where + "; a follower must be another " + (f.kind().isMySqlFamily() ? "server" : "database"));
            }
        }
    }

    private Optional<SyncConfig> sync(YamlNode node, List<FollowerConfig> followers) {
        Optional<YamlNode.Mapping> mapping = reader.mapping(node, "sync");
        if (mapping.isEmpty()) {
            return Optional.empty();
        }
        YamlNode.Mapping m = mapping.get();
        reader.rejectUnknownKeys(m, "sync", SYNC_KEYS);
        Optional<YamlNode> first = reader.optional(m, "first");
        Optional<YamlNode> any = reader.optional(m, "any");
        if (first.isPresent() == any.isPresent()) {
            reader.problem(node.line(), "sync", "give exactly one of first: N (the first N streaming followers of the"
                    + " list, in order) or any: N (any N of them)");
            return Optional.empty();
        }
        List<String> all = followers.stream().map(FollowerConfig::name).toList();
        Optional<List<String>> names = reader.optional(m, "followers").isEmpty() ? Optional.of(all)
                : reader.textList(reader.optional(m, "followers").get(), "sync.followers");
        if (names.isEmpty()) {
            return Optional.empty();
        }
        for (String n : names.get()) {
            if (!all.contains(n)) {
                reader.problem(EndpointBinder.line(m, "followers"), "sync.followers", "'" + n + "' is not a follower;"
                        + " followers: " + String.join(", ", all));
                return Optional.empty();
            }
        }
        if (names.get().stream().distinct().count() != names.get().size()) {
            reader.problem(EndpointBinder.line(m, "followers"), "sync.followers", "names a follower twice");
            return Optional.empty();
        }
        YamlNode countNode = first.orElseGet(any::get);
        return reader.integer(countNode, "sync." + (first.isPresent() ? "first" : "any"), 1, names.get().size())
                .map(n -> new SyncConfig(first.isPresent(), n.intValue(), names.get()));
    }

    private Optional<LagConfig> lag(YamlNode node) {
        Optional<YamlNode.Mapping> mapping = reader.mapping(node, "lag");
        if (mapping.isEmpty()) {
            return Optional.empty();
        }
        reader.rejectUnknownKeys(mapping.get(), "lag", LAG_KEYS);
        Optional<YamlNode> interval = reader.optional(mapping.get(), "heartbeat-interval");
        return interval.isEmpty() ? Optional.of(LagConfig.defaults())
                : reader.duration(interval.get(), "lag.heartbeat-interval", Duration.ofMillis(100), Duration.ofMinutes(10))
                        .map(LagConfig::new);
    }

    private Optional<HttpConfig> http(YamlNode node) {
        Optional<YamlNode.Mapping> mapping = reader.mapping(node, "http");
        if (mapping.isEmpty()) {
            return Optional.empty();
        }
        YamlNode.Mapping m = mapping.get();
        reader.rejectUnknownKeys(m, "http", HTTP_KEYS);
        Optional<Long> port = reader.required(m, "http", "port").flatMap(n -> reader.integer(n, "http.port", 0, 65535));
        Optional<String> bind = reader.optional(m, "bind").isEmpty() ? Optional.of(DEFAULT_BIND)
                : reader.requiredText(m, "http", "bind");
        if (port.isEmpty() || bind.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new HttpConfig(port.get().intValue(), bind.get().trim()));
    }
}
