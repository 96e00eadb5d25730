package io.understudy.client;

/**
 * A read's result and where it was read.
 *
 * @param value  what the work returned
 * @param source the follower's name, or {@code "leader"}
 * @param stamp  the position the data is at least as new as, as a token: the follower's applied position when the
 *               read started, or the leader's current position for a read on the leader
 * @param stale  true when the read did not have the session's token (only with {@link Fallback#STALE})
 */
public record Read<T>(T value, String source, String stamp, boolean stale) {
}
