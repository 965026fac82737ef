-- +goose Up
-- A session holds separately what organisers know: the link where one
-- joins online (join_url, the former url: only it makes a session online
-- and is ever called « Rejoindre »), the event's page (page_url: the
-- programme, or where people register elsewhere), whom to write to
-- (contact, "Nom <adresse>"; else the organiser's), and its time zone
-- (timezone; '' is RAPPEL_TIMEZONE).
ALTER TABLE sessions RENAME COLUMN url TO join_url;
ALTER TABLE sessions RENAME CONSTRAINT sessions_url_check TO sessions_join_url_check;
ALTER TABLE sessions
    ADD COLUMN page_url text NOT NULL DEFAULT ''
        CONSTRAINT sessions_page_url_check CHECK (page_url = '' OR page_url ~ '^https?://[^\s]+$'),
    ADD COLUMN contact text NOT NULL DEFAULT ''
        CONSTRAINT sessions_contact_check CHECK (length(contact) <= 320 AND contact !~ '[\x01-\x1f\x7f]'),
    ADD COLUMN timezone text NOT NULL DEFAULT ''
        CONSTRAINT sessions_timezone_check CHECK (length(timezone) <= 64);
-- The importers kept in url the link a programme gives for registering,
-- never a way to join: those move to the event's page. A url given by
-- hand (command line, API) stays the join link.
UPDATE sessions SET page_url = join_url, join_url = ''
WHERE agenda_source IS NOT NULL AND join_url <> '';

ALTER TABLE organisers
    ADD COLUMN contact text NOT NULL DEFAULT ''
        CONSTRAINT organisers_contact_check CHECK (length(contact) <= 320 AND contact !~ '[\x01-\x1f\x7f]');

-- +goose Down
ALTER TABLE organisers DROP COLUMN contact;
UPDATE sessions SET join_url = page_url WHERE join_url = '' AND page_url <> '';
ALTER TABLE sessions DROP COLUMN timezone, DROP COLUMN contact, DROP COLUMN page_url;
ALTER TABLE sessions RENAME CONSTRAINT sessions_join_url_check TO sessions_url_check;
ALTER TABLE sessions RENAME COLUMN join_url TO url;
