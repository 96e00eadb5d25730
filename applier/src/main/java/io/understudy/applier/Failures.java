package io.understudy.applier;

import io.understudy.model.ReplicationException;
import io.understudy.model.RetriableException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * The one place that decides whether a follower's SQL failure may pass on its own (lost connection,
 * deadlock, serialization failure, server shutting down) or needs an operator.
 */
final class Failures {
    private static final Set<String> RETRIABLE_STATES = Set.of("40001", "40P01", "57P01", "57P02", "57P03");
    /** MySQL/MariaDB "Lock wait timeout exceeded" carries the generic state HY000. */
    private static final int MYSQL_LOCK_WAIT_TIMEOUT = 1205;
    private static final int MYSQL_DUPLICATE_KEY = 1062;

    private Failures() {
    }

    static boolean isRetriable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException e) {
                String state = e.getSQLState();
                if (state != null && (state.startsWith("08") || RETRIABLE_STATES.contains(state))) {
                    return true;
                }
                if (e.getErrorCode() == MYSQL_LOCK_WAIT_TIMEOUT) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Wraps a failure: {@link RetriableException} when it may pass, otherwise {@link ReplicationException}.
     *
     * @param what what Understudy was doing, with table, key and transaction where known
     * @param todo what the operator should do if it is not retriable
     */
    static ReplicationException wrap(FollowerRef where, String what, Throwable failure, String todo) {
        String cause = describe(failure);
        if (isRetriable(failure)) {
            return new RetriableException(where + ": " + what + ": " + cause
                    + ". Understudy retries from the follower's stored position.", failure);
        }
        return new ReplicationException(where + ": " + what + ": " + cause + ". " + todo, failure);
    }

    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof SQLException)) {
            root = root.getCause();
        }
        if (root instanceof SQLException e) {
            return e.getMessage() + " [SQLState " + e.getSQLState() + ", error " + e.getErrorCode() + "]";
        }
        return String.valueOf(root.getMessage());
    }

    /**
     * Whether the failure is a duplicate key: a row the statement inserts exists already (PostgreSQL
     * unique_violation 23505, MariaDB/MySQL ER_DUP_ENTRY 1062).
     */
    static boolean isDuplicateKey(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e && ("23505".equals(e.getSQLState()) || e.getErrorCode() == MYSQL_DUPLICATE_KEY)) {
                return true;
            }
        }
        return false;
    }

    static boolean isAuthentication(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e && e.getSQLState() != null && e.getSQLState().startsWith("28")) {
                return true;
            }
        }
        return false;
    }
}
