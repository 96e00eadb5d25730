package io.understudy.bench;

import io.understudy.catalog.Checksum;
import io.understudy.catalog.TableChecksum;
import io.understudy.config.DatabaseKind;
import io.understudy.model.TableId;
import io.understudy.servers.DatabaseServer;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Compares benchmark tables of one schema on a leader and a follower of any engine by row count and the
 * engine-independent checksum ({@link TableChecksum}), and prints the first differing rows of a table that differs.
 * Stateless.
 */
final class TableComparison {
    private TableComparison() {
    }

    /**
     * @param tables unqualified names: {@link BenchRows}-shaped tables, or {@code marker} (one key column {@code name})
     * @return "equal (N rows)" or "DIFFERENT: " and what differs
     */
    static String compare(DatabaseServer leader, DatabaseServer follower, String schema, List<String> tables) throws Exception {
        DatabaseKind leaderKind = kind(leader);
        DatabaseKind followerKind = kind(follower);
        long rows = 0;
        List<String> different = new ArrayList<>();
        try (Connection l = leader.connect(null); Connection f = follower.connect(null)) {
            for (String table : tables) {
                TableId id = new TableId(schema, table);
                boolean marker = table.equals("marker");
                List<String> key = marker ? List.of("name") : List.of("id");
                List<String> columns = marker ? List.of("name") : List.of("id", "k", "c", "pad");
                Checksum a = TableChecksum.of(l, leaderKind, id, key, columns);
                Checksum b = TableChecksum.of(f, followerKind, id, key, columns);
                rows += a.rows();
                if (!a.equals(b)) {
                    different.add(table + " " + a.rows() + "/" + b.rows() + " rows");
                    if (!marker) {
                        RowDiffs.first(leader, follower, schema + "." + table).forEach(d -> System.out.println("  differs: " + d));
                    }
                }
            }
        }
        return different.isEmpty() ? String.format(Locale.ROOT, "equal (%,d rows)", rows)
                : "DIFFERENT: " + String.join(", ", different);
    }

    private static DatabaseKind kind(DatabaseServer server) {
        return DatabaseKind.valueOf(server.kind().toUpperCase(Locale.ROOT));
    }
}
