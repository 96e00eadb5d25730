-- Progress of `understudy snapshot` on a MariaDB/MySQL follower: one row per leader table, written in the
-- same follower transaction as each copied chunk, so a resumed snapshot continues exactly after the last
-- committed chunk. The positions are the leader binlog positions the copies are consistent with (docs/snapshot.md).
CREATE TABLE understudy.snapshot_progress (
    table_name           VARCHAR(255)  NOT NULL PRIMARY KEY,
    snapshot_position    TEXT          NOT NULL,
    snapshot_description VARCHAR(1024) NOT NULL,
    last_key             TEXT,
    earlier_segments     TEXT,
    rows_copied          BIGINT        NOT NULL DEFAULT 0,
    state                VARCHAR(16)   NOT NULL,
    updated_at           DATETIME(6)   NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
