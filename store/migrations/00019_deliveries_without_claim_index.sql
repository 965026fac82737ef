-- +goose NO TRANSACTION
-- +goose Up
-- A claim wrote an entry in this index for every delivery it took, and
-- vacuum took it out again: one entry in six of the busiest write. Only
-- the renewal of leases read it, and it now finds its rows by id, which
-- the replica knows. Dropped concurrently: sending goes on.
DROP INDEX CONCURRENTLY IF EXISTS deliveries_claim_token_idx;

-- +goose Down
CREATE INDEX CONCURRENTLY IF NOT EXISTS deliveries_claim_token_idx ON deliveries (claim_token) WHERE claim_token IS NOT NULL;
