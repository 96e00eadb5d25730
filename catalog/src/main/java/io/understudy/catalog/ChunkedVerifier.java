package io.understudy.catalog;

import io.understudy.config.DatabaseKind;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Compares one table on the leader and on a follower chunk by chunk and names every differing row.
 *
 * <p>The leader is read in primary-key order with keyset pagination ({@code WHERE key > last ORDER BY key
 * LIMIT n}), one short SELECT per chunk and nothing else, optionally throttled. Each row becomes the SHA-256 of
 * its canonical values, exactly as {@link TableChecksum} computes them, so MariaDB, MySQL and PostgreSQL copies
 * compare equal. Then the follower's rows for the same chunk are read and both sides diffed by canonical key:
 * <ul>
 *   <li>integer keys: the follower is read by key range: above the previous chunk's last key and up to this
 *       chunk's last key (the first and last chunks are open-ended), so extra follower rows are found anywhere;
 *   <li>other keys (strings sort differently under MariaDB collations and PostgreSQL): the follower is read by
 *       the chunk's keys ({@code IN}); a second pass walks the follower in its own order and looks its keys up on
 *       the leader to find the extra rows.
 * </ul>
 * Keys are matched exactly on their canonical text in Java, never by a collation.
 *
 * <p>Not thread-safe (one throttle and digest per instance); use one instance per thread. Connections must not
 * be used by another thread during a call; their session time zone is set to UTC.
 */
public final class ChunkedVerifier {
    private static final Set<String> INTEGER_TYPES = Set.of("tinyint", "smallint", "mediumint", "int", "integer",
            "bigint", "year");
    private static final int LOOKUP_BATCH = 500;

    private final VerifyOptions options;
    private final Throttle throttle;
    private final MessageDigest sha = TableChecksum.sha256();

    public ChunkedVerifier(VerifyOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.throttle = new Throttle(options.maxRowsPerSecond(), System::nanoTime);
    }

    /** Where one table lives on both sides and what identifies its rows. */
    public record Sides(Connection leader, DatabaseKind leaderKind, Connection follower, DatabaseKind followerKind,
                        TableDef table, List<String> keyColumns) {
        public Sides {
            Objects.requireNonNull(leader, "leader");
            Objects.requireNonNull(leaderKind, "leaderKind");
            Objects.requireNonNull(follower, "follower");
            Objects.requireNonNull(followerKind, "followerKind");
            Objects.requireNonNull(table, "table");
            keyColumns = List.copyOf(keyColumns);
            if (keyColumns.isEmpty()) {
                throw new IllegalArgumentException("table " + table.id() + " has no primary key; name its key columns"
                        + " under capture.keys to verify it");
            }
        }
    }

    /**
     * Compares the table once.
     *
     * @throws IllegalArgumentException if the table or a column is missing on the follower
     * @throws IllegalStateException    if reading either side fails (the message names the side and table)
     */
    public TableVerification verify(Sides s) throws InterruptedException {
        Tally tally = new Tally(options.maxDiffsKept());
        try {
            VerifyQuery lq = prepare(s.leader(), s.leaderKind(), s);
            VerifyQuery fq = prepare(s.follower(), s.followerKind(), s);
            boolean ranged = s.keyColumns().stream().allMatch(k -> s.table().column(k)
                    .map(c -> INTEGER_TYPES.contains(c.dataType())).orElse(false));
            List<Object> after = null;
            boolean last;
            do {
                Map<List<String>, VerifyQuery.Image> l = lq.page(s.leader(), after, options.chunkSize(), sha);
                throttle.acquire(l.size());
                last = l.size() < options.chunkSize();
                List<Object> upTo = last ? null : lastOf(l).keyValues();
                Map<List<String>, VerifyQuery.Image> f = ranged ? fq.range(s.follower(), after, upTo, sha)
                        : fq.lookup(s.follower(), l.values().stream().map(VerifyQuery.Image::keyValues).toList(), sha);
                tally.chunk(l, f, ranged);
                after = upTo;
            } while (!last);
            if (!ranged) {
                extraPass(s, lq, fq, tally);
            }
        } catch (SQLException e) {
            throw failure(s, e);
        }
        return tally.result(s);
    }

    /**
     * Lets the caller hold the follower read back until the follower has applied everything the leader had when
     * the leader rows were read (e.g. wait for the leader's current binlog position in the follower's position
     * table). Returns whether it did; {@link #NONE} never waits.
     */
    @FunctionalInterface
    public interface CatchUp {
        CatchUp NONE = () -> false;

        boolean await() throws InterruptedException;
    }

    /** {@link #recheck(Sides, List, CatchUp)} without waiting between the leader and the follower reads. */
    public List<RowDiff> recheck(Sides s, List<RowDiff> diffs) throws InterruptedException {
        return recheck(s, diffs, CatchUp.NONE);
    }

    /**
     * Looks the rows of {@code diffs} up again by key, first on the leader, then (after {@code catchUp}) on the
     * follower, and returns those that still differ with their current kind. So a difference that was only lag
     * disappears once the follower has caught up with the leader's read.
     */
    public List<RowDiff> recheck(Sides s, List<RowDiff> diffs, CatchUp catchUp) throws InterruptedException {
        List<RowDiff> still = new ArrayList<>();
        try {
            VerifyQuery lq = prepare(s.leader(), s.leaderKind(), s);
            VerifyQuery fq = prepare(s.follower(), s.followerKind(), s);
            for (int from = 0; from < diffs.size(); from += LOOKUP_BATCH) {
                List<RowDiff> batch = diffs.subList(from, Math.min(diffs.size(), from + LOOKUP_BATCH));
                List<List<Object>> keys = batch.stream().map(RowDiff::keyValues).toList();
                Map<List<String>, VerifyQuery.Image> l = lq.lookup(s.leader(), keys, sha);
                throttle.acquire(l.size());
                catchUp.await();
                Map<List<String>, VerifyQuery.Image> f = fq.lookup(s.follower(), keys, sha);
                for (RowDiff d : batch) {
                    compare(l.get(d.key()), f.get(d.key()), d).ifPresent(still::add);
                }
            }
        } catch (SQLException e) {
            throw failure(s, e);
        }
        return still;
    }

    private static Optional<RowDiff> compare(VerifyQuery.Image l, VerifyQuery.Image f, RowDiff before) {
        if (l != null && f != null) {
            return l.sameValues(f) ? Optional.empty()
                    : Optional.of(new RowDiff(RowDiff.Kind.DIFFERENT_VALUES, l.key(), l.keyValues()));
        }
        if (l != null) {
            return Optional.of(new RowDiff(RowDiff.Kind.MISSING_ON_FOLLOWER, l.key(), l.keyValues()));
        }
        if (f != null) {
            return Optional.of(new RowDiff(RowDiff.Kind.EXTRA_ON_FOLLOWER, f.key(), f.keyValues()));
        }
        return Optional.empty(); // gone on both sides meanwhile
    }

    /** For non-integer keys: walks the follower in its own key order and finds keys the leader lacks. */
    private void extraPass(Sides s, VerifyQuery lq, VerifyQuery fq, Tally tally) throws SQLException, InterruptedException {
        List<Object> after = null;
        boolean last;
        do {
            Map<List<String>, VerifyQuery.Image> f = fq.page(s.follower(), after, options.chunkSize(), sha);
            last = f.size() < options.chunkSize();
            Map<List<String>, VerifyQuery.Image> l = lq.lookup(s.leader(),
                    f.values().stream().map(VerifyQuery.Image::keyValues).toList(), sha);
            throttle.acquire(l.size());
            for (VerifyQuery.Image row : f.values()) {
                if (!l.containsKey(row.key())) {
                    tally.add(new RowDiff(RowDiff.Kind.EXTRA_ON_FOLLOWER, row.key(), row.keyValues()));
                }
            }
            after = f.isEmpty() ? null : lastOf(f).keyValues();
        } while (!last);
    }

    private static VerifyQuery prepare(Connection c, DatabaseKind kind, Sides s) throws SQLException {
        TableChecksum.setUtc(c, kind);
        return VerifyQuery.prepare(c, kind, s.table().id(), s.keyColumns(), s.table().columnNames());
    }

    private static VerifyQuery.Image lastOf(Map<List<String>, VerifyQuery.Image> rows) {
        VerifyQuery.Image last = null;
        for (VerifyQuery.Image i : rows.values()) {
            last = i;
        }
        return last;
    }

    private static IllegalStateException failure(Sides s, SQLException e) {
        return new IllegalStateException("verifying table " + s.table().id() + " (leader " + s.leaderKind().configName()
                + ", follower " + s.followerKind().configName() + ") failed: " + e.getMessage()
                + " (SQLState " + e.getSQLState() + "); check that both are reachable and the table exists on both", e);
    }

    /** Running counts for one table. */
    private static final class Tally {
        private final int maxKept;
        private final List<RowDiff> kept = new ArrayList<>();
        private long leaderRows;
        private long missing;
        private long extra;
        private long differences;
        private long chunks;

        Tally(int maxKept) {
            this.maxKept = maxKept;
        }

        void chunk(Map<List<String>, VerifyQuery.Image> l, Map<List<String>, VerifyQuery.Image> f, boolean ranged) {
            chunks++;
            leaderRows += l.size();
            for (VerifyQuery.Image row : l.values()) {
                VerifyQuery.Image other = f.get(row.key());
                if (other == null) {
                    add(new RowDiff(RowDiff.Kind.MISSING_ON_FOLLOWER, row.key(), row.keyValues()));
                } else if (!row.sameValues(other)) {
                    add(new RowDiff(RowDiff.Kind.DIFFERENT_VALUES, row.key(), row.keyValues()));
                }
            }
            if (ranged) {
                for (VerifyQuery.Image row : f.values()) {
                    if (!l.containsKey(row.key())) {
                        add(new RowDiff(RowDiff.Kind.EXTRA_ON_FOLLOWER, row.key(), row.keyValues()));
                    }
                }
            }
        }

        void add(RowDiff d) {
            differences++;
            if (d.kind() == RowDiff.Kind.MISSING_ON_FOLLOWER) {
                missing++;
            } else if (d.kind() == RowDiff.Kind.EXTRA_ON_FOLLOWER) {
                extra++;
            }
            if (kept.size() < maxKept) {
                kept.add(d);
            }
        }

        TableVerification result(Sides s) {
            return new TableVerification(s.table().id(), s.keyColumns(), leaderRows, leaderRows - missing + extra,
                    chunks, differences, kept);
        }
    }
}
