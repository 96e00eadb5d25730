package io.understudy.connector;

import io.understudy.config.Endpoint;
import io.understudy.model.ReplicationException;
import io.understudy.model.RetriableException;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;

/** Turns what stopped the Debezium engine into Understudy's failure types. Stateless. */
final class Failures {
    private Failures() {
    }

    static ReplicationException translate(Throwable error, Endpoint leader, Clock clock) {
        if (error == null) {
            return new RetriableException("binlog capture from leader " + leader.describe() + " stopped at "
                    + clock.instant() + " without an error; restarting from the stored position", null);
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ReplicationException r) {
                return r;
            }
            String message = String.valueOf(t.getMessage());
            if (message.contains("schema recovery mode") || message.contains("internal schema size")) {
                return new ReplicationException("the definition of a replicated table on leader " + leader.describe()
                        + " changed (DDL) after the follower's stored position: " + message + ". Understudy rebuilds table "
                        + "schemas from the leader's current catalog and cannot read older rows; re-snapshot the follower", error);
            }
            if (t instanceof SQLException || t instanceof IOException) {
                return new RetriableException("binlog capture lost the leader " + leader.describe() + ": " + message, error);
            }
        }
        return new ReplicationException("binlog capture from leader " + leader.describe() + " failed: " + rootMessage(error)
                + "; see the log for details", error);
    }

    private static String rootMessage(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
