package io.understudy.client;

/**
 * A read's result and where it was read.
 *
 * @param value  what the work returned
 * @param source the follower's name, or {@code "leader"}
 * @param stamp  the follower's applied position right after the read (the leader's for a read on the leader), as a
 *               token: the data is no newer than it, and at least as new as the session's token before the read
 * @param stale  true when the read did not have the session's token (only with {@link Fallback#STALE})
 */
public record Read<T>(T value, String source, String stamp, boolean stale) {
}
