package io.understudy.applier;

import io.understudy.model.TableId;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** MariaDB and MySQL followers: leader {@code s.t} lands in database {@code s}, table {@code t}. */
abstract sealed class MySqlFamilyDialect implements Dialect permits MariaDbDialect, MySqlDialect {

    static boolean isSpatial(FollowerColumn column) {
        return column.spatial();
    }

    @Override
    public String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }

    @Override
    public String describeTarget(TableId t) {
        return qualified(t.schema(), t.table());
    }

    @Override
    public boolean schemaIsCatalog() {
        return true;
    }

    @Override
    public String placeholder(FollowerColumn column) {
        return isSpatial(column) ? "ST_GeomFromWKB(?, ?)" : "?";
    }

    @Override
    public int parameters(FollowerColumn column) {
        return isSpatial(column) ? 2 : 1;
    }

    @Override
    public int bind(PreparedStatement ps, int index, Object value, FollowerColumn column) throws SQLException {
        return MySqlValues.bind(ps, index, value, column);
    }

    @Override
    public String truncate(String table) {
        // TRUNCATE commits implicitly on MariaDB/MySQL, which would split the leader transaction and its
        // position apart; DELETE stays inside the follower transaction.
        return "DELETE FROM " + table;
    }

    @Override
    public String flywayLocation() {
        return "classpath:db/understudy/mysql";
    }

    @Override
    public void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
        // DATETIME(6) in UTC; the session time zone is '+00:00'
        ps.setObject(index, value == null ? null : LocalDateTime.ofInstant(value, ZoneOffset.UTC));
    }

    @Override
    public Instant getInstant(ResultSet rs, String column) throws SQLException {
        LocalDateTime t = rs.getObject(column, LocalDateTime.class);
        return t == null ? null : t.toInstant(ZoneOffset.UTC);
    }

    @Override
    public String connectionInitSql() {
        // foreign_key_checks=0: the leader already ran ON DELETE/UPDATE CASCADE and its effects arrive as
        // row changes; cascading again on the follower would apply them twice (and parents may arrive later).
        // time_zone: TIMESTAMP values are bound as UTC. NO_AUTO_VALUE_ON_ZERO: a leader id 0 stays 0.
        // STRICT_ALL_TABLES: a value the follower cannot hold fails instead of being silently truncated.
        return "SET SESSION foreign_key_checks=0, time_zone='+00:00',"
                + " sql_mode='STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'";
    }

    @Override
    public String transactionSetup(boolean replicaRole) {
        return null;
    }

    /** Column names of the position row, in {@link #positionUpsert()} parameter order. */
    static final String POSITION_INSERT = "INSERT INTO understudy.applied_position (source, encoded_position,"
            + " description, transaction_id, leader_commit_time, applied_at, transactions, row_changes, token)"
            + " VALUES (?,?,?,?,?,?,?,?,?)";
}
