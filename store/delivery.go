package store

import (
	"context"
	"fmt"
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Delivery statuses.
const (
	DeliveryPending = "pending"
	DeliverySent    = "sent"
	DeliveryFailed  = "failed"
	DeliverySkipped = "skipped"
)

// Reasons a delivery was skipped, stored in deliveries.skip_reason.
const (
	ReasonPastAtSignup     = "past_at_signup"
	ReasonSessionStarted   = "session_started"
	ReasonTooLate          = "too_late"
	ReasonSuperseded       = "superseded"
	ReasonSessionChanged   = "session_changed"
	ReasonSessionCancelled = "session_cancelled"
	ReasonRescheduled      = "rescheduled"
	ReasonUnsubscribed     = "unsubscribed"
	ReasonAlreadySent      = "already_sent"
	ReasonAlreadyConfirmed = "already_confirmed"
	// ReasonOfferEnded: the offer of a place ended (taken, left, expired)
	// before its message could leave.
	ReasonOfferEnded = "offer_ended"
)

// NextDue returns when the next pending delivery falls due, or ok false when
// none is pending, with the database's clock at the same instant: the caller
// sleeps for the difference, whatever its own clock says.
func (s *Store) NextDue(ctx context.Context) (due, dbNow time.Time, ok bool, err error) {
	var row struct {
		Due *time.Time `db:"due"`
		Now time.Time  `db:"now"`
	}
	err = s.db.GetContext(ctx, &row, `
		SELECT min(next_attempt_at) AS due, now() AS now
		FROM deliveries
		WHERE status = 'pending'`)
	if err != nil {
		return time.Time{}, time.Time{}, false, fmt.Errorf("read next due time: %w", err)
	}
	if row.Due == nil {
		return time.Time{}, row.Now, false, nil
	}
	return *row.Due, row.Now, true, nil
}

// ClaimParams describes one claim of due work.
type ClaimParams struct {
	Limit int
	// Lease is how long the claim protects the deliveries from other
	// replicas; past it, they are due again.
	Lease time.Duration
	// Token identifies this claim: only writes carrying it count.
	Token string
	// Worker names the replica, for the operators.
	Worker string
}

// Claimed is a claimed delivery, before its details are read again.
type Claimed struct {
	ID        int64 `db:"id"`
	SessionID int64 `db:"session_id"`
}

// ClaimDue claims up to Limit due deliveries, oldest first, skipping those
// another replica is claiming at the same moment. Their next_attempt_at
// moves to the end of the lease, which takes them out of the due set.
func (s *Store) ClaimDue(ctx context.Context, p ClaimParams) ([]Claimed, error) {
	var out []Claimed
	// The ids are given to the UPDATE as an array: joined to the claim
	// instead, the planner may hash the whole table to find 500 rows.
	err := s.db.SelectContext(ctx, &out, `
		UPDATE deliveries d SET
			next_attempt_at = now() + make_interval(secs => $2),
			claim_token = $3,
			claimed_by = $4,
			updated_at = now()
		WHERE d.id = ANY(ARRAY(
			SELECT id
			FROM deliveries
			WHERE status = 'pending' AND next_attempt_at <= now()
			ORDER BY next_attempt_at
			LIMIT $1
			FOR UPDATE SKIP LOCKED))
		RETURNING d.id, d.session_id`,
		p.Limit, p.Lease.Seconds(), p.Token, p.Worker)
	if err != nil {
		return nil, fmt.Errorf("claim due deliveries: %w", err)
	}
	return out, nil
}

// DueDelivery is a claimed delivery with everything needed to decide and to
// build the message, read under the session's fence.
type DueDelivery struct {
	ID              int64        `db:"id"`
	SignupID        int64        `db:"signup_id"`
	SessionID       int64        `db:"session_id"`
	Kind            kind.Message `db:"kind"`
	ScheduleVersion int          `db:"schedule_version"`
	DueAt           time.Time    `db:"due_at"`
	Attempts        int          `db:"attempts"`
	Email           string       `db:"email"`
	Name            string       `db:"name"`
	SignupStatus    string       `db:"signup_status"`
	// AwaitingConfirmation is true for a confirmation request the person
	// still waits for: the sign-up is not confirmed, and the request came
	// after any "no" they said (to this session, or to everything).
	AwaitingConfirmation bool    `db:"awaiting_confirmation"`
	Session              Session `db:"session"`
	LaterDue             bool    `db:"later_due"`
	// Tried is true once any attempt was made, even one that found the
	// relay unreachable: the lateness limit of a downtime does not apply.
	Tried            bool       `db:"tried"`
	PreviousStartsAt *time.Time `db:"previous_starts_at"`
	PreviousEndsAt   *time.Time `db:"previous_ends_at"`
	DBNow            time.Time  `db:"db_now"`
	// OfferExpiresAt is when the sign-up's offer of a place ends;
	// WaitPosition its rank on the waiting list (0 off it).
	OfferExpiresAt *time.Time `db:"offer_expires_at"`
	WaitPosition   int        `db:"wait_position"`
}

// LoadClaimed reads again, after the fence is held, the deliveries of one
// claim that are still this claim's and still pending.
func (f *Fence) LoadClaimed(ctx context.Context, token string, ids []int64) ([]DueDelivery, error) {
	if err := f.connect(ctx); err != nil {
		return nil, err
	}
	var out []DueDelivery
	err := sqlx.SelectContext(ctx, f.conn, &out, `
		SELECT
			d.id,
			d.signup_id,
			d.session_id,
			d.kind,
			d.schedule_version,
			d.due_at,
			d.attempts,
			sub.email,
			`+signupName+` AS name,
			CASE WHEN sub.opted_out_at IS NOT NULL THEN 'unsubscribed' ELSE g.status END AS signup_status,
			g.status <> 'confirmed'
				AND d.created_at > coalesce(g.unsubscribed_at, '-infinity')
				AND d.created_at > coalesce(sub.opted_out_at, '-infinity') AS awaiting_confirmation,
			s.id AS "session.id",
			s.kind AS "session.kind",
			s.title AS "session.title",
			s.description AS "session.description",
			s.location AS "session.location",
			s.join_url AS "session.join_url",
			s.page_url AS "session.page_url",
			s.contact AS "session.contact",
			coalesce(o.contact, '') AS "session.organiser_contact",
			s.timezone AS "session.timezone",
			s.starts_at AS "session.starts_at",
			s.ends_at AS "session.ends_at",
			s.accessible AS "session.accessible",
			s.capacity AS "session.capacity",
			s.reminders AS "session.reminders",
			s.status AS "session.status",
			s.schedule_version AS "session.schedule_version",
			s.schedule_changed_at AS "session.schedule_changed_at",
			s.created_at AS "session.created_at",
			s.updated_at AS "session.updated_at",
			EXISTS (
				SELECT 1 FROM deliveries l
				WHERE l.signup_id = d.signup_id
				  AND l.schedule_version = d.schedule_version
				  AND l.id <> d.id
				  AND l.kind <> 'confirmation' -- the unique index's predicate
				  AND l.kind ~ '`+reminderKindPattern+`'
				  AND l.due_at > d.due_at
				  AND l.due_at <= now()
			) AS later_due,
			-- Every attempt of a delivery still pending counted or left its error.
			d.attempts > 0 OR d.last_error IS NOT NULL AS tried,
			d.previous_starts_at,
			d.previous_ends_at,
			now() AS db_now,
			g.offer_expires_at,
			CASE WHEN g.status = 'waitlisted' THEN (
				SELECT count(*) FROM signups w WHERE w.session_id = g.session_id AND w.status = 'waitlisted'
				  AND (w.waitlisted_at, w.id) <= (g.waitlisted_at, g.id)) ELSE 0 END AS wait_position
		FROM deliveries d
		JOIN signups g ON g.id = d.signup_id
		JOIN subscribers sub ON sub.id = g.subscriber_id
		JOIN sessions s ON s.id = d.session_id
		LEFT JOIN organisers o ON o.id = s.organiser_id
		WHERE d.id = ANY($1) AND d.claim_token = $2 AND d.status = 'pending'
		ORDER BY d.id`, pq.Array(ids), token)
	if err != nil {
		f.drop()
		return nil, fmt.Errorf("read claimed deliveries: %w", err)
	}
	return out, nil
}

// Attempt outcomes, kept in delivery_attempts but for an acceptance, which is
// the delivery's sent_at.
const (
	AttemptAccepted    = "accepted"
	AttemptDeferred    = "deferred"
	AttemptRejected    = "rejected"
	AttemptUnreachable = "unreachable"
)

// Outcome is what became of one claimed delivery.
type Outcome struct {
	ID    int64
	Token string
	// Status is sent, failed, skipped, or pending for a retry at RetryAt.
	Status     string
	SkipReason string
	Error      string
	// At is when it happened (the SMTP server accepted the message, or the
	// decision was taken), on the database's clock.
	At      time.Time
	RetryAt time.Time
	// Attempt, when set, is the outcome of an attempt to send, kept in the
	// history; a deferred or rejected attempt counts against the retries.
	Attempt  string
	SMTPCode int
}

// RecordOutcomes writes a batch of outcomes, and the attempts they record,
// in one statement. An acceptance is the delivery's sent_at, not a row of
// delivery_attempts, which keeps the attempts that failed: a row more for
// every message sent would double the writes of the busiest statement. Only rows still held by the same claim are written: a
// replica whose lease was taken over writes nothing. It returns how many
// deliveries matched.
func (s *Store) RecordOutcomes(ctx context.Context, outcomes []Outcome) (int64, error) {
	if len(outcomes) == 0 {
		return 0, nil
	}
	n := len(outcomes)
	ids, tokens, statuses := make([]int64, n), make([]string, n), make([]string, n)
	reasons, errs, ats, retries := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	attempts, codes := make([]string, n), make([]int64, n)
	for i, o := range outcomes {
		ids[i], tokens[i], statuses[i], reasons[i], errs[i] = o.ID, o.Token, o.Status, o.SkipReason, o.Error
		ats[i], retries[i], attempts[i], codes[i] = formatTime(o.At), formatTime(o.RetryAt), o.Attempt, int64(o.SMTPCode)
	}
	var matched int64
	err := s.db.GetContext(ctx, &matched, `
		WITH o AS (
			SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
			                     $6::text[], $7::text[], $8::text[], $9::int[])
				AS o(id, token, status, skip_reason, error, at, retry_at, attempt, smtp_code)
		),
		written AS (
			UPDATE deliveries d SET
				status = o.status,
				sent_at = CASE WHEN o.status = 'sent' THEN nullif(o.at, '')::timestamptz END,
				skip_reason = nullif(o.skip_reason, ''),
				last_error = coalesce(nullif(o.error, ''), d.last_error),
				attempts = d.attempts + CASE WHEN o.attempt IN ('deferred', 'rejected', 'accepted') THEN 1 ELSE 0 END,
				next_attempt_at = CASE WHEN o.status = 'pending' THEN nullif(o.retry_at, '')::timestamptz
				                       ELSE d.next_attempt_at END,
				decided_at = CASE WHEN o.status <> 'pending' THEN coalesce(nullif(o.at, '')::timestamptz, now()) END,
				claim_token = NULL,
				updated_at = now()
			FROM o
			-- The ids again as an array: the rows are then found by their
			-- key, a nested index scan whatever the size of the table and of
			-- the claim. Joined on the unnest alone, the planner may scan
			-- every row of a big claim for a flush of a few dozen.
			WHERE d.id = ANY($1::bigint[]) AND d.id = o.id AND d.claim_token = o.token::uuid
			RETURNING d.id
		),
		history AS (
			INSERT INTO delivery_attempts (delivery_id, attempted_at, outcome, smtp_code, error)
			SELECT o.id, coalesce(nullif(o.at, '')::timestamptz, now()), o.attempt,
				nullif(o.smtp_code, 0), nullif(o.error, '')
			FROM o JOIN written w ON w.id = o.id
			WHERE o.attempt NOT IN ('', 'accepted')
		)
		SELECT count(*) FROM written`,
		pq.Array(ids), pq.Array(tokens), pq.Array(statuses), pq.Array(reasons), pq.Array(errs),
		pq.Array(ats), pq.Array(retries), pq.Array(attempts), pq.Array(codes))
	if err != nil {
		return 0, fmt.Errorf("record delivery outcomes: %w", interpretError(err))
	}
	return matched, nil
}

// RenewClaims extends the lease of the claims still in flight, so that a
// replica that is slow but alive keeps its work. ids are the deliveries of
// those claims: the rows are found by their key, those no longer pending or
// no longer held by one of the claims are left alone.
func (s *Store) RenewClaims(ctx context.Context, tokens []string, ids []int64, lease time.Duration) error {
	if len(tokens) == 0 || len(ids) == 0 {
		return nil
	}
	_, err := s.db.ExecContext(ctx, `
		UPDATE deliveries SET next_attempt_at = now() + make_interval(secs => $3)
		WHERE id = ANY($1) AND claim_token = ANY($2::uuid[]) AND status = 'pending'`,
		pq.Array(ids), pq.Array(tokens), lease.Seconds())
	if err != nil {
		return fmt.Errorf("renew claims: %w", err)
	}
	return nil
}

// ReleaseClaim gives back claimed deliveries that were not attempted (on a
// graceful stop, or while the relay is unreachable), so that any replica
// can send them after the delay given.
func (s *Store) ReleaseClaim(ctx context.Context, token string, ids []int64, after time.Duration) error {
	_, err := s.db.ExecContext(ctx, `
		UPDATE deliveries SET
			next_attempt_at = greatest(due_at, now() + make_interval(secs => $3)),
			claim_token = NULL,
			updated_at = now()
		WHERE id = ANY($1) AND claim_token = $2 AND status = 'pending'`, pq.Array(ids), token, after.Seconds())
	if err != nil {
		return fmt.Errorf("release claimed deliveries: %w", err)
	}
	return nil
}

// formatTime writes an instant for a text[] cast to timestamptz; the zero
// time becomes NULL.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
