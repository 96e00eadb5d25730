package io.understudy.model;

/**
 * A leader DDL statement this follower cannot take. Nothing after the statement was applied. The operator
 * either applies an equivalent change on the follower by hand and continues with
 * {@code understudy run --skip-ddl-at POSITION}, which stores {@link #resumeAfterDdl()} as the follower's
 * position, or re-snapshots the table.
 */
public class UnsupportedSchemaChangeException extends ReplicationException {
    private final transient Position resumeAfterDdl;

    public UnsupportedSchemaChangeException(String message, Position resumeAfterDdl) {
        super(message);
        this.resumeAfterDdl = resumeAfterDdl;
    }

    /** The position just after the refused statement. */
    public Position resumeAfterDdl() {
        return resumeAfterDdl;
    }

    /** The operator's two ways out, for the end of a message about a refused statement at {@code position}. */
    public static String waysOut(Position position) {
        return "apply it by hand on the follower and restart with `understudy run --config FILE --skip-ddl-at '"
                + position.describe() + "'`, or re-snapshot the table with `understudy snapshot`";
    }
}
