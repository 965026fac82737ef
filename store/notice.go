package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// insertCancellationNotices plans a cancellation notice, due now, for every
// confirmed sign-up of a session that has not started.
func insertCancellationNotices(ctx context.Context, tx *sqlx.Tx, s Session) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO deliveries (signup_id, session_id, kind, schedule_version, due_at, next_attempt_at)
		SELECT g.id, g.session_id, 'cancellation', $2, now(), now()
		FROM signups g
		WHERE g.session_id = $1 AND g.status IN ('confirmed', 'waitlisted', 'offered') AND $3::timestamptz > now()
		ON CONFLICT (signup_id, kind, schedule_version) WHERE kind <> 'confirmation' DO NOTHING`,
		s.ID, s.ScheduleVersion, s.StartsAt)
	if err != nil {
		return fmt.Errorf("plan cancellation notices: %w", err)
	}
	return nil
}

// insertRescheduleNotices plans a reschedule notice, due now, for every
// confirmed sign-up of a session moved to a time still to come. The notice
// shows the time the recipient knew: the previous one, or, when an earlier
// notice has not left yet (it is about to be dropped), that notice's.
func insertRescheduleNotices(ctx context.Context, tx *sqlx.Tx, prev, next Session) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO deliveries (signup_id, session_id, kind, schedule_version, due_at, next_attempt_at,
		                        previous_starts_at, previous_ends_at)
		SELECT g.id, g.session_id, 'reschedule', $2, now(), now(),
			coalesce(o.previous_starts_at, $4), CASE WHEN o.id IS NULL THEN $5 ELSE o.previous_ends_at END
		FROM signups g
		LEFT JOIN deliveries o ON o.signup_id = g.id AND o.kind = 'reschedule' AND o.status = 'pending'
		WHERE g.session_id = $1 AND g.status = 'confirmed' AND $3::timestamptz > now()
		ON CONFLICT (signup_id, kind, schedule_version) WHERE kind <> 'confirmation' DO NOTHING`,
		next.ID, next.ScheduleVersion, next.StartsAt, prev.StartsAt, prev.EndsAt)
	if err != nil {
		return fmt.Errorf("plan reschedule notices: %w", err)
	}
	return nil
}
