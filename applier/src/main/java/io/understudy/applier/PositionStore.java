package io.understudy.applier;

import io.understudy.model.Position;
import io.understudy.model.ReplicationException;
import io.understudy.model.Token;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Understudy's position table on one follower ({@code understudy.applied_position}, one row per source),
 * created and upgraded by Flyway with its history table in the same schema. Reads and writes run inside
 * the caller's transaction. Thread-safe (stateless apart from configuration).
 */
final class PositionStore {
    static final String SCHEMA = "understudy";
    static final String SOURCE = "leader";

    /** The stored row; times may be null for a position recorded by {@code initializePosition}. */
    record Stored(String encoded, String description, String transactionId, Instant leaderCommitTime,
                  Instant appliedAt) {
    }

    private final FollowerRef where;
    private final Dialect dialect;

    PositionStore(FollowerRef where, Dialect dialect) {
        this.where = where;
        this.dialect = dialect;
    }

    void migrate(DataSource dataSource, String user) {
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .schemas(SCHEMA)
                    .createSchemas(true)
                    .locations(dialect.flywayLocation())
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw Failures.wrap(where, "cannot create or upgrade Understudy's position table "
                    + SCHEMA + ".applied_position", e, "Let user '" + user + "' create it: "
                    + (dialect instanceof PostgresDialect
                    ? "GRANT CREATE ON DATABASE <database> TO " + user + " (or create schema understudy owned by it)"
                    : "GRANT ALL ON understudy.* TO '" + user + "'@'<host>'")
                    + ", then restart Understudy.");
        }
    }

    Optional<Stored> read(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT encoded_position, description, transaction_id,"
                + " leader_commit_time, applied_at FROM understudy.applied_position WHERE source = ?")) {
            ps.setString(1, SOURCE);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Stored(rs.getString("encoded_position"), rs.getString("description"),
                        rs.getString("transaction_id"), dialect.getInstant(rs, "leader_commit_time"),
                        dialect.getInstant(rs, "applied_at")));
            }
        }
    }

    /**
     * Upserts the position row, adding {@code transactions} and {@code rows} row changes to its counters. Column
     * {@code token} holds the position as a causality token ({@link Token}), which {@code understudy.wait_for}
     * compares readers' tokens with.
     */
    void write(Connection c, Position position, String transactionId, Instant commitTime,
               Instant appliedAt, long transactions, long rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.positionUpsert())) {
            ps.setString(1, SOURCE);
            ps.setString(2, position.encode());
            ps.setString(3, position.describe());
            ps.setString(4, transactionId);
            dialect.setInstant(ps, 5, commitTime);
            dialect.setInstant(ps, 6, appliedAt);
            ps.setLong(7, transactions);
            ps.setLong(8, rows);
            ps.setString(9, token(position));
            ps.executeUpdate();
        }
    }

    static String token(Position position) {
        return Token.of(position, Token.FIRST_EPOCH).map(Token::toString).orElse(null);
    }

    /** Records a start position; fails when one is stored already, so a resume point is never overwritten. */
    void initialize(Connection c, Position start, Instant now) throws SQLException {
        Optional<Stored> existing = read(c);
        if (existing.isPresent()) {
            throw new ReplicationException(where + ": already has a stored position (" + existing.get().description()
                    + "); refusing to overwrite it. To start over, delete the row in understudy.applied_position.");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO understudy.applied_position (source,"
                + " encoded_position, description, applied_at, transactions, row_changes, token) VALUES (?,?,?,?,0,0,?)")) {
            ps.setString(1, SOURCE);
            ps.setString(2, start.encode());
            ps.setString(3, start.describe());
            dialect.setInstant(ps, 4, now);
            ps.setString(5, token(start));
            ps.executeUpdate();
        }
        // Debezium's schema history on the follower describes the stream it was recorded from; a new start
        // position begins a new stream, so an old history would decode it with stale or missing tables.
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM understudy.schema_history")) {
            ps.executeUpdate();
        }
    }
}
