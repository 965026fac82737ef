package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/dinum/rappel/kind"
)

// TestSend is a test of a session's message to send to a member.
type TestSend struct {
	ID        int64        `db:"id"`
	SessionID int64        `db:"session_id"`
	Kind      kind.Message `db:"kind"`
	Email     string       `db:"email"`
}

// ErrTooManyTests: the member asked for their share of tests this hour.
var ErrTooManyTests = errors.New("too many test sends")

// RequestTestSend asks a worker to send the session's message of kind k to
// the member's address; at most perHour an hour for an address.
func (s *Store) RequestTestSend(ctx context.Context, sessionID int64, k kind.Message, email string, perHour int) error {
	res, err := s.db.ExecContext(ctx, `
		INSERT INTO test_sends (session_id, kind, email)
		SELECT $1, $2, $3 WHERE (SELECT count(*) FROM test_sends
		                         WHERE email = $3 AND requested_at > now() - interval '1 hour') < $4`,
		sessionID, string(k), email, perHour)
	if err != nil {
		return fmt.Errorf("request test send: %w", interpretError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrTooManyTests
	}
	_, _ = s.db.ExecContext(ctx, `SELECT pg_notify('rappel_changes', 'login_requests')`)
	return nil
}

// ClaimTestSends takes the tests asked for and not yet taken. A test is
// tried once: the member sees at once whether it came, and asks again.
func (s *Store) ClaimTestSends(ctx context.Context) ([]TestSend, error) {
	var out []TestSend
	err := s.db.SelectContext(ctx, &out, `
		UPDATE test_sends SET claimed_at = now()
		WHERE id IN (SELECT id FROM test_sends WHERE claimed_at IS NULL ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED)
		RETURNING id, session_id, kind, email`)
	if err != nil {
		return nil, fmt.Errorf("claim test sends: %w", err)
	}
	return out, nil
}

// TestSent notes that a test left.
func (s *Store) TestSent(ctx context.Context, id int64) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE test_sends SET sent_at = now() WHERE id = $1`, id); err != nil {
		return fmt.Errorf("note test sent: %w", err)
	}
	return nil
}
