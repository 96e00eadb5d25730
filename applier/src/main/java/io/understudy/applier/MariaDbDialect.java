package io.understudy.applier;

import java.util.List;
import java.util.StringJoiner;

/** MariaDB: {@code ON DUPLICATE KEY UPDATE c=VALUES(c)} (MariaDB has no row alias). */
final class MariaDbDialect extends MySqlFamilyDialect {
    @Override
    public String upsert(String table, List<FollowerColumn> columns, List<FollowerColumn> keys, int rows) {
        StringJoiner set = new StringJoiner(", ");
        for (FollowerColumn c : columns) {
            if (!keys.contains(c)) {
                set.add(quote(c.name()) + "=VALUES(" + quote(c.name()) + ")");
            }
        }
        if (set.length() == 0) {
            String k = quote(keys.get(0).name());
            set.add(k + "=VALUES(" + k + ")");
        }
        return insertPrefix(table, columns, rows).append(" ON DUPLICATE KEY UPDATE ").append(set).toString();
    }

    @Override
    public boolean batchInserts() {
        // Connector/J 3 sends an INSERT batch as one COM_STMT_BULK_EXECUTE (useBulkStmtsForInserts, on by
        // default): binary values, no SQL text to build, escape or parse per row, split by max_allowed_packet
        return true;
    }

    @Override
    public String positionUpsert() {
        return POSITION_INSERT + " ON DUPLICATE KEY UPDATE encoded_position=VALUES(encoded_position),"
                + " description=VALUES(description), transaction_id=VALUES(transaction_id),"
                + " leader_commit_time=VALUES(leader_commit_time), applied_at=VALUES(applied_at),"
                + " transactions=transactions+VALUES(transactions), row_changes=row_changes+VALUES(row_changes),"
                + " token=VALUES(token)";
    }
}
