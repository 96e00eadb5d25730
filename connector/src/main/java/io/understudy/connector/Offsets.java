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

    static String format(Map<String, ?> offset) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(offset));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write offset " + offset, e);
        }
    }

    static BinlogPosition position(Map<String, ?> offset) {
        // An END offset names the committed transaction; its "gtids" is the set before that transaction.
        Object gtid = offset.containsKey("transaction_id") ? offset.get("transaction_id") : offset.get("gtids");
        return new BinlogPosition((String) offset.get("file"), ((Number) offset.get("pos")).longValue(),
                gtid == null ? "" : gtid.toString(), format(offset));
    }

    static BinlogPosition decode(String encoded) {
        return position(parse(encoded));
    }
}
