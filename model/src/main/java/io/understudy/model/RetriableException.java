package io.understudy.model;

/**
 * A failure that may pass on its own (an unreachable follower, a lost connection, a deadlock). The
 * pipeline retries it with backoff from the follower's stored position; nothing else retries.
 */
public class RetriableException extends ReplicationException {
    public RetriableException(String message, Throwable cause) {
        super(message, cause);
    }
}
