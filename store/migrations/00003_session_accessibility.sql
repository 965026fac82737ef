-- +goose Up
-- Whether the place is accessible to people with reduced mobility: the
-- messages say so when it is.
ALTER TABLE sessions ADD COLUMN accessible boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE sessions DROP COLUMN accessible;
