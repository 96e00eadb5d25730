package io.understudy.connector;

import io.understudy.config.CaptureConfig;
import io.understudy.config.DatabaseKind;
import io.understudy.config.Endpoint;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/** Builds the Debezium embedded engine configuration for one capture. Stateless. */
final class EngineProperties {
    private EngineProperties() {
    }

    /**
     * Debezium matches each comma-separated regex against the whole {@code db.table} and refuses an include
     * list together with an exclude list, so exclusions become a negative lookahead in every include regex.
     */
    static String includeList(List<String> include, List<String> exclude) {
        String notExcluded = exclude.isEmpty() ? ""
                : "(?!(?:" + exclude.stream().map(EngineProperties::regex).collect(Collectors.joining("|")) + ")$)";
        return include.stream().map(glob -> notExcluded + regex(glob)).collect(Collectors.joining(","));
    }

    private static String regex(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*') {
                re.append("[^.]*");
            } else if (Character.isLetterOrDigit(c) || c == '_') {
                re.append(c);
            } else if (c == ',') {
                throw new IllegalArgumentException("table pattern '" + glob + "' contains a comma, which Debezium cannot express");
            } else {
                re.append('\\').append(c);
            }
        }
        return re.toString();
    }

    /** With memory schema history rebuilt from the leader's current catalog at each start. */
    static Properties build(String name, Endpoint leader, CaptureConfig capture, String resumeOffsetJson) {
        Properties p = common(name, leader, capture, resumeOffsetJson);
        p.setProperty("schema.history.internal", "io.debezium.relational.history.MemorySchemaHistory");
        p.setProperty("snapshot.mode", "recovery");
        return p;
    }

    /**
     * With schema history kept on the follower ({@link FollowerSchemaHistory}): an empty history is filled from
     * the leader's current catalog ({@code recovery}); otherwise it is recovered up to the resume offset and no
     * snapshot is taken ({@code no_data} with an offset present).
     */
    static Properties build(String name, Endpoint leader, CaptureConfig capture, String resumeOffsetJson,
                            Endpoint follower, boolean historyExists) {
        Properties p = common(name, leader, capture, resumeOffsetJson);
        p.setProperty("schema.history.internal", FollowerSchemaHistory.class.getName());
        p.setProperty(FollowerSchemaHistory.PREFIX + "url", follower.url());
        p.setProperty(FollowerSchemaHistory.PREFIX + "user", follower.user());
        p.setProperty(FollowerSchemaHistory.PREFIX + "password", follower.password().reveal());
        p.setProperty(FollowerSchemaHistory.PREFIX + "where", follower.describe());
        p.setProperty(FollowerSchemaHistory.PREFIX + "resume.offset", resumeOffsetJson);
        p.setProperty("snapshot.mode", historyExists ? "no_data" : "recovery");
        return p;
    }

    private static Properties common(String name, Endpoint leader, CaptureConfig capture, String resumeOffsetJson) {
        Properties p = new Properties();
        p.setProperty("name", name);
        p.setProperty("connector.class", leader.kind() == DatabaseKind.MYSQL
                ? "io.debezium.connector.mysql.MySqlConnector"
                : "io.debezium.connector.mariadb.MariaDbConnector");
        p.setProperty("topic.prefix", name);
        p.setProperty("offset.storage", ResumeOffsetStore.class.getName());
        p.setProperty("offset.flush.interval.ms", "60000");
        p.setProperty(ResumeOffsetStore.RESUME_OFFSET, resumeOffsetJson);
        p.setProperty("database.hostname", leader.host());
        p.setProperty("database.port", Integer.toString(leader.port()));
        p.setProperty("database.user", leader.user());
        p.setProperty("database.password", leader.password().reveal());
        p.setProperty("database.server.id", Integer.toString(capture.serverId()));
        // TLS to the leader is not configurable yet; the two connectors spell "off" differently.
        p.setProperty("database.ssl.mode", leader.kind() == DatabaseKind.MYSQL ? "disabled" : "disable");
        p.setProperty("provide.transaction.metadata", "true");
        // per-event work Understudy does not need (measured in docs/benchmarks.md): context headers, the
        // transaction block in every row record, topic names rebuilt for every row record
        p.setProperty("extended.headers.enabled", "false");
        p.setProperty("transaction.metadata.factory", TransactionBoundaries.class.getName());
        p.setProperty("topic.naming.strategy", CachedTopicNames.class.getName());
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("skipped.operations", "none");
        p.setProperty("decimal.handling.mode", "precise");
        p.setProperty("bigint.unsigned.handling.mode", "precise");
        p.setProperty("binary.handling.mode", "bytes");
        p.setProperty("time.precision.mode", "adaptive_time_microseconds");
        // the binlog carries four-digit years; the adjuster would turn DATE '0001-01-01' into 2001-01-01
        p.setProperty("enable.time.adjuster", "false");
        p.setProperty("include.schema.changes", "true");
        p.setProperty("poll.interval.ms", "10");
        p.setProperty("errors.max.retries", "0");
        p.setProperty("connect.timeout.ms", "10000");
        p.setProperty("record.processing.threads", "1");
        // BIGINT UNSIGNED arrives as a scale-0 Decimal like DECIMAL(20,0); the source type tells them apart.
        p.setProperty("column.propagate.source.type", ".*");
        p.setProperty("table.include.list", includeList(capture.filter().includePatterns(), capture.filter().excludePatterns()));
        return p;
    }
}
