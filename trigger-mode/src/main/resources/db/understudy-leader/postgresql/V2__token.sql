-- SELECT understudy.token() after a commit: a causality token for it (docs/readers.md), the first tick sure to
-- include it. Under the ticker's advisory lock no tick is being taken, so the tick after the newest one takes its
-- snapshot after this call, which is after the caller's commit. The lock is held to the end of the calling
-- transaction: call it as its own statement (autocommit) after the commit.
CREATE FUNCTION understudy.token() RETURNS TEXT
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, understudy AS $$
DECLARE
    newest BIGINT;
BEGIN
    PERFORM pg_advisory_xact_lock(33053949752931188); -- PostgresLeader.TICKER_LOCK
    SELECT max(id) INTO newest FROM understudy.tick;
    RETURN 'tick:' || (newest + 1);
END
$$;
