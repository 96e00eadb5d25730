-- SELECT understudy.wait_for(token, timeout_seconds): waits until this follower has applied the token's leader
-- position and returns true, or false at the timeout (docs/readers.md). VOLATILE, so in READ COMMITTED each of its
-- reads sees what committed meanwhile. It looks again after 1 ms, then 1.5 times later each time, at most every
-- 25 ms. Created (or replaced) by WaitRoutine whenever the applier opens.
CREATE OR REPLACE FUNCTION understudy.wait_for(wanted TEXT, timeout_seconds DOUBLE PRECISION) RETURNS BOOLEAN
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, understudy AS $$
DECLARE
    body TEXT := btrim(coalesce(wanted, ''));
    epoch TEXT := 'e1';
    have TEXT;
    have_body TEXT;
    entry TEXT;
    item_key TEXT;
    sep TEXT;
    found TEXT;
    want_seq NUMERIC;
    covered BOOLEAN;
    deadline TIMESTAMPTZ;
    pause DOUBLE PRECISION := 0.001;
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'understudy.wait_for needs READ COMMITTED: in % the transaction keeps reading its first snapshot',
            current_setting('transaction_isolation')
            USING HINT = 'Call it before starting a REPEATABLE READ or SERIALIZABLE transaction, or in its own statement.';
    END IF;
    IF timeout_seconds IS NULL OR timeout_seconds < 0 OR timeout_seconds > 3600 THEN
        RAISE EXCEPTION 'understudy.wait_for: timeout_seconds must be between 0 and 3600' USING ERRCODE = '22023';
    END IF;
    IF body ~ '^e[0-9]+/' THEN
        epoch := split_part(body, '/', 1);
        body := substr(body, strpos(body, '/') + 1);
    END IF;
    IF NOT (body ~ '^tick:[0-9]+$'
            OR body ~ '^([0-9]+-[0-9]+-[0-9]+|[0-9A-Fa-f-]{36}(:[0-9]+(-[0-9]+)?)+)(,([0-9]+-[0-9]+-[0-9]+|[0-9A-Fa-f-]{36}(:[0-9]+(-[0-9]+)?)+))*$') THEN
        RAISE EXCEPTION '''%'' is not an Understudy token; a token is a leader position, optionally after e<epoch>/: a MariaDB GTID list (0-1-42), a MySQL GTID set (uuid:1-42) or a trigger-mode tick (tick:812)',
            left(coalesce(wanted, 'NULL'), 200) USING ERRCODE = '22023';
    END IF;
    deadline := clock_timestamp() + make_interval(secs => timeout_seconds);
    LOOP
        SELECT p.token INTO have FROM understudy.applied_position p WHERE p.source = 'leader';
        covered := false;
        IF have IS NOT NULL AND split_part(have, '/', 1) = epoch THEN
            have_body := ',' || substr(have, strpos(have, '/') + 1);
            covered := true;
            FOREACH entry IN ARRAY string_to_array(body, ',') LOOP
                IF entry LIKE 'tick:%' THEN
                    item_key := 'tick';
                    sep := ':';
                    want_seq := substr(entry, 6)::numeric;
                ELSIF strpos(entry, ':') > 0 THEN
                    item_key := lower(split_part(entry, ':', 1));
                    sep := ':';
                    want_seq := regexp_replace(entry, '^.*[:-]', '')::numeric;
                ELSE
                    item_key := split_part(entry, '-', 1)::numeric::text;
                    sep := '-0-';
                    want_seq := split_part(entry, '-', 3)::numeric;
                END IF;
                found := substring(have_body FROM ',' || item_key || sep || '([0-9]+)');
                IF found IS NULL OR found::numeric < want_seq THEN
                    covered := false;
                    EXIT;
                END IF;
            END LOOP;
        END IF;
        IF covered OR clock_timestamp() >= deadline THEN
            RETURN covered;
        END IF;
        PERFORM pg_sleep(pause);
        pause := least(pause * 1.5, 0.025);
    END LOOP;
END
$$;
