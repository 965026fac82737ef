-- +goose Up
-- The organisers' space: the people of each team (members, known by their
-- address), the links that sign them in, their open sessions, and the
-- journal of what they did.

-- A person belongs to one team: signing in needs no choice of team, and
-- removing the person from it ends their access at once.
CREATE TABLE organiser_members (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organiser_id bigint NOT NULL REFERENCES organisers (id) ON DELETE CASCADE,
    email        text NOT NULL
        CONSTRAINT organiser_members_email_check CHECK (email = lower(email) AND length(email) <= 254),
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT organiser_members_email_key UNIQUE (email)
);
CREATE INDEX organiser_members_organiser_idx ON organiser_members (organiser_id);

-- A request for a sign-in link, whoever asked: the web side writes one row
-- for any address (so that its answer and its time are the same for
-- members and strangers), a worker sends the link to members only and
-- forgets the others. Only the token's hash is kept.
CREATE TABLE login_requests (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text NOT NULL CHECK (length(email) <= 254),
    created_at timestamptz NOT NULL DEFAULT now(),
    token_hash bytea UNIQUE,
    expires_at timestamptz,
    sent_at    timestamptz,
    used_at    timestamptz
);
CREATE INDEX login_requests_unsent_idx ON login_requests (id) WHERE token_hash IS NULL;
CREATE INDEX login_requests_email_idx ON login_requests (email, created_at);

-- A signed-in member's session of the back-office: a row, so that every
-- replica serves it and signing out or removing the member ends it.
CREATE TABLE member_sessions (
    token_hash   bytea PRIMARY KEY,
    member_id    bigint NOT NULL REFERENCES organiser_members (id) ON DELETE CASCADE,
    csrf         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX member_sessions_member_idx ON member_sessions (member_id);

-- What a team did, and who: kept as long as the rest (RETENTION).
CREATE TABLE organiser_journal (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organiser_id bigint NOT NULL REFERENCES organisers (id) ON DELETE CASCADE,
    member_email text NOT NULL,
    action       text NOT NULL,
    session_id   bigint,
    detail       text NOT NULL DEFAULT '',
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organiser_journal_organiser_idx ON organiser_journal (organiser_id, at DESC);

-- A person an organiser adds by hand in the organisers' space.
ALTER TABLE signups DROP CONSTRAINT signups_source_check,
    ADD CONSTRAINT signups_source_check CHECK (source IN ('cli', 'import', 'web', 'api', 'backoffice'));

-- The sign-ups page of a session lists them by date and searches them by
-- address, even for 100,000 people.
CREATE INDEX signups_session_created_idx ON signups (session_id, created_at, id);

-- +goose Down
DROP INDEX signups_session_created_idx;
UPDATE signups SET source = 'cli' WHERE source = 'backoffice';
ALTER TABLE signups DROP CONSTRAINT signups_source_check,
    ADD CONSTRAINT signups_source_check CHECK (source IN ('cli', 'import', 'web', 'api'));
DROP TABLE organiser_journal;
DROP TABLE member_sessions;
DROP TABLE login_requests;
DROP TABLE organiser_members;
