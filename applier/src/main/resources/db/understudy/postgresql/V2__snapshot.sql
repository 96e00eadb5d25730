-- Progress of `understudy snapshot` on a PostgreSQL follower: one row per leader table, written in the
-- same follower transaction as each copied chunk, so a resumed snapshot continues exactly after the last
-- committed chunk. The positions are the leader binlog positions the copies are consistent with (docs/snapshot.md).
CREATE TABLE understudy.snapshot_progress (
    table_name           TEXT        PRIMARY KEY,
    snapshot_position    TEXT        NOT NULL,
    snapshot_description TEXT        NOT NULL,
    last_key             TEXT,
    earlier_segments     TEXT,
    rows_copied          BIGINT      NOT NULL DEFAULT 0,
    state                TEXT        NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL
);
