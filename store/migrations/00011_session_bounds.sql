-- +goose Up
-- Texts that reach mail headers and calendar lines hold no control
-- character: titles, places and names on one line, descriptions with
-- "\n" line breaks only. Rows written before the rule are put in that form
-- first, as the application now does on the way in.
UPDATE sessions SET
    title = btrim(regexp_replace(title, '[\r\n\t]+', ' ', 'g')),
    location = btrim(regexp_replace(location, '[\r\n\t]+', ' ', 'g')),
    description = replace(replace(description, E'\r\n', E'\n'), E'\r', E'\n')
WHERE title ~ '[\r\n\t]' OR location ~ '[\r\n\t]' OR description ~ '\r';
UPDATE subscribers SET name = btrim(regexp_replace(name, '[\r\n\t]+', ' ', 'g'))
WHERE name ~ '[\r\n\t]';

ALTER TABLE sessions
    ADD CONSTRAINT sessions_title_line_check CHECK (title !~ '[\x01-\x1f\x7f-\x9f\u2028\u2029]'),
    ADD CONSTRAINT sessions_location_line_check CHECK (location !~ '[\x01-\x1f\x7f-\x9f\u2028\u2029]'),
    ADD CONSTRAINT sessions_description_text_check CHECK (description !~ '[\x01-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]');
ALTER TABLE subscribers
    ADD CONSTRAINT subscribers_name_line_check CHECK (name !~ '[\x01-\x1f\x7f-\x9f\u2028\u2029]');
ALTER TABLE signups
    ADD CONSTRAINT signups_name_line_check CHECK (name !~ '[\x01-\x1f\x7f-\x9f\u2028\u2029]'),
    ADD CONSTRAINT signups_requested_name_line_check CHECK (requested_name !~ '[\x01-\x1f\x7f-\x9f\u2028\u2029]');

-- A session lasts 31 days at most (744 hours, as the application counts
-- them) and starts between 2000 and 2199: an end years away made every message
-- about it heavy to build. A longer session written before the rule is
-- cut to that length.
UPDATE sessions SET ends_at = starts_at + interval '744 hours'
WHERE ends_at > starts_at + interval '744 hours';
ALTER TABLE sessions
    ADD CONSTRAINT sessions_length_check CHECK (ends_at <= starts_at + interval '744 hours'),
    ADD CONSTRAINT sessions_starts_at_range_check
        CHECK (starts_at >= '2000-01-01T00:00:00Z' AND starts_at < '2200-01-01T00:00:00Z');

-- +goose Down
ALTER TABLE sessions
    DROP CONSTRAINT sessions_starts_at_range_check,
    DROP CONSTRAINT sessions_length_check,
    DROP CONSTRAINT sessions_description_text_check,
    DROP CONSTRAINT sessions_location_line_check,
    DROP CONSTRAINT sessions_title_line_check;
ALTER TABLE subscribers DROP CONSTRAINT subscribers_name_line_check;
ALTER TABLE signups
    DROP CONSTRAINT signups_name_line_check,
    DROP CONSTRAINT signups_requested_name_line_check;
