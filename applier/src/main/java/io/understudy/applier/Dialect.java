package io.understudy.applier;

import io.understudy.config.DatabaseKind;
import io.understudy.model.TableId;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.StringJoiner;

/**
 * What differs between follower databases: quoting, statement shapes, value binding, session setup and
 * the position table. Implementations are stateless and thread-safe.
 */
sealed interface Dialect permits MySqlFamilyDialect, PostgresDialect {
    /** PostgreSQL's wire protocol limit; also a sane cap for MariaDB/MySQL statements. */
    int MAX_PARAMETERS = 65_535;

    static Dialect of(DatabaseKind kind) {
        return switch (kind) {
            case MARIADB -> new MariaDbDialect();
            case MYSQL -> new MySqlDialect();
            case POSTGRESQL -> new PostgresDialect();
        };
    }

    String quote(String identifier);

    default String qualified(String schema, String table) {
        return quote(schema) + "." + quote(table);
    }

    /** Where a leader table lands, for messages. */
    String describeTarget(TableId leaderTable);

    /** True when a MySQL database is a JDBC catalog; false when it is a schema (PostgreSQL). */
    boolean schemaIsCatalog();

    /** SQL for one value of this column inside VALUES or IN lists. */
    default String placeholder(FollowerColumn column) {
        return "?";
    }

    /** How many parameters {@link #placeholder} takes. */
    default int parameters(FollowerColumn column) {
        return 1;
    }

    /**
     * Binds one leader value converted for the follower column.
     *
     * @return the next parameter index
     * @throws ValueException when the column cannot represent the value
     */
    int bind(PreparedStatement ps, int index, Object value, FollowerColumn column) throws SQLException;

    /** INSERT of {@code rows} full row images that overwrites rows with the same key. */
    String upsert(String table, List<FollowerColumn> columns, List<FollowerColumn> keys, int rows);

    default String delete(String table, List<FollowerColumn> keys, int rows) {
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(table).append(" WHERE ");
        if (keys.size() == 1) {
            sql.append(quote(keys.get(0).name())).append(" IN ");
            StringJoiner values = new StringJoiner(",", "(", ")");
            for (int r = 0; r < rows; r++) {
                values.add(placeholder(keys.get(0)));
            }
            return sql.append(values).toString();
        }
        sql.append(columnList(keys)).append(" IN (");
        appendRows(sql, keys, rows);
        return sql.append(')').toString();
    }

    /**
     * Whether bulk inserts of rows known to be absent run fastest as one single-row INSERT in a JDBC batch
     * (the driver sends the whole batch as one bulk command) rather than as multi-row statements.
     */
    default boolean batchInserts() {
        return false;
    }

    /** Removes all rows inside the open transaction. */
    String truncate(String table);

    /** Flyway location of the position table migrations. */
    String flywayLocation();

    /**
     * Upsert of the position row; parameters: source, encoded position, description, transaction id,
     * leader commit time, applied at, row changes. Adds one to the transactions counter.
     */
    String positionUpsert();

    void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException;

    Instant getInstant(ResultSet rs, String column) throws SQLException;

    /** Session settings run once per pooled connection, or null. Must not be transactional. */
    String connectionInitSql();

    /** Statements run at the start of every follower transaction, or null. */
    String transactionSetup(boolean replicaRole);

    default String columnList(List<FollowerColumn> columns) {
        StringJoiner names = new StringJoiner(",", "(", ")");
        columns.forEach(c -> names.add(quote(c.name())));
        return names.toString();
    }

    default void appendRows(StringBuilder sql, List<FollowerColumn> columns, int rows) {
        StringJoiner one = new StringJoiner(",", "(", ")");
        columns.forEach(c -> one.add(placeholder(c)));
        String row = one.toString();
        for (int r = 0; r < rows; r++) {
            if (r > 0) {
                sql.append(',');
            }
            sql.append(row);
        }
    }

    default StringBuilder insertPrefix(String table, List<FollowerColumn> columns, int rows) {
        StringBuilder sql = new StringBuilder(64 + rows * columns.size() * 3);
        sql.append("INSERT INTO ").append(table).append(' ').append(columnList(columns)).append(" VALUES ");
        appendRows(sql, columns, rows);
        return sql;
    }
}
