package io.understudy.applier;

import io.understudy.catalog.ForeignKey;
import io.understudy.catalog.ForeignKeyGraph;
import io.understudy.model.KeyValues;
import io.understudy.model.ReplicationException;
import io.understudy.model.RowChange;
import io.understudy.model.TableId;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays on the follower what the leader's cascading foreign keys did to child rows without logging it (MariaDB, and
 * MySQL with InnoDB foreign keys: only the parent row reaches the binlog, and cascades fire no triggers). Called right
 * after the parent rows that fired the cascade were written, before anything that follows them in the leader
 * transaction, on the connection of the open follower transaction: the follower then holds exactly the leader's state
 * at that point, so the child rows the leader changed are the follower's rows that reference the parent's old values,
 * and the replay changes exactly those, in the same follower transaction.
 *
 * <ul>
 *   <li>ON DELETE CASCADE deletes them, ON DELETE SET NULL sets their key columns NULL, ON UPDATE CASCADE sets them
 *       to the parent's new values (one statement per parent row, in leader order: key changes may chain),
 *       ON UPDATE SET NULL sets them NULL. A MariaDB/MySQL follower's {@code ON UPDATE CURRENT_TIMESTAMP}
 *       columns are assigned their own value: InnoDB's cascade does not touch them, an UPDATE statement would.</li>
 *   <li>Child rows whose changed columns other cascading keys reference pass the cascade on: they are read first
 *       (the columns those keys reference), then changed, then their own children are replayed the same way, to any
 *       depth (InnoDB stops at 15 levels; self-referencing trees included).</li>
 *   <li>Parent values with a NULL part are referenced by nobody (MATCH SIMPLE) and cascade nowhere.</li>
 *   <li>During a snapshot hand-over a child table copied after the transaction already shows the cascade and is
 *       left alone, per key for a copy resumed by key range ({@link HandOver.Scope}). A cascade that goes on from
 *       such a table into one that still needs it cannot be replayed (the rows it went through are gone from the
 *       copy): the follower stops and names the table to copy again.</li>
 * </ul>
 *
 * Values of the first level are leader values bound like any other; deeper levels bind the follower's own values,
 * read from the child rows, as the driver returned them ({@link FollowerValue}). Not thread-safe: one per applier
 * thread, like its {@link TableCatalog}.
 */
final class Cascades {
    private static final Logger LOG = LoggerFactory.getLogger(Cascades.class);
    /** Far above InnoDB's 15 levels; a deeper replay means the follower's rows form a cycle the leader's did not. */
    static final int MAX_DEPTH = 64;
    /** Parent values or child keys per statement. */
    static final int IN_LIST = 500;

    /** A value read from a follower row, bound back with {@code setObject} as the driver returned it. */
    record FollowerValue(Object value) {
    }

    /** One row whose change a cascade passes on: its values before and after (null when deleted), by leader column. */
    private record Changed(Map<String, Object> before, Map<String, Object> after) {
    }

    private final FollowerRef where;
    private final Dialect dialect;
    private final TableCatalog catalog;

    Cascades(FollowerRef where, Dialect dialect, TableCatalog catalog) {
        this.where = where;
        this.dialect = dialect;
        this.catalog = catalog;
    }

    /**
     * Replays the cascades of {@code fired}: changes of one table, in leader order, that {@link ForeignKeyGraph#fires}
     * and whose own rows the follower has already written (or holds from its copy).
     */
    void replay(Connection c, ForeignKeyGraph graph, List<RowChange> fired, HandOver.Scope scope, String transactionId) {
        List<Changed> rows = new ArrayList<>(fired.size());
        for (RowChange change : fired) {
            rows.add(new Changed(change.before().asMap(), change.after() == null ? null : change.after().asMap()));
        }
        new Replay(c, graph, scope, transactionId).cascade(fired.get(0).table(), rows, 1);
    }

    /** One replay: the connection, the graph and the transaction it works for. */
    private final class Replay {
        private final Connection c;
        private final ForeignKeyGraph graph;
        private final HandOver.Scope scope;
        private final String transactionId;

        Replay(Connection c, ForeignKeyGraph graph, HandOver.Scope scope, String transactionId) {
            this.c = c;
            this.graph = graph;
            this.scope = scope;
            this.transactionId = transactionId;
        }

        void cascade(TableId table, List<Changed> rows, int depth) {
            if (depth > MAX_DEPTH) {
                throw new ReplicationException(where + ": the cascade of leader transaction " + transactionId
                        + " goes deeper than " + MAX_DEPTH + " levels at " + table + "; the leader stops at 15, so the"
                        + " follower's rows differ from the leader's. Nothing of this transaction was committed on the"
                        + " follower; compare the tables with `understudy verify` and copy them again");
            }
            for (ForeignKey key : graph.referencing(table)) {
                if (key.onDelete().changesChildren()) {
                    List<List<Object>> parents = new ArrayList<>();
                    for (Changed r : rows) {
                        if (r.after() == null) {
                            parents.add(values(r.before(), key.referenced()));
                        }
                    }
                    act(key, distinctReferences(parents), key.onDelete() == ForeignKey.Rule.CASCADE ? null : nulls(key),
                            depth);
                }
                if (key.onUpdate().changesChildren()) {
                    for (Changed r : rows) {
                        if (r.after() != null && changed(r, key.referenced())) {
                            List<List<Object>> parent = distinctReferences(List.of(values(r.before(), key.referenced())));
                            act(key, parent, key.onUpdate() == ForeignKey.Rule.CASCADE ? values(r.after(), key.referenced())
                                    : nulls(key), depth);
                        }
                    }
                }
            }
        }

        /**
         * Changes the child rows of {@code key} that reference one of {@code parents}: deletes them when
         * {@code newValues} is null, else sets the key's columns to {@code newValues}; then passes the cascade on.
         */
        private void act(ForeignKey key, List<List<Object>> parents, List<Object> newValues, int depth) {
            if (parents.isEmpty()) {
                return;
            }
            TableId child = key.child();
            boolean delete = newValues == null;
            List<ForeignKey> next = delete ? graph.afterDelete(child) : graph.afterUpdate(child, key.columns());
            HandOver.Coverage coverage = scope.coverage(child);
            if (coverage != HandOver.Coverage.NONE) {
                requireCopied(key, next);
                if (coverage == HandOver.Coverage.ALL) {
                    return; // copied after this transaction: the copy shows the cascade
                }
            }
            try {
                FollowerTable table = catalog.table(c, child);
                if (next.isEmpty() && coverage == HandOver.Coverage.NONE) {
                    log(key, delete, write(table, key.columns(), parents, key.columns(), newValues));
                    return;
                }
                List<Map<String, Object>> rows = readThenWrite(table, key, parents, newValues, next, coverage);
                if (!next.isEmpty() && !rows.isEmpty()) {
                    cascade(child, changedRows(rows, key, newValues), depth + 1);
                }
            } catch (SQLException e) {
                throw Failures.wrap(where, "cannot replay foreign key " + key.describe() + " for leader transaction "
                        + transactionId, e, "Nothing of this transaction was committed on the follower. Check the"
                        + " follower table " + child + " (its columns, privileges), then restart Understudy.");
            }
        }

        /**
         * Reads the child rows the cascade changes (the columns the {@code next} keys reference; the primary key too
         * where the copy holds some of them, which are left alone), then changes them. Returns the rows changed.
         */
        private List<Map<String, Object>> readThenWrite(FollowerTable table, ForeignKey key, List<List<Object>> parents,
                                                        List<Object> newValues, List<ForeignKey> next,
                                                        HandOver.Coverage coverage) throws SQLException {
            boolean byKey = coverage == HandOver.Coverage.BY_KEY;
            List<String> keyColumns = byKey ? table.primaryKey() : List.of();
            Set<String> read = new LinkedHashSet<>(keyColumns);
            next.forEach(k -> read.addAll(k.referenced()));
            List<Map<String, Object>> rows = select(table, List.copyOf(read), key.columns(), parents);
            if (byKey) {
                rows.removeIf(r -> scope.copied(key.child(), values(r, keyColumns).stream().map(Cascades::plain).toList()));
                List<List<Object>> keys = rows.stream().map(r -> values(r, keyColumns)).toList();
                log(key, newValues == null, write(table, keyColumns, keys, key.columns(), newValues));
            } else {
                log(key, newValues == null, write(table, key.columns(), parents, key.columns(), newValues));
            }
            return rows;
        }

        /**
         * A cascade that goes on from a table the copy holds at a later state into one it does not: the rows it went
         * through are already gone from the copy, so which rows of the next table it changed cannot be known.
         */
        private void requireCopied(ForeignKey key, List<ForeignKey> next) {
            for (ForeignKey k : next) {
                if (scope.coverage(k.child()) != HandOver.Coverage.ALL) {
                    throw new ReplicationException(where + ": leader transaction " + transactionId + " cascades through "
                            + key.child() + ", which the snapshot copied after it, into " + k.child() + ", which it did not:"
                            + " the copy no longer holds the rows of " + key.child() + " the cascade went through, so"
                            + " Understudy cannot tell which rows of " + k.child() + " it changed. Copy " + k.child()
                            + " again: stop `understudy run`, then `understudy snapshot --follower " + where.name()
                            + " --table " + k.child() + "`");
                }
            }
        }

        /** Whether the row's values of {@code columns} changed (leader and follower values compared by value). */
        private boolean changed(Changed r, List<String> columns) {
            for (String col : columns) {
                if (!same(r.before().get(col), r.after().get(col))) {
                    return true;
                }
            }
            return false;
        }

        private List<Map<String, Object>> select(FollowerTable table, List<String> columns, List<String> by,
                                                 List<List<Object>> values) throws SQLException {
            List<FollowerColumn> read = table.columns(columns);
            List<FollowerColumn> match = table.columns(by);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int from = 0; from < values.size(); from += IN_LIST) {
                List<List<Object>> chunk = values.subList(from, Math.min(values.size(), from + IN_LIST));
                StringJoiner names = new StringJoiner(", ");
                read.forEach(col -> names.add(dialect.quote(col.name())));
                String sql = "SELECT " + names + " FROM " + table.sqlName() + " WHERE " + condition(match, chunk.size());
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    bind(ps, 1, match, chunk);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Map<String, Object> row = new LinkedHashMap<>();
                            for (int i = 0; i < columns.size(); i++) {
                                row.put(columns.get(i), new FollowerValue(rs.getObject(i + 1)));
                            }
                            rows.add(row);
                        }
                    }
                }
            }
            return rows;
        }

        /**
         * Deletes the rows whose {@code by} columns match one of {@code values}, or sets their {@code set} columns to
         * {@code newValues}. Returns the number of rows changed.
         */
        private int write(FollowerTable table, List<String> by, List<List<Object>> values, List<String> set,
                          List<Object> newValues) throws SQLException {
            List<FollowerColumn> match = table.columns(by);
            List<FollowerColumn> assigned = table.columns(set);
            int changed = 0;
            for (int from = 0; from < values.size(); from += IN_LIST) {
                List<List<Object>> chunk = values.subList(from, Math.min(values.size(), from + IN_LIST));
                String sql;
                if (newValues == null) {
                    sql = "DELETE FROM " + table.sqlName() + " WHERE " + condition(match, chunk.size());
                } else {
                    StringJoiner assignments = new StringJoiner(", ");
                    for (int i = 0; i < assigned.size(); i++) {
                        assignments.add(dialect.quote(assigned.get(i).name()) + " = "
                                + (newValues.get(i) == null ? "NULL" : dialect.placeholder(assigned.get(i))));
                    }
                    // InnoDB's cascade leaves ON UPDATE CURRENT_TIMESTAMP columns alone, an UPDATE statement does not
                    // unless it assigns them
                    for (String auto : table.autoUpdated()) {
                        if (assigned.stream().noneMatch(a -> a.name().equalsIgnoreCase(auto))) {
                            assignments.add(dialect.quote(auto) + " = " + dialect.quote(auto));
                        }
                    }
                    sql = "UPDATE " + table.sqlName() + " SET " + assignments + " WHERE " + condition(match, chunk.size());
                }
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    int index = 1;
                    if (newValues != null) {
                        for (int i = 0; i < assigned.size(); i++) {
                            if (newValues.get(i) != null) {
                                index = bind(ps, index, newValues.get(i), assigned.get(i));
                            }
                        }
                    }
                    bind(ps, index, match, chunk);
                    changed += ps.executeUpdate();
                }
            }
            return changed;
        }

        private void log(ForeignKey key, boolean delete, int rows) {
            if (rows > 0 && LOG.isDebugEnabled()) {
                LOG.debug("{}: transaction {}: {} {} row(s) of {} through {}", where, transactionId,
                        delete ? "deleted" : "updated", rows, key.child(), key.name());
            }
        }
    }

    /** {@code col = ?} for one row, {@code col IN (?, ...)} for one column, {@code (a, b) IN ((?, ?), ...)} otherwise. */
    private String condition(List<FollowerColumn> columns, int rows) {
        if (rows == 1) {
            StringJoiner and = new StringJoiner(" AND ");
            columns.forEach(col -> and.add(dialect.quote(col.name()) + " = " + dialect.placeholder(col)));
            return and.toString();
        }
        StringJoiner tuples = new StringJoiner(", ", "(", ")");
        for (int r = 0; r < rows; r++) {
            StringJoiner one = new StringJoiner(", ", columns.size() == 1 ? "" : "(", columns.size() == 1 ? "" : ")");
            columns.forEach(col -> one.add(dialect.placeholder(col)));
            tuples.add(one.toString());
        }
        return (columns.size() == 1 ? dialect.quote(columns.get(0).name()) : dialect.columnList(columns)) + " IN " + tuples;
    }

    private int bind(PreparedStatement ps, int index, List<FollowerColumn> columns, List<List<Object>> rows)
            throws SQLException {
        for (List<Object> row : rows) {
            for (int i = 0; i < columns.size(); i++) {
                index = bind(ps, index, row.get(i), columns.get(i));
            }
        }
        return index;
    }

    private int bind(PreparedStatement ps, int index, Object value, FollowerColumn column) throws SQLException {
        if (value instanceof FollowerValue v) {
            ps.setObject(index, v.value());
            return index + 1;
        }
        try {
            return dialect.bind(ps, index, value, column);
        } catch (ValueException e) {
            throw new ReplicationException(where + ": cannot replay a cascade into column '" + column.name() + "': "
                    + e.getMessage() + ". Nothing of this transaction was committed on the follower.", e);
        }
    }

    /** The rows a cascade changed, before and after (null when deleted), for passing it on. */
    private static List<Changed> changedRows(List<Map<String, Object>> rows, ForeignKey key, List<Object> newValues) {
        List<Changed> changed = new ArrayList<>(rows.size());
        for (Map<String, Object> r : rows) {
            Map<String, Object> after = null;
            if (newValues != null) {
                after = new HashMap<>(r);
                for (int i = 0; i < key.columns().size(); i++) {
                    after.put(key.columns().get(i), newValues.get(i));
                }
            }
            changed.add(new Changed(r, after));
        }
        return changed;
    }

    private static List<Object> values(Map<String, Object> row, List<String> columns) {
        List<Object> out = new ArrayList<>(columns.size());
        for (String col : columns) {
            out.add(row.get(col));
        }
        return out;
    }

    private static List<Object> nulls(ForeignKey key) {
        return Arrays.asList(new Object[key.columns().size()]);
    }

    /** The distinct parent values that a child row can reference: none with a NULL part (MATCH SIMPLE). */
    private static List<List<Object>> distinctReferences(List<List<Object>> parents) {
        Map<List<Object>, List<Object>> distinct = new LinkedHashMap<>();
        for (List<Object> p : parents) {
            if (p.stream().noneMatch(v -> plain(v) == null)) {
                distinct.putIfAbsent(KeyValues.identity(p.stream().map(Cascades::plain).toList()), p);
            }
        }
        return new ArrayList<>(distinct.values());
    }

    private static Object plain(Object v) {
        return v instanceof FollowerValue f ? f.value() : v;
    }

    /** Leader and follower values compared by value: numbers numerically, byte arrays by content. */
    static boolean same(Object a, Object b) {
        Object x = plain(a);
        Object y = plain(b);
        if (x instanceof Number n && y instanceof Number m) {
            return new BigDecimal(n.toString()).compareTo(new BigDecimal(m.toString())) == 0;
        }
        if (x instanceof byte[] p && y instanceof byte[] q) {
            return Arrays.equals(p, q);
        }
        return Objects.equals(x, y);
    }
}
