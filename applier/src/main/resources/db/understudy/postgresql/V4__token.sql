-- Causality tokens (docs/readers.md): the applied position as a token, written with every position. The function
-- understudy.wait_for that compares readers' tokens with it is created by the applier when it opens
-- (postgresql-wait_for.sql).
ALTER TABLE understudy.applied_position ADD COLUMN token TEXT;
