package io.understudy.connector;

import io.debezium.config.Configuration;
import io.debezium.document.Document;
import io.debezium.document.DocumentReader;
import io.debezium.document.DocumentWriter;
import io.debezium.relational.history.AbstractSchemaHistory;
import io.debezium.relational.history.HistoryRecord;
import io.debezium.relational.history.HistoryRecordComparator;
import io.debezium.relational.history.SchemaHistoryException;
import io.debezium.relational.history.SchemaHistoryListener;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Debezium schema history kept on the follower, in {@code understudy.schema_history} (created by the applier's
 * Flyway migration V3), so that the follower stays the single source of truth: its position says where the
 * stream stands, its history says which table structures the binlog rows before and after that position have.
 * Each row holds one Debezium {@link HistoryRecord} as JSON, in insertion order.
 *
 * <p>The history may run ahead of the follower's position (a DDL is recorded when Debezium reads it, before the
 * follower applied it); Debezium recovers only the records at or before the resume offset, and a re-read DDL is
 * recorded again, which recovery tolerates. Records of the first (recovery) snapshot describe the tables as they
 * were when the follower started; they are recovered as if taken at the resume offset, because the follower's
 * first position can lie a few transactions before the snapshot's own.
 *
 * <p>Configured through engine properties {@code schema.history.internal.understudy.url/user/password} and
 * {@code .where} (host:port and user, for messages) and {@code .resume.offset}. Debezium calls it from its task threads; each call
 * opens its own JDBC connection, so it is thread-safe.
 */
public final class FollowerSchemaHistory extends AbstractSchemaHistory {
    static final String PREFIX = CONFIGURATION_FIELD_PREFIX_STRING + "understudy.";
    static final String TABLE = "understudy.schema_history";

    private String url;
    private String where;
    private String user;
    private String password;
    private Map<String, Object> resumeOffset = Map.of();

    @Override
    public void configure(Configuration config, HistoryRecordComparator comparator, SchemaHistoryListener listener,
                          boolean useCatalogBeforeSchema) {
        super.configure(config, comparator, listener, useCatalogBeforeSchema);
        url = setting(config, "url");
        where = setting(config, "where");
        user = setting(config, "user");
        password = setting(config, "password");
        String resume = setting(config, "resume.offset");
        resumeOffset = resume == null || resume.isBlank() ? Map.of() : Offsets.parse(resume);
        if (url == null || user == null) {
            throw new SchemaHistoryException("schema history on the follower needs " + PREFIX + "url and " + PREFIX + "user");
        }
    }

    private static String setting(Configuration config, String key) {
        String value = config.getString(PREFIX + key);
        return value != null ? value : config.getString("understudy." + key);
    }

    /** Whether the follower at {@code url} holds any schema history yet (false also when the table is missing). */
    static boolean hasRecords(String url, String user, String password, String where) {
        try (Connection c = DriverManager.getConnection(url, user, password);
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + TABLE + " WHERE id = (SELECT min(id) FROM " + TABLE + ")");
             ResultSet rs = ps.executeQuery()) {
            return rs.next();
        } catch (SQLException e) {
            throw new SchemaHistoryException("cannot read " + TABLE + " on follower " + where + ": "
                    + e.getMessage() + "; check that the follower was migrated (Understudy creates it at start)", e);
        }
    }

    @Override
    protected void storeRecord(HistoryRecord record) throws SchemaHistoryException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (record) VALUES (?)")) {
            ps.setString(1, DocumentWriter.defaultWriter().write(record.document()));
            ps.executeUpdate();
        } catch (SQLException | IOException e) {
            throw new SchemaHistoryException("cannot store a schema history record in " + TABLE + " on follower "
                    + where + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected void recoverRecords(Consumer<HistoryRecord> records) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT record FROM " + TABLE + " ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                records.accept(new HistoryRecord(asOfResume(DocumentReader.defaultReader().read(rs.getString(1)))));
            }
        } catch (SQLException | IOException e) {
            throw new SchemaHistoryException("cannot read schema history from " + TABLE + " on follower " + where
                    + ": " + e.getMessage(), e);
        }
    }

    /** Snapshot records are the base every later record builds on: recover them as taken at the resume offset. */
    private Document asOfResume(Document record) {
        Document position = record.getDocument(HistoryRecord.Fields.POSITION);
        if (position == null || resumeOffset.isEmpty() || !isSnapshot(position)) {
            return record;
        }
        Document rewritten = Document.create();
        resumeOffset.forEach(rewritten::set);
        record.set(HistoryRecord.Fields.POSITION, rewritten);
        return record;
    }

    private static boolean isSnapshot(Document position) {
        if (!position.has("snapshot")) {
            return false;
        }
        Object value = position.get("snapshot").asObject();
        return value != null && !"false".equalsIgnoreCase(value.toString());
    }

    @Override
    public boolean exists() {
        return hasRecords(url, user, password, where);
    }

    @Override
    public boolean storageExists() {
        return true; // created by the applier's migration before capture starts
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    @Override
    public String toString() {
        return "follower schema history " + TABLE + " on " + where;
    }
}
