-- +goose Up
-- A session imported from an organiser's programme (an agenda post, an
-- iCalendar feed) remembers which one and under which key, so that the
-- next import of the same programme updates it instead of adding a copy.
ALTER TABLE sessions
    ADD COLUMN agenda_source text
        CONSTRAINT sessions_agenda_source_check CHECK (length(agenda_source) BETWEEN 1 AND 2000),
    ADD COLUMN agenda_key text
        CONSTRAINT sessions_agenda_key_check CHECK (length(agenda_key) BETWEEN 1 AND 2000),
    ADD CONSTRAINT sessions_agenda_check CHECK ((agenda_source IS NULL) = (agenda_key IS NULL));

CREATE UNIQUE INDEX sessions_agenda_key_idx ON sessions (agenda_source, agenda_key)
    WHERE agenda_source IS NOT NULL;

-- +goose Down
DROP INDEX sessions_agenda_key_idx;
ALTER TABLE sessions DROP COLUMN agenda_source, DROP COLUMN agenda_key;
