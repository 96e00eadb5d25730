-- CALL understudy.wait_for(token, timeout_seconds): waits until this follower has applied the token's leader
-- position (docs/readers.md). A procedure, not a function: a function's reads share the snapshot of the statement
-- that calls it and would never see the position move; each statement of a procedure called with autocommit on is
-- its own transaction, with a fresh snapshot. It needs no SUPER under binary logging either. It looks again after
-- 1 ms, then 1.5 times later each time, at most every 25 ms. Created by WaitRoutine; "v1" in its comment is the
-- version it checks.
CREATE PROCEDURE understudy.wait_for(IN wanted TEXT, IN timeout_seconds DOUBLE)
    READS SQL DATA
    SQL SECURITY DEFINER
    COMMENT 'Understudy wait_for v1: waits until this follower has applied a token (docs/readers.md); returns satisfied 1 or 0'
BEGIN
    DECLARE body TEXT;
    DECLARE epoch TEXT DEFAULT 'e1';
    DECLARE have TEXT;
    DECLARE have_body TEXT;
    DECLARE entry TEXT;
    DECLARE item_key TEXT;
    DECLARE sep TEXT;
    DECLARE found_at INT;
    DECLARE want_seq BIGINT UNSIGNED;
    DECLARE have_seq BIGINT UNSIGNED;
    DECLARE entries INT;
    DECLARE i INT;
    DECLARE covered INT;
    DECLARE deadline DATETIME(6);
    DECLARE pause DOUBLE DEFAULT 0.001;
    IF @@in_transaction = 1 THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'understudy.wait_for must be called outside a transaction (autocommit): inside one it would keep reading the snapshot the transaction started with. Call it, then start the transaction that reads';
    END IF;
    IF timeout_seconds IS NULL OR timeout_seconds < 0 OR timeout_seconds > 3600 THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'understudy.wait_for: timeout_seconds must be between 0 and 3600';
    END IF;
    SET body = TRIM(COALESCE(wanted, ''));
    IF body REGEXP '^e[0-9]+/' THEN
        SET epoch = SUBSTRING_INDEX(body, '/', 1);
        SET body = SUBSTRING(body, LOCATE('/', body) + 1);
    END IF;
    IF NOT (body REGEXP '^tick:[0-9]+$'
            OR body REGEXP '^([0-9]+-[0-9]+-[0-9]+|[0-9A-Fa-f-]{36}(:[0-9]+(-[0-9]+)?)+)(,([0-9]+-[0-9]+-[0-9]+|[0-9A-Fa-f-]{36}(:[0-9]+(-[0-9]+)?)+))*$') THEN
        SET @understudy_wait_for_error = CONCAT('''', LEFT(COALESCE(wanted, 'NULL'), 200), ''' is not an Understudy token; a token is a leader position, optionally after e<epoch>/: a MariaDB GTID list (0-1-42), a MySQL GTID set (uuid:1-42) or a trigger-mode tick (tick:812)');
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = @understudy_wait_for_error;
    END IF;
    SET deadline = NOW(6) + INTERVAL ROUND(timeout_seconds * 1000000) MICROSECOND;
    SET entries = 1 + LENGTH(body) - LENGTH(REPLACE(body, ',', ''));
    wait_loop: LOOP
        SET have = NULL;
        SELECT token INTO have FROM understudy.applied_position WHERE source = 'leader';
        SET covered = 0;
        IF have IS NOT NULL AND SUBSTRING_INDEX(have, '/', 1) = epoch THEN
            SET have_body = CONCAT(',', SUBSTRING(have, LOCATE('/', have) + 1));
            SET covered = 1;
            SET i = 1;
            WHILE covered = 1 AND i <= entries DO
                SET entry = SUBSTRING_INDEX(SUBSTRING_INDEX(body, ',', i), ',', -1);
                IF entry LIKE 'tick:%' THEN
                    SET item_key = 'tick';
                    SET sep = ':';
                    SET want_seq = SUBSTRING(entry, 6);
                ELSEIF LOCATE(':', entry) > 0 THEN
                    SET item_key = LOWER(SUBSTRING_INDEX(entry, ':', 1));
                    SET sep = ':';
                    SET want_seq = SUBSTRING_INDEX(SUBSTRING_INDEX(entry, ':', -1), '-', -1);
                ELSE
                    SET item_key = CAST(CAST(SUBSTRING_INDEX(entry, '-', 1) AS UNSIGNED) AS CHAR);
                    SET sep = '-0-';
                    SET want_seq = SUBSTRING_INDEX(entry, '-', -1);
                END IF;
                SET found_at = LOCATE(CONCAT(',', item_key, sep), have_body);
                IF found_at = 0 THEN
                    SET covered = 0;
                ELSE
                    SET have_seq = SUBSTRING_INDEX(SUBSTRING(have_body, found_at + 1 + LENGTH(item_key) + LENGTH(sep)), ',', 1);
                    IF have_seq < want_seq THEN
                        SET covered = 0;
                    END IF;
                END IF;
                SET i = i + 1;
            END WHILE;
        END IF;
        IF covered = 1 OR NOW(6) >= deadline THEN
            SELECT covered AS satisfied, have AS applied;
            LEAVE wait_loop;
        END IF;
        DO SLEEP(pause);
        SET pause = LEAST(pause * 1.5, 0.025);
    END LOOP wait_loop;
END
