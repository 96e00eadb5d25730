-- Causality tokens (docs/readers.md): the applied position as a token, written with every position. The
-- procedure understudy.wait_for that compares readers' tokens with it is created by the applier when it opens
-- (routines/mysql-wait_for.sql), not here: it needs CREATE ROUTINE, which a follower user may lack, and a
-- follower without it still replicates.
ALTER TABLE understudy.applied_position ADD COLUMN token TEXT NULL;
