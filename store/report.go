package store

import (
	"context"
	"fmt"
	"time"
)

// DeliveryReport is one line of a session's report: who, what, when, and
// what became of it.
type DeliveryReport struct {
	ID              int64      `db:"id"`
	Email           string     `db:"email"`
	Name            string     `db:"name"`
	Kind            string     `db:"kind"`
	ScheduleVersion int        `db:"schedule_version"`
	Status          string     `db:"status"`
	DueAt           time.Time  `db:"due_at"`
	SentAt          *time.Time `db:"sent_at"`
	Attempts        int        `db:"attempts"`
	SkipReason      *string    `db:"skip_reason"`
	LastError       *string    `db:"last_error"`
}

// SessionDeliveries lists every delivery of a session, by address then due
// time.
func (s *Store) SessionDeliveries(ctx context.Context, sessionID int64) ([]DeliveryReport, error) {
	var out []DeliveryReport
	err := s.db.SelectContext(ctx, &out, `
		SELECT
			d.id,
			sub.email,
			sub.name,
			d.kind,
			d.schedule_version,
			d.status,
			d.due_at,
			d.sent_at,
			d.attempts,
			d.skip_reason,
			d.last_error
		FROM deliveries d
		JOIN signups g ON g.id = d.signup_id
		JOIN subscribers sub ON sub.id = g.subscriber_id
		WHERE d.session_id = $1
		ORDER BY sub.email, d.due_at, d.id`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("list deliveries of session %d: %w", sessionID, err)
	}
	return out, nil
}
