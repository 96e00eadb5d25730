package io.understudy.cli.daemon;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each follower's lag in seconds over the last {@link #KEEP}, one point per reading of the leader's position, for
 * the status page's chart ({@code GET /lag-history}). Thread-safe.
 */
final class LagHistory {
    static final Duration KEEP = Duration.ofMinutes(10);
    private static final int MAX_POINTS = 3000;

    private final Map<String, Deque<Object[]>> points = new LinkedHashMap<>();

    synchronized void record(List<FollowerReport> reports, Instant now) {
        long cutoff = now.minus(KEEP).toEpochMilli();
        for (FollowerReport r : reports) {
            Deque<Object[]> p = points.computeIfAbsent(r.follower(), f -> new ArrayDeque<>());
            p.addLast(new Object[] {now.toEpochMilli(), r.lagSeconds()});
            while (!p.isEmpty() && ((long) p.peekFirst()[0] < cutoff || p.size() > MAX_POINTS)) {
                p.removeFirst();
            }
        }
    }

    /** follower → [[epoch ms, lag seconds or null], ...], oldest first. */
    synchronized Map<String, List<List<Object>>> snapshot() {
        Map<String, List<List<Object>>> out = new LinkedHashMap<>();
        points.forEach((f, p) -> {
            List<List<Object>> list = new ArrayList<>(p.size());
            p.forEach(point -> list.add(Arrays.asList(point)));
            out.put(f, list);
        });
        return out;
    }
}
