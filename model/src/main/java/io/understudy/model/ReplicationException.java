package io.understudy.model;

/**
 * A failure that stops replication to one follower until an operator acts. The message names what
 * failed, where (table, column, key, position, host:port, user — never a password) and what to do.
 */
public class ReplicationException extends RuntimeException {
    public ReplicationException(String message) {
        super(message);
    }

    public ReplicationException(String message, Throwable cause) {
        super(message, cause);
    }
}
