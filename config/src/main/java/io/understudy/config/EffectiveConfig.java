package io.understudy.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Renders a config as YAML for the daemon's startup log: every effective value, defaults marked with a comment,
 * passwords as {@code ****} and URL credentials masked. Stateless and thread-safe.
 */
final class EffectiveConfig {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_/]([A-Za-z0-9_./:@?=&%+*-]*[A-Za-z0-9_./@?=&%+*-])?");
    private static final Pattern NUMBER_LIKE =
            Pattern.compile("[-+]?(0x[0-9a-fA-F_]+|[0-9][0-9_:]*(\\.[0-9_]*)?([eE][-+]?[0-9]+)?|\\.[0-9]+)");
    private static final Set<String> RESERVED = Set.of("true", "false", "yes", "no", "on", "off", "null", "y", "n");
    static final String MASK = "'****'";

    private EffectiveConfig() {
    }

    static String render(UnderstudyConfig config) {
        StringBuilder out = new StringBuilder();
        out.append("# effective configuration; secrets masked, '# default' marks values not taken from the file\n");
        out.append("leader:\n");
        endpoint(out, "  ", config.leader());
        capture(out, config);
        out.append("followers:\n");
        for (FollowerConfig follower : config.followers()) {
            out.append("  - name: ").append(scalar(follower.name())).append('\n');
            endpoint(out, "    ", follower.endpoint());
            out.append("    apply-threads: ").append(follower.applyThreads()).append('\n');
            follower.maxLag().ifPresent(d -> out.append("    max-lag: ").append(Durations.format(d)).append('\n'));
        }
        out.append("lag:\n");
        out.append("  heartbeat-interval: ").append(Durations.format(config.lag().heartbeatInterval()))
                .append(config.lag().heartbeatInterval().equals(LagConfig.DEFAULT_HEARTBEAT_INTERVAL) ? "  # default" : "")
                .append('\n');
        config.sync().ifPresent(sync -> out.append("sync:\n  ").append(sync.priority() ? "first" : "any").append(": ")
                .append(sync.count()).append("\n  followers: ").append(list(sync.followers())).append('\n'));
        HttpConfig http = config.http();
        out.append("http:\n");
        out.append("  port: ").append(http.port()).append(http.port() == 0 ? "  # disabled (the default when the http section is absent)" : "")
                .append('\n');
        out.append("  bind: ").append(scalar(http.bind())).append('\n');
        return out.toString();
    }

    private static void endpoint(StringBuilder out, String indent, Endpoint endpoint) {
        out.append(indent).append("kind: ").append(endpoint.kind().configName()).append('\n');
        out.append(indent).append("url: ").append(scalar(EndpointBinder.mask(endpoint.url()))).append('\n');
        out.append(indent).append("user: ").append(scalar(endpoint.user())).append('\n');
        out.append(indent).append("password: ").append(MASK).append('\n');
    }

    private static void capture(StringBuilder out, UnderstudyConfig config) {
        CaptureConfig capture = config.capture();
        out.append("capture:\n");
        out.append("  mode: ").append(capture.mode().name().toLowerCase(Locale.ROOT)).append('\n');
        out.append("  tables: ").append(list(capture.tables())).append('\n');
        out.append("  exclude: ").append(list(capture.exclude())).append('\n');
        if (capture.keys().isEmpty()) {
            out.append("  keys: {}\n");
        } else {
            out.append("  keys:\n");
            capture.keys().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey((a, b) -> a.toString().compareTo(b.toString())))
                    .forEach(e -> out.append("    ").append(scalar(e.getKey().toString())).append(": ")
                            .append(list(e.getValue())).append('\n'));
        }
        if (capture.mode() != CaptureMode.BINLOG) {
            return;
        }
        int derived = CaptureBinder.defaultServerId(config.leader(),
                config.followers().stream().map(FollowerConfig::name).toList());
        out.append("  server-id: ").append(capture.serverId())
                .append(capture.serverId() == derived ? "  # default, derived from leader host:port and follower names" : "")
                .append('\n');
    }

    private static String list(List<String> items) {
        // inside [ ] a colon may read as a key indicator, so such items are quoted
        return items.stream().map(i -> i.contains(":") ? "'" + i.replace("'", "''") + "'" : scalar(i))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /** A YAML scalar, plain when that reads back as the same string, single-quoted otherwise. */
    static String scalar(String value) {
        if (PLAIN.matcher(value).matches() && !RESERVED.contains(value.toLowerCase(Locale.ROOT))
                && !NUMBER_LIKE.matcher(value).matches()) {
            return value;
        }
        return "'" + value.replace("'", "''") + "'";
    }
}
