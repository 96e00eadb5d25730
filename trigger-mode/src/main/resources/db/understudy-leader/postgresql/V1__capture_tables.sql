-- Understudy trigger mode, PostgreSQL leader: the change table the capture trigger function writes, the ticks
-- (snapshots) that cut it into batches in leader commit order, and the consumers whose progress bounds the purge.
-- See docs/trigger-mode.md for why each table looks the way it does.

-- One row per captured table definition; every change row names the definition it was written under.
CREATE TABLE understudy.capture_table (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  table_schema text NOT NULL,
  table_name text NOT NULL,
  definition text NOT NULL,
  created timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- One row per captured row change. id: the global write order (a sequence without cache, taken after the row
-- lock). txid: the writing top-level transaction, which the tick snapshots decide visibility by.
CREATE TABLE understudy.change_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  capture_id integer NOT NULL,
  op char(1) NOT NULL,
  before_image json,
  after_image json
);
CREATE INDEX change_log_txid ON understudy.change_log (txid);

-- Tick n = a snapshot of the leader; batch n = the change rows of transactions visible in tick n's snapshot and
-- not in tick n-1's, i.e. the transactions that committed between the two.
CREATE TABLE understudy.tick (
  id bigint PRIMARY KEY,
  snapshot pg_snapshot NOT NULL,
  created timestamptz NOT NULL
);

-- Each follower's applied tick, written after the follower committed it; the purge never passes the smallest.
CREATE TABLE understudy.consumer (
  name text PRIMARY KEY,
  tick bigint NOT NULL,
  updated timestamptz NOT NULL
);

-- This installation: its id is part of every follower position (ticks restart at 0 after uninstall and install,
-- and a position of another installation must not be taken for one of this), and the purge's watermark, written
-- before the purge deletes anything, so a follower behind it is refused even while a purge is half done.
CREATE TABLE understudy.installation (
  id text PRIMARY KEY,
  purged_through bigint NOT NULL
);
INSERT INTO understudy.installation (id, purged_through) VALUES (gen_random_uuid()::text, 0);

INSERT INTO understudy.tick (id, snapshot, created) VALUES (0, pg_current_snapshot(), clock_timestamp());

-- The one trigger function of every captured table; TG_ARGV[0] is the table's capture_table id. It runs as its
-- owner (the installing user), so the application's roles need no privilege on schema understudy, and under fixed
-- settings, so every value is written in one exact text form whatever the writing session set: floats with
-- enough digits to round-trip, times in UTC, bytea as hex. (JSON renders dates and times in ISO 8601 whatever
-- DateStyle says, and no captured type depends on IntervalStyle; every SET costs time on each captured write.)
CREATE FUNCTION understudy.capture() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  SET extra_float_digits = 3
  SET "TimeZone" = 'UTC'
  SET bytea_output = 'hex'
AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO understudy.change_log (capture_id, op, after_image) VALUES (TG_ARGV[0]::integer, 'I', row_to_json(NEW));
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO understudy.change_log (capture_id, op, before_image, after_image)
      VALUES (TG_ARGV[0]::integer, 'U', row_to_json(OLD), row_to_json(NEW));
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO understudy.change_log (capture_id, op, before_image) VALUES (TG_ARGV[0]::integer, 'D', row_to_json(OLD));
  ELSE
    INSERT INTO understudy.change_log (capture_id, op) VALUES (TG_ARGV[0]::integer, 'T');
  END IF;
  RETURN NULL;
END
$$;
