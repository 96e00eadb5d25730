package io.understudy.applier;

import io.understudy.model.TableId;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.StringJoiner;

/** PostgreSQL followers: leader {@code s.t} lands in schema {@code s}, table {@code t} of the URL's database. */
final class PostgresDialect implements Dialect {
    @Override
    public String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    @Override
    public String describeTarget(TableId t) {
        return "(schema " + quote(t.schema()) + ", table " + quote(t.table()) + " in the URL's database)";
    }

    @Override
    public boolean schemaIsCatalog() {
        return false;
    }

    @Override
    public int bind(PreparedStatement ps, int index, Object value, FollowerColumn column) throws SQLException {
        PostgresValues.bind(ps, index, value, column);
        return index + 1;
    }

    @Override
    public String upsert(String table, List<FollowerColumn> columns, List<FollowerColumn> keys, int rows) {
        StringBuilder sql = insertPrefix(table, columns, rows).append(" ON CONFLICT ").append(columnList(keys));
        StringJoiner set = new StringJoiner(", ");
        for (FollowerColumn c : columns) {
            if (!keys.contains(c)) {
                set.add(quote(c.name()) + "=EXCLUDED." + quote(c.name()));
            }
        }
        return set.length() == 0 ? sql.append(" DO NOTHING").toString()
                : sql.append(" DO UPDATE SET ").append(set).toString();
    }

    @Override
    public String truncate(String table) {
        return "TRUNCATE TABLE " + table; // transactional on PostgreSQL
    }

    @Override
    public String flywayLocation() {
        return "classpath:db/understudy/postgresql";
    }

    @Override
    public String positionUpsert() {
        return "INSERT INTO understudy.applied_position (source, encoded_position, description, transaction_id,"
                + " leader_commit_time, applied_at, transactions, row_changes, token) VALUES (?,?,?,?,?,?,?,?,?)"
                + " ON CONFLICT (source) DO UPDATE SET encoded_position=EXCLUDED.encoded_position,"
                + " description=EXCLUDED.description, transaction_id=EXCLUDED.transaction_id,"
                + " leader_commit_time=EXCLUDED.leader_commit_time, applied_at=EXCLUDED.applied_at,"
                + " transactions=applied_position.transactions+EXCLUDED.transactions,"
                + " row_changes=applied_position.row_changes+EXCLUDED.row_changes, token=EXCLUDED.token";
    }

    @Override
    public void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
        ps.setObject(index, value == null ? null : value.atOffset(ZoneOffset.UTC), java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
    }

    @Override
    public Instant getInstant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    @Override
    public String connectionInitSql() {
        return null; // SET is transactional on PostgreSQL: a rollback would undo it, so set per transaction
    }

    @Override
    public String transactionSetup(boolean replicaRole) {
        // replica: ordinary triggers and FK actions already ran on the leader; their effects arrive as rows
        return (replicaRole ? "SET LOCAL session_replication_role = replica; " : "") + "SET LOCAL TIME ZONE 'UTC'";
    }
}
