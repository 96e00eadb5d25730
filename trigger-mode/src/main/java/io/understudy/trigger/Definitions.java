package io.understudy.trigger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.understudy.catalog.TableDef;
import io.understudy.model.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The capture definitions stored on the leader ({@code understudy.capture_table}), keyed by id, and their JSON form.
 * Not thread-safe: one instance per reader.
 */
final class Definitions {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /** The stored form: the table as the catalog read it and the key columns. */
    record Stored(TableDef table, List<String> keyColumns) {
    }

    private final Map<Integer, CaptureDefinition> byId = new HashMap<>();
    private int loadedMax;

    static String toJson(CaptureDefinition d) {
        try {
            return JSON.writeValueAsString(new Stored(d.table(), d.keyColumns()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the capture definition of " + d.tableId(), e);
        }
    }

    static CaptureDefinition fromJson(int id, String json) {
        try {
            Stored s = JSON.readValue(json, Stored.class);
            return new CaptureDefinition(id, s.table(), s.keyColumns());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("understudy.capture_table row " + id + " on the leader is unreadable: "
                    + e.getOriginalMessage() + "; run `understudy triggers install` again", e);
        }
    }

    /** (Re)loads every definition from the leader. */
    void load(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, definition FROM understudy.capture_table");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                byId.put(rs.getInt(1), fromJson(rs.getInt(1), rs.getString(2)));
                loadedMax = Math.max(loadedMax, rs.getInt(1));
            }
        }
    }

    /** Whether install stored definitions since the last {@link #load}. */
    boolean stale(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(id) FROM understudy.capture_table");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1) > loadedMax;
        }
    }

    Optional<CaptureDefinition> get(int id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The newest loaded definition of {@code table}, when it is newer than {@code than}. */
    Optional<CaptureDefinition> newer(CaptureDefinition than) {
        return byId.values().stream().filter(d -> d.tableId().equals(than.tableId()) && d.id() > than.id())
                .max(java.util.Comparator.comparingInt(CaptureDefinition::id));
    }

    /** The newest definition of each table, as install last wrote it. */
    static Map<TableId, CaptureDefinition> latest(Connection c) throws SQLException {
        Map<TableId, CaptureDefinition> latest = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, definition FROM understudy.capture_table ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                CaptureDefinition d = fromJson(rs.getInt(1), rs.getString(2));
                latest.put(d.tableId(), d);
            }
        }
        return latest;
    }
}
