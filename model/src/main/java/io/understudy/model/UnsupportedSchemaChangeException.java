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

    /** The operator's two ways out, for the end of a message about the refused {@code change}. */
    public static String waysOut(SchemaChange change) {
        String tables = change.tables().isEmpty() ? "SCHEMA.TABLE"
                : String.join(" --table ", change.tables().stream().map(t -> t.table().toString()).distinct().toList());
        return "apply it by hand on the follower and restart with `understudy run --config FILE --skip-ddl-at '"
                + change.position().describe() + "'`, or stop `understudy run` and copy the table again with"
                + " `understudy snapshot --config FILE --follower NAME --table " + tables + "`, then start it again";
    }
}
