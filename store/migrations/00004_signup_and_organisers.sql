-- +goose Up
-- Organisers own sessions; their API tokens are stored hashed.
CREATE TABLE organisers (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL
        CONSTRAINT organisers_name_check CHECK (btrim(name) <> '' AND length(name) <= 100),
    is_admin   boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT organisers_name_key UNIQUE (name)
);

CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organiser_id bigint NOT NULL REFERENCES organisers (id) ON DELETE CASCADE,
    -- SHA-256 of the token: the token itself is shown once and never kept.
    token_hash   bytea NOT NULL,
    -- The first characters, to tell tokens apart in a listing.
    prefix       text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz,
    CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash)
);

-- Sessions created through the API belong to an organiser; those created
-- from the command line belong to none, and only administrators see them
-- through the API.
ALTER TABLE sessions ADD COLUMN organiser_id bigint REFERENCES organisers (id) ON DELETE SET NULL;
CREATE INDEX sessions_organiser_idx ON sessions (organiser_id);

-- Double opt-in: the link of the confirmation request carries a random
-- token, single-use and expiring, of which only the hash is kept.
ALTER TABLE signups ADD COLUMN confirm_token_hash bytea;
ALTER TABLE signups ADD COLUMN confirm_expires_at timestamptz;
CREATE UNIQUE INDEX signups_confirm_token_idx ON signups (confirm_token_hash) WHERE confirm_token_hash IS NOT NULL;
CREATE INDEX signups_pending_idx ON signups (created_at) WHERE status = 'pending';

-- An address that asked to receive nothing more from rappel.
ALTER TABLE subscribers ADD COLUMN opted_out_at timestamptz;

-- A sign-up may be asked for confirmation more than once (the person
-- submits the form again): the one-per-schedule rule holds for the other
-- kinds only.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_signup_kind_version_key;
CREATE UNIQUE INDEX deliveries_signup_kind_version_key
    ON deliveries (signup_id, kind, schedule_version) WHERE kind <> 'confirmation';
ALTER TABLE deliveries DROP CONSTRAINT deliveries_kind_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_kind_check
    CHECK (kind ~ '^(j1|h1|reminder-[0-9]+[dhm]|confirmation|confirmed|cancellation|reschedule)$');
CREATE INDEX deliveries_confirmation_idx ON deliveries (signup_id, created_at) WHERE kind = 'confirmation';

-- A confirmation request whose sign-up was confirmed meanwhile.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_skip_reason_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_skip_reason_check CHECK (
    (status = 'skipped') = (skip_reason IS NOT NULL)
    AND skip_reason IN ('past_at_signup', 'session_started', 'too_late', 'superseded',
                        'session_changed', 'session_cancelled', 'rescheduled', 'unsubscribed',
                        'already_sent', 'already_confirmed'));

-- +goose Down
ALTER TABLE deliveries DROP CONSTRAINT deliveries_skip_reason_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_skip_reason_check CHECK (
    (status = 'skipped') = (skip_reason IS NOT NULL)
    AND skip_reason IN ('past_at_signup', 'session_started', 'too_late', 'superseded',
                        'session_changed', 'session_cancelled', 'rescheduled', 'unsubscribed',
                        'already_sent'));
DROP INDEX deliveries_confirmation_idx;
ALTER TABLE deliveries DROP CONSTRAINT deliveries_kind_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_kind_check
    CHECK (kind ~ '^(j1|h1|reminder-[0-9]+[dhm]|confirmation|cancellation|reschedule)$');
DROP INDEX deliveries_signup_kind_version_key;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_signup_kind_version_key UNIQUE (signup_id, kind, schedule_version);
ALTER TABLE subscribers DROP COLUMN opted_out_at;
DROP INDEX signups_pending_idx;
DROP INDEX signups_confirm_token_idx;
ALTER TABLE signups DROP COLUMN confirm_expires_at;
ALTER TABLE signups DROP COLUMN confirm_token_hash;
DROP INDEX sessions_organiser_idx;
ALTER TABLE sessions DROP COLUMN organiser_id;
DROP TABLE api_tokens;
DROP TABLE organisers;
