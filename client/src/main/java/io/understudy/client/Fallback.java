package io.understudy.client;

/** What a read does when no follower has the session's token within the wait bound. */
public enum Fallback {
    /** Read from the leader, which has everything (the default). */
    LEADER,
    /** Throw {@link StaleReadException}. */
    FAIL,
    /** Read from a follower anyway; {@link Read#stale()} says so and {@link Read#stamp()} says what it had. */
    STALE
}
