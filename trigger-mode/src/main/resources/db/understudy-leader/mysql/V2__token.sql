-- SELECT understudy.token() after a commit: a causality token for it (docs/readers.md), the first tick sure to
-- include it. Under the ticker lock no tick is being taken (a tick takes its snapshot first and writes its row
-- after), so the tick after the newest one takes its snapshot after this call, which is after the caller's commit.
-- Call it as its own statement after the commit: its read shares the snapshot of the statement and transaction
-- that call it.
DELIMITER $$
CREATE FUNCTION understudy.token() RETURNS VARCHAR(40)
    NOT DETERMINISTIC READS SQL DATA SQL SECURITY DEFINER
    COMMENT 'Understudy causality token for the session''s last commit (docs/readers.md)'
BEGIN
    DECLARE newest BIGINT;
    IF COALESCE(GET_LOCK('understudy.ticker', 10), 0) <> 1 THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'understudy.token: the tick lock stayed taken for 10 s';
    END IF;
    SELECT MAX(id) INTO newest FROM understudy.tick;
    DO RELEASE_LOCK('understudy.ticker');
    RETURN CONCAT('tick:', newest + 1);
END$$
DELIMITER ;
