package io.understudy.snapshot;

import io.understudy.model.TableId;

/** Receives snapshot progress, from several copy threads at once: implementations must be thread-safe. */
public interface ProgressListener {
    /** A table's copy (re)starts; {@code alreadyCopied} rows were copied by an earlier, interrupted run. */
    void started(TableId table, long estimatedRows, long alreadyCopied, boolean resumed);

    /** A chunk was committed on the follower; {@code rowsCopied} counts all runs. */
    void chunk(TableId table, long rowsCopied, long bytes);

    void done(TableId table, long rowsCopied);

    /** Ignores everything. */
    ProgressListener NONE = new ProgressListener() {
        @Override
        public void started(TableId table, long estimatedRows, long alreadyCopied, boolean resumed) {
        }

        @Override
        public void chunk(TableId table, long rowsCopied, long bytes) {
        }

        @Override
        public void done(TableId table, long rowsCopied) {
        }
    };
}
