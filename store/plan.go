package store

import (
	"context"
	"fmt"
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// reminderKindPattern matches the kinds of reminder deliveries, as opposed
// to notices (confirmation, cancellation, reschedule).
const reminderKindPattern = kind.ReminderPattern

// SessionSchedule is what the planner needs of a session.
type SessionSchedule struct {
	ID              int64     `db:"id"`
	StartsAt        time.Time `db:"starts_at"`
	ScheduleVersion int       `db:"schedule_version"`
	Open            bool      `db:"open"`
	// Timezone is the session's own zone, "" for the configured one.
	Timezone string `db:"timezone"`
	// Reminders are the session's own, "" for the configured ones.
	Reminders string `db:"reminders"`
}

// PlannedReminder is one reminder of one session at one schedule version,
// to be created for each confirmed sign-up of the session.
type PlannedReminder struct {
	SessionID       int64
	ScheduleVersion int
	Kind            kind.Message
	DueAt           time.Time
	// Offset is how long before the start the reminder falls due (a day
	// counting 24 hours): a reminder of the same kind already sent for an
	// earlier schedule less than Offset away is not sent again.
	Offset time.Duration
}

// PlanFunc computes the reminders of the sessions given; it runs inside the
// planning transaction, so it must not block.
type PlanFunc func(sessions []SessionSchedule) []PlannedReminder

// PlanDeliveries creates the deliveries of every sign-up marked for
// planning, for at most limit sessions, in one transaction and two
// set-based statements. The session rows are locked shared, so that a
// change of schedule waits for the plan to commit and then marks the
// sign-ups again. Recorded as skipped are a reminder already due when the
// sign-up was confirmed or the session moved (its details were just given),
// and one already sent for an earlier schedule that the move did not shift
// by its own offset or more (a J-1 sent for 17 h is not sent again for
// 18 h the same day; it is for a session moved to next week). It returns
// the number of sessions handled; fewer than limit means nothing is left.
func (s *Store) PlanDeliveries(ctx context.Context, limit int, plan PlanFunc) (int, error) {
	return s.PlanDeliveriesPart(ctx, limit, 0, 1, plan)
}

// PlanDeliveriesPart is PlanDeliveries for the sessions whose id is part
// modulo parts only, so that several transactions can plan at once, each
// on a core of the database, without waiting for each other.
func (s *Store) PlanDeliveriesPart(ctx context.Context, limit, part, parts int, plan PlanFunc) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var sessions []SessionSchedule
		err := tx.SelectContext(ctx, &sessions, `
			SELECT id, starts_at, schedule_version, status = 'scheduled' AND starts_at > now() AS open, timezone, reminders
			FROM sessions
			WHERE id IN (SELECT DISTINCT session_id FROM signups
			             WHERE needs_plan AND session_id % $2 = $3 LIMIT $1)
			ORDER BY id
			FOR SHARE`, limit, parts, part)
		if err != nil {
			return fmt.Errorf("read sessions to plan: %w", err)
		}
		n = len(sessions)
		if n == 0 {
			return nil
		}
		return insertPlanned(ctx, tx, sessions, plan(sessions))
	})
	if err != nil {
		return 0, fmt.Errorf("plan deliveries: %w", err)
	}
	return n, nil
}

func insertPlanned(ctx context.Context, tx *sqlx.Tx, sessions []SessionSchedule, planned []PlannedReminder) error {
	ids := make([]int64, len(sessions))
	for i, s := range sessions {
		ids[i] = s.ID
	}
	var (
		pSession = make([]int64, len(planned))
		pVersion = make([]int64, len(planned))
		pKind    = make([]string, len(planned))
		pDue     = make([]string, len(planned))
		pOffset  = make([]float64, len(planned))
	)
	for i, p := range planned {
		pSession[i], pVersion[i], pKind[i] = p.SessionID, int64(p.ScheduleVersion), string(p.Kind)
		pDue[i], pOffset[i] = p.DueAt.UTC().Format(time.RFC3339Nano), p.Offset.Seconds()
	}
	_, err := tx.ExecContext(ctx, `
		WITH marked AS (
			UPDATE signups SET needs_plan = false
			WHERE needs_plan AND session_id = ANY($1::bigint[])
			RETURNING id, session_id, status, confirmed_at
		),
		plan AS (
			SELECT * FROM unnest($2::bigint[], $3::int[], $4::text[], $5::text[]::timestamptz[], $6::float8[])
				AS p(session_id, schedule_version, kind, due_at, offset_secs)
		),
		-- Materialized so that the reason is decided once per row, and
		-- with no look at earlier sends for a first schedule: the table
		-- being filled may still look empty to the planner, which would
		-- then scan it for every row.
		decided AS MATERIALIZED (
			SELECT m.id AS signup_id, p.session_id, p.kind, p.schedule_version, p.due_at,
				CASE
					WHEN p.due_at <= greatest(m.confirmed_at, s.schedule_changed_at) THEN 'past_at_signup'
					WHEN p.schedule_version = 1 THEN NULL
					WHEN EXISTS (
						SELECT 1 FROM deliveries o
						WHERE o.signup_id = m.id AND o.kind = p.kind AND o.kind <> 'confirmation'
						  AND o.status = 'sent'
						  AND o.schedule_version < p.schedule_version
						  AND abs(extract(epoch FROM p.due_at - o.due_at)) < p.offset_secs
					) THEN 'already_sent'
				END AS reason
			FROM marked m
			JOIN plan p ON p.session_id = m.session_id
			JOIN sessions s ON s.id = p.session_id AND s.schedule_version = p.schedule_version
			WHERE m.status = 'confirmed'
		)
		INSERT INTO deliveries (signup_id, session_id, kind, schedule_version, due_at, next_attempt_at,
		                        status, skip_reason, decided_at)
		SELECT signup_id, session_id, kind, schedule_version, due_at, due_at,
			CASE WHEN reason IS NULL THEN 'pending' ELSE 'skipped' END,
			reason,
			CASE WHEN reason IS NOT NULL THEN now() END
		FROM decided
		ON CONFLICT (signup_id, kind, schedule_version) WHERE kind <> 'confirmation' DO NOTHING`,
		pq.Array(ids), pq.Array(pSession), pq.Array(pVersion), pq.Array(pKind), pq.Array(pDue), pq.Array(pOffset))
	if err != nil {
		return fmt.Errorf("insert planned deliveries: %w", interpretError(err))
	}
	return nil
}
