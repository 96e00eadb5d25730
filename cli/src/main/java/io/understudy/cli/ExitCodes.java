package io.understudy.cli;

/** Distinct exit codes, documented in the README and docs/operations.md. */
public final class ExitCodes {
    public static final int OK = 0;
    /** A runtime failure, or a failed prerequisite check. */
    public static final int FAILURE = 1;
    /** Bad command line or bad configuration file. */
    public static final int CONFIG = 2;
    /** {@code understudy verify} found differences between leader and follower. */
    public static final int DIFFERENCES = 3;

    private ExitCodes() {
    }
}
