package io.understudy.trigger;

import io.understudy.catalog.TableDef;
import io.understudy.config.CaptureConfig;
import io.understudy.model.RetriableException;
import io.understudy.model.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running source's check that capture still matches the leader: a captured table whose columns, types or key
 * changed since install has triggers that write what the old definition says (MariaDB/MySQL: the new column is
 * missing, a changed type encoded the old way), so the source stops and retries until install ran; a table that
 * {@code capture.tables} includes but that has no triggers yet (created on the leader since) is warned about once,
 * since its changes are not captured. Not thread-safe; one per source.
 */
final class Coverage {
    private static final Logger LOG = LoggerFactory.getLogger(Coverage.class);

    private final LeaderDialect dialect;
    private final CaptureConfig capture;
    private final String leader;
    private final Set<TableId> warned = new HashSet<>();

    Coverage(LeaderDialect dialect, CaptureConfig capture, String leader) {
        this.dialect = dialect;
        this.capture = capture;
        this.leader = leader;
    }

    void check(Connection c) throws SQLException {
        Map<TableId, CaptureDefinition> stored = Definitions.latest(c);
        Set<TableId> covered = new HashSet<>();
        dialect.installedTriggers(c).forEach(t -> covered.add(t.table()));
        for (TableId id : dialect.tableIds(c, capture.filter())) {
            CaptureDefinition d = stored.get(id);
            if (d == null || !covered.contains(id)) {
                if (warned.add(id)) {
                    LOG.warn("table {} on leader {} matches capture.tables but has no capture triggers: its changes are"
                            + " not replicated; run `understudy triggers install`, then copy it to the followers with"
                            + " `understudy snapshot --table {}`", id, leader, id);
                }
                continue;
            }
            TableDef now = dialect.table(c, id);
            List<String> key = capture.keys().getOrDefault(id, now.primaryKey());
            if (!new Target(now, key).json().equals(Definitions.toJson(d))) {
                throw new RetriableException("table " + id + " on leader " + leader + " changed since `understudy"
                        + " triggers install` (columns, types or key), so its triggers capture it the old way; run"
                        + " install, and apply the same change on the followers (or copy the table again); retrying"
                        + " until then", null);
            }
        }
    }
}
