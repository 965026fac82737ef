-- +goose Up
-- Every attempt of a delivery and its outcome, so that an organiser can see
-- what happened to each message, not only its final state.
CREATE TABLE delivery_attempts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id  bigint NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    attempted_at timestamptz NOT NULL,
    outcome      text NOT NULL
        CONSTRAINT delivery_attempts_outcome_check
        CHECK (outcome IN ('accepted', 'deferred', 'rejected', 'unreachable')),
    smtp_code    integer,
    error        text
);

CREATE INDEX delivery_attempts_delivery_idx ON delivery_attempts (delivery_id, attempted_at);

-- When a delivery reached its final state, on the database's clock: the
-- lateness of a reminder skipped as too late is kept this way.
ALTER TABLE deliveries ADD COLUMN decided_at timestamptz;

-- A reschedule notice shows the time the recipient knew before.
ALTER TABLE deliveries ADD COLUMN previous_starts_at timestamptz;
ALTER TABLE deliveries ADD COLUMN previous_ends_at timestamptz;

-- A reminder already sent for an earlier schedule that the move does not
-- make worth sending again.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_skip_reason_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_skip_reason_check CHECK (
    (status = 'skipped') = (skip_reason IS NOT NULL)
    AND skip_reason IN ('past_at_signup', 'session_started', 'too_late', 'superseded',
                        'session_changed', 'session_cancelled', 'rescheduled', 'unsubscribed',
                        'already_sent'));

-- Renewing the lease of a claim in flight.
CREATE INDEX deliveries_claim_token_idx ON deliveries (claim_token) WHERE claim_token IS NOT NULL;

-- +goose Down
DROP INDEX deliveries_claim_token_idx;
ALTER TABLE deliveries DROP CONSTRAINT deliveries_skip_reason_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_skip_reason_check CHECK (
    (status = 'skipped') = (skip_reason IS NOT NULL)
    AND skip_reason IN ('past_at_signup', 'session_started', 'too_late', 'superseded',
                        'session_changed', 'session_cancelled', 'rescheduled', 'unsubscribed'));
ALTER TABLE deliveries DROP COLUMN previous_ends_at;
ALTER TABLE deliveries DROP COLUMN previous_starts_at;
ALTER TABLE deliveries DROP COLUMN decided_at;
DROP TABLE delivery_attempts;
