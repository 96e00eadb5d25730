package io.understudy.applier;

import io.understudy.config.FollowerConfig;

/**
 * Names one follower in messages: {@code follower 'reporting' (postgresql 10.0.0.5:5432 as understudy)}.
 * Never carries the password.
 */
record FollowerRef(String name, String endpoint) {
    static FollowerRef of(FollowerConfig follower) {
        return new FollowerRef(follower.name(), follower.endpoint().describe());
    }

    @Override
    public String toString() {
        return "follower '" + name + "' (" + endpoint + ")";
    }
}
