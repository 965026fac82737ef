-- +goose Up
-- Sessions are the events agents sign up for. schedule_version grows each
-- time the start moves, so that a reminder planned for the old time and one
-- planned for the new time are two different deliveries.
CREATE TABLE sessions (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind                text NOT NULL
        CONSTRAINT sessions_kind_check
        CHECK (kind IN ('atelier', 'webinaire', 'formation', 'table-ronde', 'portes-ouvertes')),
    title               text NOT NULL
        CONSTRAINT sessions_title_check CHECK (btrim(title) <> '' AND length(title) <= 300),
    description         text NOT NULL DEFAULT ''
        CONSTRAINT sessions_description_check CHECK (length(description) <= 20000),
    location            text NOT NULL DEFAULT ''
        CONSTRAINT sessions_location_check CHECK (length(location) <= 1000),
    url                 text NOT NULL DEFAULT ''
        CONSTRAINT sessions_url_check CHECK (url = '' OR url ~ '^https?://[^\s]+$'),
    starts_at           timestamptz NOT NULL,
    ends_at             timestamptz
        CONSTRAINT sessions_ends_at_check CHECK (ends_at > starts_at),
    status              text NOT NULL DEFAULT 'scheduled'
        CONSTRAINT sessions_status_check CHECK (status IN ('scheduled', 'cancelled')),
    schedule_version    integer NOT NULL DEFAULT 1,
    schedule_changed_at timestamptz NOT NULL DEFAULT now(),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sessions_starts_at_idx ON sessions (starts_at);

-- One row per address, always lower-cased.
CREATE TABLE subscribers (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text NOT NULL
        CONSTRAINT subscribers_email_check
        CHECK (email = lower(email) AND email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' AND length(email) <= 254),
    name       text NOT NULL DEFAULT ''
        CONSTRAINT subscribers_name_check CHECK (length(name) <= 200),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT subscribers_email_key UNIQUE (email)
);

-- A sign-up of one subscriber to one session. needs_plan marks the sign-ups
-- whose deliveries the scheduler must (re)plan: set on confirmation and when
-- the session moves, cleared by the planner.
CREATE TABLE signups (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id      bigint NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    subscriber_id   bigint NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    status          text NOT NULL
        CONSTRAINT signups_status_check CHECK (status IN ('pending', 'confirmed', 'unsubscribed')),
    source          text NOT NULL
        CONSTRAINT signups_source_check CHECK (source IN ('cli', 'import', 'web', 'api')),
    confirmed_at    timestamptz
        CONSTRAINT signups_confirmed_at_check CHECK (status <> 'confirmed' OR confirmed_at IS NOT NULL),
    unsubscribed_at timestamptz
        CONSTRAINT signups_unsubscribed_at_check CHECK (status <> 'unsubscribed' OR unsubscribed_at IS NOT NULL),
    needs_plan      boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT signups_session_subscriber_key UNIQUE (session_id, subscriber_id)
);

CREATE INDEX signups_subscriber_idx ON signups (subscriber_id);
CREATE INDEX signups_needs_plan_idx ON signups (session_id) WHERE needs_plan;

-- Deliveries are the single record of what must be and was sent. The unique
-- key makes a second send of the same message for the same schedule of the
-- session impossible. A claimed delivery stays 'pending' with its
-- next_attempt_at moved to the end of the lease and a claim_token: another
-- replica can take it over only once the lease has expired, and the first
-- replica's late writes then match nothing.
CREATE TABLE deliveries (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    signup_id        bigint NOT NULL REFERENCES signups (id) ON DELETE CASCADE,
    session_id       bigint NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    kind             text NOT NULL
        CONSTRAINT deliveries_kind_check
        CHECK (kind ~ '^(j1|h1|reminder-[0-9]+[dhm]|confirmation|cancellation|reschedule)$'),
    schedule_version integer NOT NULL,
    due_at           timestamptz NOT NULL,
    status           text NOT NULL DEFAULT 'pending'
        CONSTRAINT deliveries_status_check CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    next_attempt_at  timestamptz NOT NULL,
    attempts         integer NOT NULL DEFAULT 0,
    claim_token      uuid,
    claimed_by       text,
    sent_at          timestamptz
        CONSTRAINT deliveries_sent_at_check CHECK (status <> 'sent' OR sent_at IS NOT NULL),
    skip_reason      text
        CONSTRAINT deliveries_skip_reason_check CHECK (
            (status = 'skipped') = (skip_reason IS NOT NULL)
            AND skip_reason IN ('past_at_signup', 'session_started', 'too_late', 'superseded',
                                'session_changed', 'session_cancelled', 'rescheduled', 'unsubscribed')),
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT deliveries_signup_kind_version_key UNIQUE (signup_id, kind, schedule_version)
);

CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_session_idx ON deliveries (session_id, status);

-- Every change that can create or move work wakes the workers at once.
-- Statement-level triggers with transition tables send one notification per
-- statement, and none for statements that change nothing of interest (the
-- planner's own updates), so that a notification never feeds itself.
-- +goose StatementBegin
CREATE FUNCTION rappel_notify_sessions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM changed) THEN
        PERFORM pg_notify('rappel_changes', 'sessions');
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION rappel_notify_signups() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM changed WHERE needs_plan) THEN
        PERFORM pg_notify('rappel_changes', 'signups');
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION rappel_notify_deliveries() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM changed WHERE status = 'pending') THEN
        PERFORM pg_notify('rappel_changes', 'deliveries');
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER sessions_notify_insert AFTER INSERT ON sessions
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rappel_notify_sessions();
CREATE TRIGGER sessions_notify_update AFTER UPDATE ON sessions
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rappel_notify_sessions();
CREATE TRIGGER signups_notify_insert AFTER INSERT ON signups
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rappel_notify_signups();
CREATE TRIGGER signups_notify_update AFTER UPDATE ON signups
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rappel_notify_signups();
CREATE TRIGGER deliveries_notify_insert AFTER INSERT ON deliveries
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rappel_notify_deliveries();

-- +goose Down
DROP TABLE deliveries;
DROP TABLE signups;
DROP TABLE subscribers;
DROP TABLE sessions;
DROP FUNCTION rappel_notify_sessions();
DROP FUNCTION rappel_notify_signups();
DROP FUNCTION rappel_notify_deliveries();
