-- Debezium's schema history for this follower's capture, one HistoryRecord (JSON) per row in insertion order.
-- Kept on the follower so that the follower alone says where replication stands and which table structures
-- the binlog rows around that position have (written by io.understudy.connector.FollowerSchemaHistory).
CREATE TABLE understudy.schema_history (
    id     BIGINT   NOT NULL AUTO_INCREMENT PRIMARY KEY,
    record LONGTEXT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
