package io.understudy.client;

import io.understudy.model.Token;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Routes an application's reads to Understudy followers with the guarantee each read asks for (docs/readers.md,
 * "The Java client"): read-your-writes and monotonic reads through {@link Session}s, bounded staleness through
 * {@link Builder#maxLag}, acknowledgement by apply through {@link #awaitReplicated}. It works over the application's
 * own {@link DataSource}s (pooled or not), on any follower kind Understudy writes, and asks the followers through
 * {@code understudy.wait_for}; it needs no daemon, only the followers' {@code understudy} schema. Thread-safe; one per
 * application.
 *
 * <pre>{@code
 * ReadRouter router = ReadRouter.builder().leader(leaderPool)
 *         .follower("replica2", replicaPool).follower("reporting", postgresPool)
 *         .waitAtMost(Duration.ofMillis(500)).whenBehind(Fallback.LEADER).build();
 * Session session = router.session(cookie);        // null, or the token the user's last response carried
 * session.write(c -> insertOrder(c, order));       // on the leader; the session now holds its token
 * List<Order> mine = session.read(c -> orders(c)); // from a follower that has the order, or the leader
 * response.setCookie(session.token());
 * }</pre>
 */
public final class ReadRouter implements AutoCloseable {
    /** How the leader's transactions become tokens: the capture mode Understudy runs with. */
    public enum Capture { BINLOG, TRIGGER }

    private final DataSource leader;
    private final Map<String, DataSource> followers;
    private final Capture capture;
    private final Duration waitAtMost;
    private final Fallback fallback;
    private final Duration maxLag;
    private final AtomicInteger turn = new AtomicInteger();
    private final ExecutorService acks = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "understudy-client-ack");
        t.setDaemon(true);
        return t;
    });
    private final LeaderPositions positions;
    private final Map<String, java.util.concurrent.atomic.AtomicReference<Token>> known = new java.util.concurrent.ConcurrentHashMap<>();

    private ReadRouter(Builder b) {
        this.leader = Objects.requireNonNull(b.leader, "leader");
        if (b.followers.isEmpty()) {
            throw new IllegalArgumentException("a ReadRouter needs at least one follower");
        }
        this.followers = Map.copyOf(b.followers);
        this.capture = b.capture;
        this.waitAtMost = b.waitAtMost;
        this.fallback = b.fallback;
        this.maxLag = b.maxLag;
        this.positions = new LeaderPositions(this);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A session without a token yet (a new user). */
    public Session session() {
        return new Session(this, null);
    }

    /**
     * A session that goes on from {@code token} (from a cookie, a header, another process); null or blank for none.
     *
     * @throws IllegalArgumentException when the token is malformed
     */
    public Session session(String token) {
        return new Session(this, token == null || token.isBlank() ? null : Token.parse(token));
    }

    /**
     * Semi-synchronous acknowledgement: waits until {@code n} followers have applied {@code token}, at most
     * {@code timeout}, asking all at once. Never falls back silently: the answer lists who has it and who does not.
     */
    public Ack awaitReplicated(String token, int n, Duration timeout) throws InterruptedException {
        Token wanted = Token.parse(token);
        if (n < 1 || n > followers.size()) {
            throw new IllegalArgumentException("n must be between 1 and the " + followers.size() + " followers, not " + n);
        }
        Map<String, Future<Boolean>> asked = new LinkedHashMap<>();
        for (Map.Entry<String, DataSource> f : followers.entrySet()) {
            asked.put(f.getKey(), acks.submit(() -> {
                try (Connection c = f.getValue().getConnection()) {
                    return waitOn(c, wanted, timeout).satisfied();
                }
            }));
        }
        List<String> have = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos() + Duration.ofSeconds(5).toNanos();
        for (Map.Entry<String, Future<Boolean>> a : asked.entrySet()) {
            boolean ok;
            try {
                ok = a.getValue().get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                a.getValue().cancel(true);
                ok = false;
            }
            (ok ? have : missing).add(a.getKey());
        }
        return new Ack(wanted.toString(), have.size() >= n, n, have, missing);
    }

    @Override
    public void close() {
        acks.shutdownNow();
        positions.close();
    }

    // ---- used by Session

    DataSource leader() {
        return leader;
    }

    Duration waitAtMost() {
        return waitAtMost;
    }

    Fallback fallback() {
        return fallback;
    }

    /** The followers in the order this read tries them: round robin, so reads spread. */
    List<Map.Entry<String, DataSource>> followersInTurn() {
        List<Map.Entry<String, DataSource>> all = new ArrayList<>(new java.util.TreeMap<>(followers).entrySet());
        int start = Math.floorMod(turn.getAndIncrement(), all.size());
        List<Map.Entry<String, DataSource>> ordered = new ArrayList<>(all.subList(start, all.size()));
        ordered.addAll(all.subList(0, start));
        return ordered;
    }

    /** Whether the follower's last reported position covers {@code wanted} (then it has it now: positions only grow). */
    boolean known(String follower, Token wanted) {
        Token k = known.computeIfAbsent(follower, f -> new java.util.concurrent.atomic.AtomicReference<>()).get();
        return k != null && wanted.coveredBy(k);
    }

    /** Remembers a position the follower reported. */
    void learned(String follower, Token applied) {
        if (applied != null) {
            known.computeIfAbsent(follower, f -> new java.util.concurrent.atomic.AtomicReference<>())
                    .accumulateAndGet(applied, (a, b) -> a == null ? b : a.max(b));
        }
    }

    /** The follower's applied position now, as a token; null before it has one. */
    static Token applied(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT token FROM understudy.applied_position WHERE source = 'leader'")) {
            String t = rs.next() ? rs.getString(1) : null;
            return t == null ? null : Token.parse(t);
        }
    }

    /** The bounded-staleness floor: a leader position at most maxLag old, or empty without maxLag. */
    Optional<Token> stalenessFloor() throws SQLException {
        return maxLag == null ? Optional.empty() : positions.floor(maxLag);
    }

    /** The token of the transaction the leader connection {@code c} just committed (same session). */
    Token tokenAfterCommit(Connection c) throws SQLException {
        return Token.parse(single(c, tokenQuery(c, true)));
    }

    /** The leader's current position as a token: every transaction committed so far. */
    Token leaderNow(Connection c) throws SQLException {
        return Token.parse(single(c, tokenQuery(c, false)));
    }

    private String tokenQuery(Connection c, boolean ownCommit) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        boolean postgres = product.contains("postgres");
        if (capture == Capture.TRIGGER || postgres) {
            return "SELECT understudy.token()"; // the first tick sure to include every commit so far (trigger mode)
        }
        if (isMariaDb(c)) {
            return ownCommit ? "SELECT @@last_gtid" : "SELECT @@GLOBAL.gtid_binlog_pos";
        }
        return "SELECT @@GLOBAL.gtid_executed"; // MySQL: contains the session's own commit
    }

    private static boolean isMariaDb(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        return product.contains("mariadb") || c.getMetaData().getDatabaseProductVersion().toLowerCase(Locale.ROOT).contains("mariadb");
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next() || rs.getString(1) == null || rs.getString(1).isBlank()) {
                throw new SQLException("the leader gave no position for a token (" + sql + "); binlog mode needs GTIDs"
                        + " (MySQL: gtid_mode=ON), trigger mode the understudy schema");
            }
            return rs.getString(1);
        }
    }

    /** What a follower answered: whether it had the token, and its applied position then (null if none yet). */
    record Answer(boolean satisfied, Token applied) {
    }

    /**
     * Waits on follower connection {@code c} until it has applied {@code wanted}, at most {@code timeout}, with
     * {@code understudy.wait_for} (a procedure on MariaDB/MySQL followers, a function on PostgreSQL ones). Leaves
     * {@code c} in autocommit, which the procedure needs.
     */
    static Answer waitOn(Connection c, Token wanted, Duration timeout) throws SQLException {
        c.setAutoCommit(true);
        if (c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres")) {
            try (PreparedStatement ps = c.prepareStatement("SELECT understudy.wait_for(?, ?)")) {
                ps.setString(1, wanted.toString());
                ps.setDouble(2, timeout.toMillis() / 1000.0);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Answer(rs.getBoolean(1), applied(c));
                }
            }
        }
        try (CallableStatement call = c.prepareCall("CALL understudy.wait_for(?, ?)")) {
            call.setString(1, wanted.toString());
            call.setDouble(2, timeout.toMillis() / 1000.0);
            try (ResultSet rs = call.executeQuery()) {
                rs.next();
                String applied = rs.getString("applied");
                return new Answer(rs.getInt("satisfied") == 1, applied == null ? null : Token.parse(applied));
            }
        }
    }

    /** Builds a {@link ReadRouter}. Not thread-safe. */
    public static final class Builder {
        private DataSource leader;
        private final Map<String, DataSource> followers = new LinkedHashMap<>();
        private Capture capture = Capture.BINLOG;
        private Duration waitAtMost = Duration.ofMillis(500);
        private Fallback fallback = Fallback.LEADER;
        private Duration maxLag;

        private Builder() {
        }

        /** Where writes go, and reads that no follower can serve in time (with {@link Fallback#LEADER}). */
        public Builder leader(DataSource dataSource) {
            this.leader = dataSource;
            return this;
        }

        /** A follower, by the name it has in Understudy's configuration. */
        public Builder follower(String name, DataSource dataSource) {
            followers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(dataSource, "dataSource"));
            return this;
        }

        /** Understudy runs in trigger mode: tokens are ticks (default: binlog mode, tokens are GTIDs). */
        public Builder capture(Capture mode) {
            this.capture = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** How long a read waits for a follower to have the session's token (default 500 ms). */
        public Builder waitAtMost(Duration wait) {
            this.waitAtMost = Objects.requireNonNull(wait, "wait");
            return this;
        }

        /** What a read does when no follower has the token in time (default: {@link Fallback#LEADER}). */
        public Builder whenBehind(Fallback policy) {
            this.fallback = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Bounded staleness: every read also needs a follower that holds what the leader had {@code maxLag} ago (the
         * router reads the leader's position at most every {@code maxLag / 4} to know it).
         */
        public Builder maxLag(Duration bound) {
            this.maxLag = bound;
            return this;
        }

        public ReadRouter build() {
            return new ReadRouter(this);
        }
    }
}
