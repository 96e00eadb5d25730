-- Understudy's own state on a MariaDB/MySQL follower: where replication from each source stands.
-- Written in the same follower transaction as the replicated rows, so it is exact after a crash.
-- Times are DATETIME(6) in UTC (Understudy's sessions use time_zone '+00:00'); DATETIME avoids the 2038 limit of TIMESTAMP.
CREATE TABLE understudy.applied_position (
    source             VARCHAR(64)   NOT NULL PRIMARY KEY,
    encoded_position   TEXT          NOT NULL,
    description        VARCHAR(1024) NOT NULL,
    transaction_id     VARCHAR(255),
    leader_commit_time DATETIME(6),
    applied_at         DATETIME(6)   NOT NULL,
    transactions       BIGINT        NOT NULL DEFAULT 0,
    row_changes        BIGINT        NOT NULL DEFAULT 0
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
