-- +goose Up
-- An acceptance is now kept only as the delivery's sent_at: delivery_attempts
-- keeps the attempts that failed or were deferred. The rows written before
-- say nothing sent_at does not.
DELETE FROM delivery_attempts WHERE outcome = 'accepted';

-- +goose Down
INSERT INTO delivery_attempts (delivery_id, attempted_at, outcome)
SELECT id, sent_at, 'accepted' FROM deliveries WHERE status = 'sent';
