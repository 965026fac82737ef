-- +goose Up
-- A session may choose its own reminders ("7d,1d,1h"), in place of the
-- configured REMINDERS; '' keeps those.
ALTER TABLE sessions ADD COLUMN reminders text NOT NULL DEFAULT ''
    CONSTRAINT sessions_reminders_check CHECK (length(reminders) <= 200);

-- +goose Down
ALTER TABLE sessions DROP COLUMN reminders;
