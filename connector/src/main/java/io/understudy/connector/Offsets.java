package io.understudy.connector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.understudy.model.BinlogPosition;
import io.understudy.model.ReplicationException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Debezium source offset maps to and from JSON and {@link BinlogPosition}. Stateless and thread-safe. */
final class Offsets {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Offsets() {
    }

    static Map<String, Object> parse(String json) {
        try {
            Map<String, Object> map = JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
            if (map == null || !(map.get("file") instanceof String) || !(map.get("pos") instanceof Number)) {
                throw new ReplicationException("stored binlog position '" + json
                        + "' has no file/pos; it was not written by Understudy's binlog capture. Reset the follower's position");
            }
            return map;
        } catch (JsonProcessingException e) {
            throw new ReplicationException("stored binlog position is not valid JSON: '" + json
                    + "'; reset the follower's position", e);
        }
    }

    /**
     * The offset as JSON with its keys sorted. Offsets are flat maps of short ASCII strings and numbers, written here
     * directly (two per leader transaction, so this is on the hot path); anything else goes through Jackson, whose
     * output the direct form equals.
     */
    static String format(Map<String, ?> offset) {
        TreeMap<String, ?> sorted = new TreeMap<>(offset);
        StringBuilder json = new StringBuilder(160).append('{');
        for (Map.Entry<String, ?> e : sorted.entrySet()) {
            Object v = e.getValue();
            if (!plain(e.getKey()) || !(v == null || v instanceof Long || v instanceof Integer || v instanceof Boolean
                    || v instanceof String text && plain(text))) {
                return jackson(sorted);
            }
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"').append(e.getKey()).append("\":");
            if (v instanceof String) {
                json.append('"').append(v).append('"');
            } else {
                json.append(v);
            }
        }
        return json.append('}').toString();
    }

    /** Printable ASCII without quote and backslash: JSON needs no escapes for it. */
    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < 0x20 || ch > 0x7e || ch == '"' || ch == '\\') {
                return false;
            }
        }
        return true;
    }

    private static String jackson(Map<String, ?> sorted) {
        try {
            return JSON.writeValueAsString(sorted);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write offset " + sorted, e);
        }
    }

    static BinlogPosition position(Map<String, ?> offset) {
        // An END offset names the committed transaction; its "gtids" is the set before that transaction.
        Object gtid = offset.containsKey("transaction_id") ? offset.get("transaction_id") : offset.get("gtids");
        Object before = offset.get("gtids");
        Object committed = offset.get("transaction_id");
        String executed = Gtids.plus(before == null ? null : before.toString(), committed == null ? null : committed.toString());
        return new BinlogPosition((String) offset.get("file"), ((Number) offset.get("pos")).longValue(),
                gtid == null ? "" : gtid.toString(), executed, format(offset));
    }

    static BinlogPosition decode(String encoded) {
        return position(parse(encoded));
    }
}
