package io.understudy.bench;

import io.understudy.servers.DatabaseServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * When checksums differ: walks a benchmark-shaped table on leader and follower in key order and describes the
 * first few rows that differ, so a report shows what went wrong. Stateless.
 */
final class RowDiffs {
    private static final int LIMIT = 5;

    private RowDiffs() {
    }

    static List<String> first(DatabaseServer leader, DatabaseServer follower, String table) throws SQLException {
        String sql = "SELECT id, k, c, pad FROM " + table + " ORDER BY id";
        List<String> diffs = new ArrayList<>();
        try (Connection l = leader.connect(null); Connection f = follower.connect(null);
             Statement ls = l.createStatement(); Statement fs = f.createStatement();
             ResultSet a = ls.executeQuery(sql); ResultSet b = fs.executeQuery(sql)) {
            boolean hasA = a.next();
            boolean hasB = b.next();
            while ((hasA || hasB) && diffs.size() < LIMIT) {
                long idA = hasA ? a.getLong(1) : Long.MAX_VALUE;
                long idB = hasB ? b.getLong(1) : Long.MAX_VALUE;
                if (idA < idB) {
                    diffs.add(table + " id " + idA + " missing on follower");
                    hasA = a.next();
                } else if (idB < idA) {
                    diffs.add(table + " id " + idB + " only on follower");
                    hasB = b.next();
                } else {
                    String va = a.getInt(2) + "|" + a.getString(3).strip() + "|" + a.getString(4).strip();
                    String vb = b.getInt(2) + "|" + b.getString(3).strip() + "|" + b.getString(4).strip();
                    if (!Objects.equals(va, vb)) {
                        diffs.add(table + " id " + idA + ": leader k=" + a.getInt(2) + " follower k=" + b.getInt(2)
                                + (a.getString(3).strip().equals(b.getString(3).strip()) ? "" : ", c differs")
                                + (a.getString(4).strip().equals(b.getString(4).strip()) ? "" : ", pad differs"));
                    }
                    hasA = a.next();
                    hasB = b.next();
                }
            }
        }
        return diffs;
    }
}
