package io.understudy.applier;

import io.understudy.model.BinlogPosition;
import io.understudy.model.Op;
import io.understudy.model.Row;
import io.understudy.model.RowChange;
import io.understudy.model.TableId;
import io.understudy.model.Transaction;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-made leader changes for tests. */
final class Changes {
    static final Instant COMMIT_TIME = Instant.parse("2024-05-06T07:08:09Z");

    private Changes() {
    }

    static Map<String, Object> row(Object... namesAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return m;
    }

    static RowChange insert(TableId t, List<String> key, Map<String, Object> after) {
        return new RowChange(t, Op.INSERT, null, Row.of(after), key);
    }

    static RowChange update(TableId t, List<String> key, Map<String, Object> before, Map<String, Object> after) {
        return new RowChange(t, Op.UPDATE, Row.of(before), Row.of(after), key);
    }

    static RowChange delete(TableId t, List<String> key, Map<String, Object> before) {
        return new RowChange(t, Op.DELETE, Row.of(before), null, key);
    }

    static BinlogPosition position(long n) {
        return new BinlogPosition("mysql-bin.000001", 1000 + n, "0-1-" + n,
                "{\"file\":\"mysql-bin.000001\",\"pos\":" + (1000 + n) + ",\"gtids\":\"0-1-" + n + "\"}");
    }

    static Transaction tx(long n, long changes) {
        return new Transaction("0-1-" + n, position(n), COMMIT_TIME, changes);
    }
}
