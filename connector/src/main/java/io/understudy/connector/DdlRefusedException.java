package io.understudy.connector;

import io.understudy.model.Position;
import io.understudy.model.UnsupportedSchemaChangeException;

/**
 * The leader ran DDL on a replicated table. Nothing after the DDL was delivered. Once the operator has
 * applied the same DDL on every follower, {@code understudy run --skip-ddl-at POSITION} stores
 * {@link #resumeAfterDdl()} as the follower's position and continues right after the DDL (the schema is
 * rebuilt from the leader's current catalog).
 */
public final class DdlRefusedException extends UnsupportedSchemaChangeException {
    public DdlRefusedException(String message, Position resumeAfterDdl) {
        super(message, resumeAfterDdl);
    }
}
