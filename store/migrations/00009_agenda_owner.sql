-- +goose Up
-- A programme belongs to whoever imported it: an organiser, or the
-- operator (no organiser: the command line and the followed feeds). Two
-- owners importing programmes of the same name get two programmes, so that
-- an organiser who imports a public feed first cannot capture the sessions
-- the operator's import creates later.
DROP INDEX sessions_agenda_key_idx;
CREATE UNIQUE INDEX sessions_agenda_key_idx ON sessions (coalesce(organiser_id, 0), agenda_source, agenda_key)
    WHERE agenda_source IS NOT NULL;

-- +goose Down
DROP INDEX sessions_agenda_key_idx;
CREATE UNIQUE INDEX sessions_agenda_key_idx ON sessions (agenda_source, agenda_key)
    WHERE agenda_source IS NOT NULL;
