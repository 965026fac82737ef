-- +goose NO TRANSACTION
-- +goose Up
-- Every delivery of a sign-up through one index: the cascade when a sign-up
-- is deleted (retention, forget) scanned the whole table once per sign-up
-- without it, and the check for a later reminder due, read for each message
-- sent, did the same. It also serves the confirmation requests of the day,
-- which had an index of their own. Built concurrently: sending goes on.
CREATE INDEX CONCURRENTLY IF NOT EXISTS deliveries_signup_idx ON deliveries (signup_id, created_at);
DROP INDEX CONCURRENTLY IF EXISTS deliveries_confirmation_idx;

-- +goose Down
CREATE INDEX CONCURRENTLY IF NOT EXISTS deliveries_confirmation_idx ON deliveries (signup_id, created_at)
    WHERE kind = 'confirmation';
DROP INDEX CONCURRENTLY IF EXISTS deliveries_signup_idx;
