-- +goose Up
-- A session may have a number of places. The people who hold one are its
-- confirmed sign-ups and those offered a freed place; the others wait, in
-- the order they came (waitlisted_at).
ALTER TABLE sessions ADD COLUMN capacity integer
    CONSTRAINT sessions_capacity_check CHECK (capacity IS NULL OR capacity BETWEEN 1 AND 100000);

ALTER TABLE signups DROP CONSTRAINT signups_status_check,
    ADD CONSTRAINT signups_status_check CHECK (status IN ('pending', 'confirmed', 'unsubscribed', 'waitlisted', 'offered')),
    ADD COLUMN waitlisted_at timestamptz,
    ADD COLUMN offer_expires_at timestamptz,
    ADD CONSTRAINT signups_offer_check CHECK (status <> 'offered' OR offer_expires_at IS NOT NULL);
CREATE INDEX signups_waiting_idx ON signups (session_id, waitlisted_at, id) WHERE status = 'waitlisted';
CREATE INDEX signups_offers_idx ON signups (offer_expires_at) WHERE status = 'offered';

-- The capacity holds in the database, whatever the code that writes a
-- sign-up: taking a place locks the session's row (FOR NO KEY UPDATE, so
-- that it does not block, nor deadlock with, the inserts that reference
-- it), then counts the places held. Concurrent confirmations of one
-- session are thus serialised, on every replica; one beyond the capacity
-- fails (SQLSTATE RP001), which the store turns into a place on the
-- waiting list before it ever writes it.
-- +goose StatementBegin
CREATE FUNCTION rappel_check_capacity() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    cap integer;
    held integer;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status IN ('confirmed', 'offered') THEN
        RETURN NEW;
    END IF;
    SELECT capacity INTO cap FROM sessions WHERE id = NEW.session_id FOR NO KEY UPDATE;
    IF cap IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT count(*) INTO held FROM signups
    WHERE session_id = NEW.session_id AND status IN ('confirmed', 'offered') AND id <> NEW.id;
    IF held >= cap THEN
        RAISE EXCEPTION 'session % is full (% places)', NEW.session_id, cap USING ERRCODE = 'RP001';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER signups_capacity BEFORE INSERT OR UPDATE OF status ON signups
    FOR EACH ROW WHEN (NEW.status IN ('confirmed', 'offered'))
    EXECUTE FUNCTION rappel_check_capacity();

-- An offer whose message had not left when it ended.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_skip_reason_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_skip_reason_check CHECK (
    (status = 'skipped') = (skip_reason IS NOT NULL)
    AND skip_reason IN ('past_at_signup', 'session_started', 'too_late', 'superseded',
                        'session_changed', 'session_cancelled', 'rescheduled', 'unsubscribed',
                        'already_sent', 'already_confirmed', 'offer_ended'));

-- +goose Down
UPDATE deliveries SET skip_reason = 'superseded' WHERE skip_reason = 'offer_ended';
ALTER TABLE deliveries DROP CONSTRAINT deliveries_skip_reason_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_skip_reason_check CHECK (
    (status = 'skipped') = (skip_reason IS NOT NULL)
    AND skip_reason IN ('past_at_signup', 'session_started', 'too_late', 'superseded',
                        'session_changed', 'session_cancelled', 'rescheduled', 'unsubscribed',
                        'already_sent', 'already_confirmed'));
DROP TRIGGER signups_capacity ON signups;
DROP FUNCTION rappel_check_capacity();
DROP INDEX signups_offers_idx;
DROP INDEX signups_waiting_idx;
UPDATE signups SET status = 'unsubscribed', unsubscribed_at = now() WHERE status IN ('waitlisted', 'offered');
ALTER TABLE signups DROP CONSTRAINT signups_offer_check, DROP COLUMN offer_expires_at, DROP COLUMN waitlisted_at,
    DROP CONSTRAINT signups_status_check,
    ADD CONSTRAINT signups_status_check CHECK (status IN ('pending', 'confirmed', 'unsubscribed'));
ALTER TABLE sessions DROP COLUMN capacity;
