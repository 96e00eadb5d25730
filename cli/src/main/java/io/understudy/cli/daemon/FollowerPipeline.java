package io.understudy.cli.daemon;

import io.understudy.applier.CascadeSource;
import io.understudy.applier.FollowerApplier;
import io.understudy.applier.FollowerLock;
import io.understudy.config.FollowerConfig;
import io.understudy.model.ChangeSource;
import io.understudy.model.Position;
import io.understudy.model.ReplicationException;
import io.understudy.model.RetriableException;
import io.understudy.model.Transaction;
import io.understudy.model.TransactionHandler;
import io.understudy.model.UnsupportedSchemaChangeException;
import io.understudy.snapshot.SnapshotFilter;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one follower in step with the leader: opens the follower, reads its stored position, runs a
 * change source from there into the follower's applier. This is the one place where failures are
 * retried: a {@link RetriableException} (follower or leader unreachable, lost connection, deadlock)
 * closes everything and starts again from the follower's stored position after a backoff; a
 * {@link ReplicationException} stops this follower only (state FAILED) and never the others.
 *
 * <p>{@link #run()} runs on the pipeline's own thread; {@link #stop()} and {@link #state()} are
 * thread-safe.
 */
final class FollowerPipeline implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(FollowerPipeline.class);

    private final FollowerConfig follower;
    private final Supplier<ChangeSource> sources;
    private final Function<String, Position> decoder;
    private final Clock clock;
    private final Backoff backoff;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ProgressTracker progress;
    private final Set<String> skipDdlAt;
    private final CascadeSource cascades;
    private final AppliedPositions applied;
    private volatile ChangeSource current;

    FollowerPipeline(FollowerConfig follower, Supplier<ChangeSource> sources, Function<String, Position> decoder,
                     CascadeSource cascades, AppliedPositions applied, Clock clock, Duration maxBackoff,
                     Set<String> skipDdlAt) {
        this.applied = applied;
        this.skipDdlAt = skipDdlAt;
        this.cascades = cascades;
        this.follower = follower;
        this.sources = sources;
        this.decoder = decoder;
        this.clock = clock;
        this.backoff = new Backoff(Duration.ofMillis(500), maxBackoff);
        this.progress = new ProgressTracker(follower.name(), clock);
    }

    FollowerState state() {
        return progress.state();
    }

    String name() {
        return follower.name();
    }

    @Override
    public void run() {
        try {
            while (stopped.getCount() > 0 && attempt()) {
                // attempt() returns false when this follower failed for good
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (progress.state().phase() != FollowerState.Phase.FAILED) {
            progress.phase(FollowerState.Phase.STOPPED, "");
        }
        applied.changed();
    }

    /** One run from the stored position; false when the follower failed and must stay stopped. */
    private boolean attempt() throws InterruptedException {
        try {
            runOnce();
            return true;
        } catch (RetriableException e) {
            Duration wait = backoff.next();
            progress.phase(FollowerState.Phase.RETRYING, e.getMessage());
            log.warn("follower {}: {}; retrying from its stored position in {} ms",
                    follower.name(), e.getMessage(), wait.toMillis());
            await(wait);
            return true;
        } catch (UnsupportedSchemaChangeException e) {
            if (skipDdlAt.contains(e.resumeAfterDdl().describe())) {
                skipDdl(e.resumeAfterDdl());
                return true;
            }
            progress.phase(FollowerState.Phase.FAILED, e.getMessage());
            log.error("follower {} stopped: {}", follower.name(), e.getMessage());
            applied.changed();
            return false;
        } catch (ReplicationException e) {
            progress.phase(FollowerState.Phase.FAILED, e.getMessage());
            log.error("follower {} stopped: {}", follower.name(), e.getMessage());
            applied.changed();
            return false;
        }
    }

    private void runOnce() throws InterruptedException {
        try (FollowerLock lock = FollowerLock.acquire(follower, "understudy run");
             FollowerApplier applier = FollowerApplier.open(follower, clock, cascades); ChangeSource source = sources.get()) {
            current = source;
            if (stopped.getCount() == 0) {
                return;
            }
            applier.onApplied(a -> applied.update(follower.name(), a.position(), a.leaderCommitTime(), a.appliedAt()));
            TransactionHandler handler = progress.wrap(applier.handler(SnapshotFilter.load(follower, clock)), backoff::reset);
            Optional<String> stored = applier.storedPosition();
            Position resume;
            if (stored.isPresent()) {
                resume = decoder.apply(stored.get());
            } else {
                resume = source.currentPosition();
                applier.initializePosition(resume);
                log.info("follower {} had no stored position; starting at the leader's current position {}",
                        follower.name(), resume.describe());
            }
            progress.resumed(resume);
            applied.resumed(follower.name(), resume, stored.isPresent() ? applier.status().leaderCommitTime() : null);
            log.info("follower {}: streaming from {}", follower.name(), resume.describe());
            source.run(Optional.of(resume), handler);
        } finally {
            current = null;
        }
    }

    /**
     * The operator applied a refused DDL on this follower by hand and asked to continue after it: store
     * the position after the DDL as an empty transaction (position only) and resume from there.
     */
    private void skipDdl(Position afterDdl) {
        log.warn("follower {}: skipping leader DDL as instructed; continuing after {}", follower.name(), afterDdl.describe());
        try (FollowerApplier applier = FollowerApplier.open(follower, clock)) {
            applier.begin("skip-ddl");
            applier.commit(new Transaction("skip-ddl", afterDdl, clock.instant(), 0));
            applier.endOfBatch();
        }
    }

    /** Waits out a backoff, or less when stop() is called meanwhile. */
    private void await(Duration wait) throws InterruptedException {
        stopped.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks the pipeline to stop: the in-flight transaction is abandoned (rolled back), nothing is lost. */
    void stop() {
        stopped.countDown();
        ChangeSource source = current;
        if (source != null) {
            source.close();
        }
    }
}
