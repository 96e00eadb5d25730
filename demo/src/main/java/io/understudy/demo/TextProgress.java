package io.understudy.demo;

import io.understudy.cli.daemon.FollowerState;
import java.io.PrintWriter;

/** One progress line per call: leader writes vs follower applies. */
final class TextProgress {
    private final PrintWriter out;
    private long lastApplied;

    TextProgress(PrintWriter out) {
        this.out = out;
    }

    void print(long written, FollowerState follower) {
        long applied = follower.transactions();
        out.printf("  leader tx written %7d | follower tx applied %7d (+%d/s) | rows %8d | apply delay %.2f s | %s%n",
                written, applied, applied - lastApplied, follower.rows(), follower.applyDelaySeconds(), follower.phase());
        out.flush();
        lastApplied = applied;
    }
}
