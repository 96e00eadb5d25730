package io.understudy.snapshot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.understudy.applier.SnapshotProgress;
import io.understudy.model.Position;
import io.understudy.model.ReplicationException;
import io.understudy.model.TableId;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Which leader log position each part of one table's follower copy is consistent with. A table copied in one
 * run has one position for all keys. A table whose copy was interrupted and resumed (single integer key only)
 * has earlier segments: keys up to {@code upTo} of segment i reflect its position, keys above the last segment
 * reflect {@link #current()}. Positions grow from segment to segment. Immutable and thread-safe.
 */
record Cutoffs(TableId table, List<Segment> earlier, Position current) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Keys up to and including {@code upTo} were copied consistent with {@code position}. */
    record Segment(BigInteger upTo, Position position) {
    }

    Cutoffs {
        earlier = List.copyOf(earlier);
    }

    static Cutoffs of(SnapshotProgress p) {
        return new Cutoffs(p.table(), decodeSegments(p.table(), p.earlierSegments()), Positions.decode(p.position()));
    }

    /** The position the follower's row with this key reflects. */
    Position positionFor(List<Object> key) {
        if (earlier.isEmpty()) {
            return current;
        }
        BigInteger k = integerKey(table, key);
        for (Segment s : earlier) {
            if (k.compareTo(s.upTo()) <= 0) {
                return s.position();
            }
        }
        return current;
    }

    Position min() {
        return earlier.isEmpty() ? current : Collections.min(positions(), Positions.ORDER);
    }

    Position max() {
        return earlier.isEmpty() ? current : Collections.max(positions(), Positions.ORDER);
    }

    private List<Position> positions() {
        List<Position> all = new ArrayList<>();
        earlier.forEach(s -> all.add(s.position()));
        all.add(current);
        return all;
    }

    static BigInteger integerKey(TableId table, List<Object> key) {
        if (key.size() != 1 || !(key.get(0) instanceof Number n)) {
            throw new ReplicationException("snapshot of " + table + " was resumed by key range, which needs a single"
                    + " integer key, but a change carries key " + key + "; re-snapshot this follower");
        }
        return n instanceof BigInteger b ? b : new BigInteger(n.toString());
    }

    static String encodeSegments(List<Segment> segments) {
        if (segments.isEmpty()) {
            return null;
        }
        List<Map<String, String>> list = segments.stream()
                .map(s -> Map.of("upTo", s.upTo().toString(), "position", s.position().encode())).toList();
        try {
            return JSON.writeValueAsString(list);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode snapshot segments " + segments, e);
        }
    }

    static List<Segment> decodeSegments(TableId table, String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            List<Map<String, String>> list = JSON.readValue(json, new TypeReference<List<Map<String, String>>>() { });
            return list.stream().map(m -> new Segment(new BigInteger(m.get("upTo")),
                    Positions.decode(m.get("position")))).toList();
        } catch (JsonProcessingException | RuntimeException e) {
            throw new ReplicationException("understudy.snapshot_progress of " + table + " has unreadable segments '"
                    + json + "'; re-snapshot this follower", e);
        }
    }
}
