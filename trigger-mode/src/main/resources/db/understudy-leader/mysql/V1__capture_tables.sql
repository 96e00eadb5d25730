-- Understudy trigger mode, MariaDB/MySQL leader: the change table the capture triggers write, the ticks that cut
-- it into batches in leader commit order, and the consumers whose progress bounds the purge.
-- See docs/trigger-mode.md for why each table looks the way it does. MariaDB/MySQL DDL is not transactional, so
-- every statement may run again after an interrupted install.

-- One row per captured table definition; every change row names the definition it was written under.
CREATE TABLE IF NOT EXISTS capture_table (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  table_schema VARCHAR(64) NOT NULL,
  table_name VARCHAR(64) NOT NULL,
  definition LONGTEXT NOT NULL,
  created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY by_table (table_schema, table_name, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per captured row change. id: the global write order (an auto-increment taken after the row lock).
-- conn: the writing session's CONNECTION_ID(); a session runs one transaction at a time, so per conn the
-- committed rows are always a prefix in id order, which is what the ticks cut at (the "lane").
CREATE TABLE IF NOT EXISTS change_log (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  conn BIGINT UNSIGNED NOT NULL,
  capture_id INT NOT NULL,
  op CHAR(1) NOT NULL,
  before_image LONGTEXT NULL,
  after_image LONGTEXT NULL,
  PRIMARY KEY (id),
  KEY lane (conn, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Tick n = what one consistent snapshot of change_log showed: per lane, the committed prefix up to to_id.
-- Batch n = per lane the rows in (from_id, to_id], i.e. the transactions that committed between ticks n-1 and n.
CREATE TABLE IF NOT EXISTS tick (
  id BIGINT NOT NULL PRIMARY KEY,
  created DATETIME(6) NOT NULL -- UTC (Understudy's sessions run in UTC); DATETIME outlives 2038
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS tick_lane (
  tick BIGINT NOT NULL,
  conn BIGINT UNSIGNED NOT NULL,
  from_id BIGINT UNSIGNED NOT NULL,
  to_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (tick, conn)
) ENGINE=InnoDB;

-- The last to_id recorded per lane and the tick that recorded it (the ticker's memory between ticks).
CREATE TABLE IF NOT EXISTS lane (
  conn BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  last_id BIGINT UNSIGNED NOT NULL,
  tick BIGINT NOT NULL
) ENGINE=InnoDB;

-- Each follower's applied tick, written after the follower committed it; the purge never passes the smallest.
CREATE TABLE IF NOT EXISTS consumer (
  name VARCHAR(64) NOT NULL PRIMARY KEY,
  tick BIGINT NOT NULL,
  updated DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- This installation: its id is part of every follower position (ticks restart at 0 after uninstall and install,
-- and a position of another installation must not be taken for one of this), and the purge's watermark, written
-- before the purge deletes anything, so a follower behind it is refused even while a purge is half done.
CREATE TABLE IF NOT EXISTS installation (
  id CHAR(36) NOT NULL PRIMARY KEY,
  purged_through BIGINT NOT NULL
) ENGINE=InnoDB;

INSERT INTO installation (id, purged_through) SELECT UUID(), 0 FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM installation);
INSERT IGNORE INTO tick (id, created) VALUES (0, UTC_TIMESTAMP(6));
