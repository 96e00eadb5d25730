-- Understudy's own state on a PostgreSQL follower: where replication from each source stands.
-- Written in the same follower transaction as the replicated rows, so it is exact after a crash.
CREATE TABLE understudy.applied_position (
    source             TEXT        PRIMARY KEY,
    encoded_position   TEXT        NOT NULL,
    description        TEXT        NOT NULL,
    transaction_id     TEXT,
    leader_commit_time TIMESTAMPTZ,
    applied_at         TIMESTAMPTZ NOT NULL,
    transactions       BIGINT      NOT NULL DEFAULT 0,
    row_changes        BIGINT      NOT NULL DEFAULT 0
);
