package io.understudy.applier;

import java.util.List;
import java.util.StringJoiner;

/** MySQL 8.0.19+: the row alias form, because {@code VALUES()} in ON DUPLICATE KEY UPDATE is deprecated from 8.0.20. */
final class MySqlDialect extends MySqlFamilyDialect {
    private static final String ALIAS = "understudy_new";

    @Override
    public String upsert(String table, List<FollowerColumn> columns, List<FollowerColumn> keys, int rows) {
        StringJoiner set = new StringJoiner(", ");
        for (FollowerColumn c : columns) {
            if (!keys.contains(c)) {
                set.add(quote(c.name()) + "=" + ALIAS + "." + quote(c.name()));
            }
        }
        if (set.length() == 0) {
            String k = quote(keys.get(0).name());
            set.add(k + "=" + ALIAS + "." + k);
        }
        return insertPrefix(table, columns, rows).append(" AS ").append(ALIAS)
                .append(" ON DUPLICATE KEY UPDATE ").append(set).toString();
    }

    @Override
    public String positionUpsert() {
        return POSITION_INSERT + " AS p ON DUPLICATE KEY UPDATE encoded_position=p.encoded_position,"
                + " description=p.description, transaction_id=p.transaction_id,"
                + " leader_commit_time=p.leader_commit_time, applied_at=p.applied_at,"
                + " transactions=applied_position.transactions+p.transactions,"
                + " row_changes=applied_position.row_changes+p.row_changes, token=p.token";
    }
}
