package io.understudy.config;

import io.understudy.model.TableId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/** Binds and validates the {@code capture} section. Not thread-safe; one instance per load. */
final class CaptureBinder {
    static final List<String> KEYS = List.of("mode", "tables", "exclude", "keys", "server-id");
    static final long DEFAULT_SERVER_ID_BASE = 5_400_000L;
    static final long DEFAULT_SERVER_ID_SPAN = 1_000_000L;
    private static final Pattern TABLE_PATTERN = Pattern.compile("[^.\\s]+\\.[^.\\s]+");
    private static final Pattern LITERAL_TABLE = Pattern.compile("[^.\\s*]+\\.[^.\\s*]+");
    private static final String PATH = "capture";

    /** The capture section before the server id default is applied (it depends on leader and followers). */
    record Bound(CaptureMode mode, List<String> tables, List<String> exclude, Map<TableId, List<String>> keys,
                 OptionalInt serverId) { }

    private final NodeReader reader;

    CaptureBinder(NodeReader reader) {
        this.reader = reader;
    }

    /**
     * The documented default server id: {@value #DEFAULT_SERVER_ID_BASE} + (CRC-32 of
     * {@code "<leader host>:<leader port>|<follower names, sorted, comma-separated>"} mod 1,000,000).
     * Stable across restarts and different for daemons feeding different followers from one leader.
     */
    static int defaultServerId(Endpoint leader, List<String> followerNames) {
        CRC32 crc = new CRC32();
        String seed = leader.host() + ":" + leader.port() + "|" + String.join(",", followerNames.stream().sorted().toList());
        crc.update(seed.getBytes(StandardCharsets.UTF_8));
        return (int) (DEFAULT_SERVER_ID_BASE + crc.getValue() % DEFAULT_SERVER_ID_SPAN);
    }

    Optional<Bound> bind(YamlNode node) {
        Optional<YamlNode.Mapping> mapping = reader.mapping(node, PATH);
        if (mapping.isEmpty()) {
            return Optional.empty();
        }
        YamlNode.Mapping m = mapping.get();
        reader.rejectUnknownKeys(m, PATH, KEYS);
        Optional<CaptureMode> mode = reader.requiredText(m, PATH, "mode").flatMap(t -> mode(t, m));
        Optional<List<String>> tables = reader.required(m, PATH, "tables").flatMap(n -> patterns(n, "capture.tables", true));
        Optional<List<String>> exclude = reader.optional(m, "exclude").isEmpty() ? Optional.of(List.of())
                : patterns(reader.optional(m, "exclude").get(), "capture.exclude", false);
        Optional<Map<TableId, List<String>>> keys = reader.optional(m, "keys").isEmpty() ? Optional.of(Map.of())
                : keys(reader.optional(m, "keys").get());
        Optional<YamlNode> idNode = reader.optional(m, "server-id");
        Optional<Long> serverId = idNode.flatMap(n -> reader.integer(n, "capture.server-id", 1, Integer.MAX_VALUE));
        if (mode.isEmpty() || tables.isEmpty() || exclude.isEmpty() || keys.isEmpty()
                || (idNode.isPresent() && serverId.isEmpty())) {
            return Optional.empty();
        }
        checkKeysAreCaptured(m, keys.get(), new TableFilter(tables.get(), exclude.get()));
        return Optional.of(new Bound(mode.get(), tables.get(), exclude.get(), keys.get(),
                serverId.map(id -> OptionalInt.of(id.intValue())).orElse(OptionalInt.empty())));
    }

    private Optional<CaptureMode> mode(String text, YamlNode.Mapping m) {
        int line = EndpointBinder.line(m, "mode");
        switch (text.trim()) {
            case "binlog":
                return Optional.of(CaptureMode.BINLOG);
            case "trigger":
                if (reader.optional(m, "server-id").isPresent()) {
                    reader.problem(EndpointBinder.line(m, "server-id"), "capture.server-id", "applies to mode: binlog"
                            + " only (trigger mode opens no binlog connection); remove it");
                }
                return Optional.of(CaptureMode.TRIGGER);
            default:
                reader.problem(line, "capture.mode", "unknown mode '" + text + "'; possible values: binlog, trigger");
                return Optional.empty();
        }
    }

    private Optional<List<String>> patterns(YamlNode node, String path, boolean nonEmpty) {
        Optional<List<String>> list = reader.textList(node, path);
        if (list.isEmpty()) {
            return list;
        }
        if (nonEmpty && list.get().isEmpty()) {
            reader.problem(node.line(), path, "must list at least one schema.table pattern, e.g. [shop.*]");
            return Optional.empty();
        }
        boolean ok = true;
        List<YamlNode> items = ((YamlNode.Sequence) node).items();
        for (int i = 0; i < items.size(); i++) {
            if (!TABLE_PATTERN.matcher(list.get().get(i)).matches()) {
                reader.problem(items.get(i).line(), path + "[" + i + "]", "'" + list.get().get(i)
                        + "' is not a schema.table pattern; write e.g. shop.orders, shop.* or *.audit_*");
                ok = false;
            }
        }
        return ok ? list : Optional.empty();
    }

    private Optional<Map<TableId, List<String>>> keys(YamlNode node) {
        Optional<YamlNode.Mapping> mapping = reader.mapping(node, "capture.keys");
        if (mapping.isEmpty()) {
            return Optional.empty();
        }
        Map<TableId, List<String>> keys = new LinkedHashMap<>();
        boolean ok = true;
        for (YamlNode.Mapping.Entry entry : mapping.get().entries().values()) {
            String path = "capture.keys." + entry.key();
            if (!LITERAL_TABLE.matcher(entry.key()).matches()) {
                reader.problem(entry.keyLine(), path, "'" + entry.key()
                        + "' is not a schema.table name (no wildcards here); write e.g. shop.events: [id, ts]");
                ok = false;
                continue;
            }
            Optional<List<String>> columns = columns(entry.value(), path);
            ok &= columns.isPresent();
            columns.ifPresent(c -> keys.put(TableId.parse(entry.key()), c));
        }
        return ok ? Optional.of(keys) : Optional.empty();
    }

    private Optional<List<String>> columns(YamlNode node, String path) {
        Optional<List<String>> columns = reader.textList(node, path);
        if (columns.isEmpty()) {
            return columns;
        }
        if (columns.get().isEmpty()) {
            reader.problem(node.line(), path, "must list at least one key column, e.g. [id]");
            return Optional.empty();
        }
        Set<String> seen = new HashSet<>();
        List<String> duplicates = new ArrayList<>();
        columns.get().forEach(c -> {
            if (!seen.add(c)) {
                duplicates.add(c);
            }
        });
        if (!duplicates.isEmpty()) {
            reader.problem(node.line(), path, "lists column(s) " + duplicates + " more than once");
            return Optional.empty();
        }
        return columns;
    }

    private void checkKeysAreCaptured(YamlNode.Mapping m, Map<TableId, List<String>> keys, TableFilter filter) {
        YamlNode.Mapping keysNode = (YamlNode.Mapping) reader.optional(m, "keys").orElse(null);
        for (TableId table : keys.keySet()) {
            if (!filter.includes(table)) {
                int line = keysNode == null ? m.line() : keysNode.entries().get(table.toString()).keyLine();
                reader.problem(line, "capture.keys." + table, "names " + table + ", which capture.tables/exclude do"
                        + " not capture; remove it or add it to capture.tables");
            }
        }
    }
}
