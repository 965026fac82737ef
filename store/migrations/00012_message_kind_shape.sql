-- +goose Up
-- The message kinds are listed once, in Go (package kind), and a test
-- checks that every one of them can be stored: the database keeps their
-- shape only (lower-case words joined by hyphens, "reminder-15m"), so that
-- a new kind of message takes no migration.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_kind_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_kind_check
    CHECK (kind ~ '^[a-z][a-z0-9]*(-[a-z0-9]+)*$' AND length(kind) <= 40);

-- +goose Down
ALTER TABLE deliveries DROP CONSTRAINT deliveries_kind_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_kind_check
    CHECK (kind ~ '^(j1|h1|reminder-[0-9]+[dhm]|confirmation|confirmed|cancellation|reschedule)$');
