-- +goose Up
-- A name given by the public form is the person's word about their own
-- sign-up only: kept on the sign-up, as typed (requested_name) until they
-- confirm it through the link of their confirmation request (name), and
-- never written on the subscriber, whose name every organiser sees.
ALTER TABLE signups
    ADD COLUMN requested_name text NOT NULL DEFAULT ''
        CONSTRAINT signups_requested_name_check CHECK (length(requested_name) <= 200),
    ADD COLUMN name text NOT NULL DEFAULT ''
        CONSTRAINT signups_name_check CHECK (length(name) <= 200);

-- +goose Down
ALTER TABLE signups DROP COLUMN requested_name, DROP COLUMN name;
