package io.understudy.catalog;

import io.understudy.config.CaptureMode;
import io.understudy.config.DatabaseKind;
import io.understudy.config.TableFilter;
import io.understudy.model.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code understudy check} reports about the leader's foreign-key cascades: which ones the followers replay, and
 * each case they cannot get right, with what to do. Stateless and thread-safe.
 */
public final class CascadeCheck {
    private static final String CHECK = "foreign key cascades";

    private CascadeCheck() {
    }

    /** One line of the report; ok with a fix is a warning. */
    public record Finding(String check, boolean ok, String detail, String fix) {
    }

    /**
     * @param postgresFollowers whether any follower is PostgreSQL (it matches text keys exactly, not by collation)
     */
    public static List<Finding> run(Connection leader, DatabaseKind kind, CaptureMode mode, TableFilter filter,
                                    boolean postgresFollowers) throws SQLException {
        Optional<String> recorded = ForeignKeys.leaderRecordsCascades(leader, kind, mode);
        if (recorded.isPresent()) {
            return List.of(new Finding(CHECK, true, recorded.get() + ": followers get those rows like any other", ""));
        }
        List<ForeignKey> all = ForeignKeys.read(leader, filter).stream().filter(ForeignKey::cascades).toList();
        List<Finding> findings = new ArrayList<>();
        ForeignKeyGraph graph = ForeignKeyGraph.of(all, filter::includes);
        findings.add(graph.isEmpty()
                ? new Finding(CHECK, true, "no replicated table depends on a cascading foreign key", "")
                : new Finding(CHECK, true, graph.keys().size() + " cascading foreign key(s) between replicated tables, e.g. "
                        + graph.keys().get(0).describe() + ": the leader does not log the rows they change, so each"
                        + " follower replays them in the same transaction (docs/followers.md)", ""));
        List<String> fromOutside = all.stream().filter(k -> !filter.includes(k.parent()))
                .map(k -> k.describe() + " (" + k.parent() + " not replicated)").toList();
        if (!fromOutside.isEmpty()) {
            findings.add(new Finding("cascades from tables not replicated", true, fromOutside.size()
                    + " key(s), e.g. " + fromOutside.get(0) + ": changes of the parent never reach Understudy, so the"
                    + " rows they cascade into the replicated child are missing on followers",
                    "add the parent tables to capture.tables, or exclude their child tables too"));
        }
        overlapping(graph).ifPresent(findings::add);
        if (postgresFollowers) {
            collatedText(leader, graph).ifPresent(findings::add);
        }
        return findings;
    }

    /**
     * Two cascading keys of one child that share a column, one of them SET NULL: InnoDB applies them row by row in an
     * order Understudy does not reproduce (it applies key by key), so the child row can end differently.
     */
    private static Optional<Finding> overlapping(ForeignKeyGraph graph) {
        List<String> pairs = new ArrayList<>();
        List<ForeignKey> keys = graph.keys();
        for (int i = 0; i < keys.size(); i++) {
            for (int j = i + 1; j < keys.size(); j++) {
                ForeignKey a = keys.get(i);
                ForeignKey b = keys.get(j);
                boolean setNull = a.onDelete() == ForeignKey.Rule.SET_NULL || a.onUpdate() == ForeignKey.Rule.SET_NULL
                        || b.onDelete() == ForeignKey.Rule.SET_NULL || b.onUpdate() == ForeignKey.Rule.SET_NULL;
                if (a.child().equals(b.child()) && setNull && a.columns().stream().anyMatch(b.columns()::contains)) {
                    pairs.add(a.child() + "." + a.name() + " and " + b.name());
                }
            }
        }
        return pairs.isEmpty() ? Optional.empty() : Optional.of(new Finding("overlapping cascading keys", true,
                pairs.size() + " pair(s), e.g. " + pairs.get(0) + ": they share a column and one sets it NULL; a parent"
                        + " change that fires both may leave the child row differently on followers",
                "give each key its own columns, or check the child table with `understudy verify` after such changes"));
    }

    /**
     * Text key columns under a collation that calls different strings equal: InnoDB cascades to every child row that
     * equals the parent value by collation, a PostgreSQL follower matches exactly.
     */
    private static Optional<Finding> collatedText(Connection leader, ForeignKeyGraph graph) throws SQLException {
        List<String> found = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String sql = "SELECT COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
                + " AND COLUMN_NAME = ?";
        try (PreparedStatement ps = leader.prepareStatement(sql)) {
            for (ForeignKey k : graph.keys()) {
                for (String column : k.columns()) {
                    TableId t = k.child();
                    ps.setString(1, t.schema());
                    ps.setString(2, t.table());
                    ps.setString(3, column);
                    try (ResultSet rs = ps.executeQuery()) {
                        String collation = rs.next() ? rs.getString(1) : null;
                        if (collation != null && !collation.endsWith("_bin") && seen.add(k.describe())) {
                            found.add(k.describe() + " [" + collation + "]");
                        }
                    }
                }
            }
        }
        return found.isEmpty() ? Optional.empty() : Optional.of(new Finding("text keys on PostgreSQL followers", true,
                found.size() + " cascading key(s) on text columns, e.g. " + found.get(0) + ": the leader cascades to every"
                        + " child value its collation calls equal (case, accents, trailing spaces), a PostgreSQL follower"
                        + " to exactly equal values only",
                "keep child values spelled exactly like their parent's, or use a _bin collation for these keys"));
    }
}
