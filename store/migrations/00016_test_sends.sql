-- +goose Up
-- A test of a session's message that a member asked for, to their own
-- address, from the organisers' space: the web side writes it, a worker
-- sends it (the web side may have no SMTP relay).
CREATE TABLE test_sends (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id   bigint NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (length(kind) <= 40),
    email        text NOT NULL CHECK (length(email) <= 254),
    requested_at timestamptz NOT NULL DEFAULT now(),
    claimed_at   timestamptz,
    sent_at      timestamptz
);
CREATE INDEX test_sends_unclaimed_idx ON test_sends (id) WHERE claimed_at IS NULL;
CREATE INDEX test_sends_email_idx ON test_sends (email, requested_at);

-- +goose Down
DROP TABLE test_sends;
