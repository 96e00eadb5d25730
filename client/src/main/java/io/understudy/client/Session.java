package io.understudy.client;

import io.understudy.model.Token;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * One user's (or request chain's) view: its token names everything it has written or read, and only moves forward.
 * {@link #write} runs on the leader and adds the write's position; {@link #read} runs on a follower that has the
 * token — read-your-writes — and then adds the follower's position right after the read, so a later read on
 * another, further behind follower waits for it — monotonic reads. Carry {@link #token()} across processes to keep both there. Thread-safe.
 */
public final class Session {
    private static final String LEADER = "leader";

    private final ReadRouter router;
    private Token token;

    Session(ReadRouter router, Token token) {
        this.router = router;
        this.token = token;
    }

    /** The session's token (null before its first write or read), to hand to another process or a later request. */
    public synchronized String token() {
        return token == null ? null : token.toString();
    }

    private synchronized Token current() {
        return token;
    }

    /** Moves the token forward to include {@code other} (a token from elsewhere, e.g. another service's write). */
    public void include(String other) {
        advance(Token.parse(other));
    }

    private synchronized void advance(Token seen) {
        if (seen != null) {
            token = token == null ? seen : token.max(seen);
        }
    }

    /**
     * Runs {@code work} in one leader transaction, commits it, and adds its position to the session's token. Rolls
     * back and rethrows when the work throws.
     */
    public <T> T write(SqlWork<T> work) throws SQLException {
        try (Connection c = router.leader().getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            T result;
            try {
                result = work.apply(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
            advance(router.tokenAfterCommit(c));
            return result;
        }
    }

    /** {@link #readStamped} without the stamp. */
    public <T> T read(SqlWork<T> work) throws SQLException {
        return readStamped(work).value();
    }

    /**
     * Runs {@code work} on a follower that has the session's token (and, with a {@code maxLag}, the leader's position
     * of at most that long ago): first any follower that has it already, else the first one in turn, waiting up to
     * the router's bound; then the fallback. The connection is in autocommit when the work gets it.
     */
    public <T> Read<T> readStamped(SqlWork<T> work) throws SQLException {
        Token wanted = current();
        Token floor = router.stalenessFloor().orElse(null);
        if (floor != null) {
            wanted = wanted == null ? floor : wanted.max(floor);
        }
        List<Map.Entry<String, DataSource>> order = router.followersInTurn();
        List<String> failures = new ArrayList<>();
        if (wanted != null && order.size() > 1) {
            for (Map.Entry<String, DataSource> f : order) { // one that has it already wins, without waiting
                Read<T> r = tryRead(f, wanted, java.time.Duration.ZERO, work, failures);
                if (r != null) {
                    return r;
                }
            }
        }
        Map.Entry<String, DataSource> first = order.get(0);
        Read<T> r = tryRead(first, wanted, router.waitAtMost(), work, failures);
        if (r != null) {
            return r;
        }
        return fallback(wanted, work, failures);
    }

    /**
     * Reads on {@code follower} if it has {@code wanted}: at once when the position it last reported covers it (a
     * follower's position only grows), else after waiting on it. Then the follower's position right after the read
     * joins the session's token: the read saw nothing newer, so a later read anywhere that has it sees at least as
     * much (monotonic reads), and it is the read's stamp.
     */
    private <T> Read<T> tryRead(Map.Entry<String, DataSource> follower, Token wanted, java.time.Duration wait,
                                SqlWork<T> work, List<String> failures) throws SQLException {
        try (Connection c = follower.getValue().getConnection()) {
            if (wanted != null && !router.known(follower.getKey(), wanted)) {
                ReadRouter.Answer answer = ReadRouter.waitOn(c, wanted, wait);
                router.learned(follower.getKey(), answer.applied());
                if (!answer.satisfied()) {
                    return null;
                }
            }
            c.setAutoCommit(true);
            T value = work.apply(c);
            Token after = ReadRouter.applied(c);
            router.learned(follower.getKey(), after);
            advance(after);
            return new Read<>(value, follower.getKey(), after == null ? null : after.toString(), false);
        } catch (SQLException e) {
            if (e instanceof StaleReadException || "45000".equals(e.getSQLState()) && String.valueOf(e.getMessage()).contains("understudy.wait_for")) {
                throw e;
            }
            failures.add(follower.getKey() + ": " + e.getMessage());
            return null;
        }
    }

    private <T> Read<T> fallback(Token wanted, SqlWork<T> work, List<String> failures) throws SQLException {
        switch (router.fallback()) {
            case FAIL -> throw new StaleReadException("no follower had " + wanted + " within " + router.waitAtMost().toMillis()
                    + " ms" + (failures.isEmpty() ? "" : " (" + String.join("; ", failures) + ")"));
            case STALE -> {
                for (Map.Entry<String, DataSource> f : router.followersInTurn()) {
                    try (Connection c = f.getValue().getConnection()) {
                        c.setAutoCommit(true);
                        T value = work.apply(c);
                        Token after = ReadRouter.applied(c);
                        return new Read<>(value, f.getKey(), after == null ? null : after.toString(), true);
                    } catch (SQLException e) {
                        failures.add(f.getKey() + ": " + e.getMessage());
                    }
                }
                throw new StaleReadException("no follower could be read: " + String.join("; ", failures));
            }
            default -> {
                try (Connection c = router.leader().getConnection()) {
                    T value = work.apply(c);
                    Token now = router.leaderNow(c); // after the read: the data is no newer
                    advance(now);
                    return new Read<>(value, LEADER, now.toString(), false);
                }
            }
        }
    }
}
