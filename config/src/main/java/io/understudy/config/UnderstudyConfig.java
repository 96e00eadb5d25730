package io.understudy.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The whole, validated configuration. Immutable and thread-safe; built by {@link ConfigLoader}. */
public record UnderstudyConfig(Endpoint leader, CaptureConfig capture, List<FollowerConfig> followers,
                               HttpConfig http, LagConfig lag, Optional<SyncConfig> sync) {
    public UnderstudyConfig {
        Objects.requireNonNull(leader, "leader");
        Objects.requireNonNull(capture, "capture");
        followers = List.copyOf(followers);
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(lag, "lag");
        Objects.requireNonNull(sync, "sync");
    }

    /** With the default lag measurement. */
    public UnderstudyConfig(Endpoint leader, CaptureConfig capture, List<FollowerConfig> followers, HttpConfig http) {
        this(leader, capture, followers, http, LagConfig.defaults(), Optional.empty());
    }

    /** The effective configuration as YAML with secrets masked and defaults marked, for the startup log. */
    public String describe() {
        return EffectiveConfig.render(this);
    }

    public Optional<FollowerConfig> follower(String name) {
        return followers.stream().filter(f -> f.name().equals(name)).findFirst();
    }
}
