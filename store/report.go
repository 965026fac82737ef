package store

import (
	"context"
	"fmt"
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/lib/pq"
)

// DeliveryReport is one line of a session's report: who, what, when, and
// what became of it.
type DeliveryReport struct {
	ID              int64        `db:"id"`
	Email           string       `db:"email"`
	Name            string       `db:"name"`
	Kind            kind.Message `db:"kind"`
	ScheduleVersion int          `db:"schedule_version"`
	Status          string       `db:"status"`
	DueAt           time.Time    `db:"due_at"`
	SentAt          *time.Time   `db:"sent_at"`
	Attempts        int          `db:"attempts"`
	SkipReason      *string      `db:"skip_reason"`
	LastError       *string      `db:"last_error"`
	DecidedAt       *time.Time   `db:"decided_at"`
	// Attempts is the history of the attempts, oldest first.
	History []AttemptReport `db:"-"`
}

// AttemptReport is one attempt to send a delivery.
type AttemptReport struct {
	DeliveryID int64     `db:"delivery_id"`
	At         time.Time `db:"attempted_at"`
	Outcome    string    `db:"outcome"`
	SMTPCode   *int      `db:"smtp_code"`
	Error      *string   `db:"error"`
}

// SessionDeliveries lists every delivery of a session with its attempts, by
// address then due time.
func (s *Store) SessionDeliveries(ctx context.Context, sessionID int64) ([]DeliveryReport, error) {
	var out []DeliveryReport
	err := s.db.SelectContext(ctx, &out, `
		SELECT
			d.id,
			sub.email,
			`+signupName+` AS name,
			d.kind,
			d.schedule_version,
			d.status,
			d.due_at,
			d.sent_at,
			d.attempts,
			d.skip_reason,
			d.last_error,
			d.decided_at
		FROM deliveries d
		JOIN signups g ON g.id = d.signup_id
		JOIN subscribers sub ON sub.id = g.subscriber_id
		WHERE d.session_id = $1
		ORDER BY sub.email, d.due_at, d.id`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("list deliveries of session %d: %w", sessionID, err)
	}
	var attempts []AttemptReport
	err = s.db.SelectContext(ctx, &attempts, `
		SELECT
			a.delivery_id,
			a.attempted_at,
			a.outcome,
			a.smtp_code,
			a.error
		FROM delivery_attempts a
		JOIN deliveries d ON d.id = a.delivery_id
		WHERE d.session_id = $1
		ORDER BY a.delivery_id, a.attempted_at, a.id`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("list attempts of session %d: %w", sessionID, err)
	}
	byID := make(map[int64]int, len(out))
	for i, r := range out {
		byID[r.ID] = i
	}
	for _, a := range attempts {
		if i, ok := byID[a.DeliveryID]; ok {
			out[i].History = append(out[i].History, a)
		}
	}
	// The acceptance ends the history: it is kept as sent_at.
	for i, r := range out {
		if r.SentAt != nil {
			out[i].History = append(out[i].History, AttemptReport{DeliveryID: r.ID, At: *r.SentAt, Outcome: AttemptAccepted})
		}
	}
	return out, nil
}

// FailedAddresses returns, among emails, those a delivery failed for good
// (in any session), with the last reason.
func (s *Store) FailedAddresses(ctx context.Context, emails []string) (map[string]string, error) {
	rows, err := s.db.QueryxContext(ctx, `
		SELECT DISTINCT ON (sub.email) sub.email, coalesce(d.last_error, '')
		FROM deliveries d
		JOIN signups g ON g.id = d.signup_id
		JOIN subscribers sub ON sub.id = g.subscriber_id
		WHERE sub.email = ANY($1) AND d.status = 'failed'
		ORDER BY sub.email, d.decided_at DESC NULLS LAST`, pq.Array(emails))
	if err != nil {
		return nil, fmt.Errorf("find failed addresses: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var email, reason string
		if err := rows.Scan(&email, &reason); err != nil {
			return nil, fmt.Errorf("find failed addresses: %w", err)
		}
		out[email] = reason
	}
	return out, rows.Err()
}

// DeliveryCounts counts the deliveries waiting and those failed for good,
// for the metrics.
func (s *Store) DeliveryCounts(ctx context.Context) (pending, failed int64, err error) {
	var row struct {
		Pending int64 `db:"pending"`
		Failed  int64 `db:"failed"`
	}
	err = s.db.GetContext(ctx, &row, `
		SELECT
			(SELECT count(*) FROM deliveries WHERE status = 'pending') AS pending,
			(SELECT count(*) FROM deliveries WHERE status = 'failed') AS failed`)
	if err != nil {
		return 0, 0, fmt.Errorf("count deliveries: %w", err)
	}
	return row.Pending, row.Failed, nil
}
