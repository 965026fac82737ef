package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/lib/pq"
)

// SessionOverview is a session with what an organiser checks first: its
// sign-ups, what was sent and failed, and what leaves next.
type SessionOverview struct {
	Session
	Confirmed int `db:"confirmed"`
	Pending   int `db:"pending"`
	// Waiting are on the waiting list; Offered were offered a freed place.
	Waiting int `db:"waiting"`
	Offered int `db:"offered"`
	Sent    int `db:"sent"`
	Failed  int `db:"failed"`
	// NextDue and NextKind are the next message planned, if any.
	NextDue  *time.Time    `db:"next_due"`
	NextKind *kind.Message `db:"next_kind"`
	// NextCount is how many messages leave at NextDue.
	NextCount int `db:"next_count"`
}

const overviewColumns = `,
	(SELECT count(*) FROM signups g WHERE g.session_id = sessions.id AND g.status = 'confirmed') AS confirmed,
	(SELECT count(*) FROM signups g WHERE g.session_id = sessions.id AND g.status = 'pending') AS pending,
	(SELECT count(*) FROM signups g WHERE g.session_id = sessions.id AND g.status = 'waitlisted') AS waiting,
	(SELECT count(*) FROM signups g WHERE g.session_id = sessions.id AND g.status = 'offered') AS offered,
	(SELECT count(*) FROM deliveries d WHERE d.session_id = sessions.id AND d.status = 'sent') AS sent,
	(SELECT count(*) FROM deliveries d WHERE d.session_id = sessions.id AND d.status = 'failed') AS failed,
	next.next_due, next.next_kind, coalesce(next.next_n, 0) AS next_count`

const overviewNext = `
	LEFT JOIN LATERAL (
		SELECT d.due_at AS next_due, d.kind AS next_kind, count(*) AS next_n FROM deliveries d
		WHERE d.session_id = sessions.id AND d.status = 'pending'
		  AND d.due_at = (SELECT min(due_at) FROM deliveries x WHERE x.session_id = sessions.id AND x.status = 'pending')
		GROUP BY d.due_at, d.kind ORDER BY count(*) DESC LIMIT 1
	) next ON true`

// Overviews lists the sessions not over yet of an organiser, or of all
// (organiserID nil), by start time; with past, every session, the latest
// first.
func (s *Store) Overviews(ctx context.Context, organiserID *int64, past bool) ([]SessionOverview, error) {
	var out []SessionOverview
	err := s.db.SelectContext(ctx, &out, `
		SELECT`+sessionColumns+overviewColumns+`
		FROM sessions`+overviewNext+`
		WHERE ($1::bigint IS NULL OR organiser_id = $1)
		  AND ($2 OR coalesce(ends_at, starts_at) > now())
		ORDER BY CASE WHEN $2 THEN -extract(epoch FROM starts_at) ELSE extract(epoch FROM starts_at) END, id
		LIMIT 500`, organiserID, past)
	if err != nil {
		return nil, fmt.Errorf("list session overviews: %w", err)
	}
	return out, nil
}

// Overview is one session's.
func (s *Store) Overview(ctx context.Context, id int64) (SessionOverview, error) {
	var out SessionOverview
	err := s.db.GetContext(ctx, &out, `SELECT`+sessionColumns+overviewColumns+` FROM sessions`+overviewNext+` WHERE id = $1`, id)
	if err != nil {
		return SessionOverview{}, fmt.Errorf("read session overview %d: %w", id, interpretError(err))
	}
	return out, nil
}

// SignupQuery is a page of a session's sign-ups: those whose address
// contains Search (all if empty), by date of sign-up.
type SignupQuery struct {
	SessionID int64
	Search    string
	Limit     int
	Offset    int
}

// CountSignups says how many sign-ups of a session match the query.
func (s *Store) CountSignups(ctx context.Context, q SignupQuery) (int, error) {
	var total int
	err := s.db.GetContext(ctx, &total, `
		SELECT count(*) FROM signups g JOIN subscribers sub ON sub.id = g.subscriber_id
		WHERE g.session_id = $1 AND ($2 = '%%' OR sub.email LIKE $2)`, q.SessionID, q.pattern())
	if err != nil {
		return 0, fmt.Errorf("count sign-ups of session %d: %w", q.SessionID, err)
	}
	return total, nil
}

// SignupPage lists a page of the sign-ups that match, newest first.
func (s *Store) SignupPage(ctx context.Context, q SignupQuery) ([]Signup, error) {
	var out []Signup
	err := s.db.SelectContext(ctx, &out, `
		SELECT`+signupColumns+`
		FROM signups g JOIN subscribers sub ON sub.id = g.subscriber_id
		WHERE g.session_id = $1 AND ($2 = '%%' OR sub.email LIKE $2)
		ORDER BY g.created_at DESC, g.id DESC LIMIT $3 OFFSET $4`, q.SessionID, q.pattern(), q.Limit, q.Offset)
	if err != nil {
		return nil, fmt.Errorf("list sign-ups of session %d: %w", q.SessionID, err)
	}
	return out, nil
}

// pattern is the LIKE pattern of the search, its wildcards escaped.
func (q SignupQuery) pattern() string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(strings.TrimSpace(q.Search))) + "%"
}

// EachSignup calls fn for every sign-up of a session, by address, without
// holding them all in memory: an export of 100,000 people streams.
func (s *Store) EachSignup(ctx context.Context, sessionID int64, fn func(Signup) error) error {
	rows, err := s.db.QueryxContext(ctx, `
		SELECT`+signupColumns+`
		FROM signups g JOIN subscribers sub ON sub.id = g.subscriber_id
		WHERE g.session_id = $1 ORDER BY sub.email`, sessionID)
	if err != nil {
		return fmt.Errorf("export sign-ups of session %d: %w", sessionID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var g Signup
		if err := rows.StructScan(&g); err != nil {
			return fmt.Errorf("export sign-ups of session %d: %w", sessionID, err)
		}
		if err := fn(g); err != nil {
			return err
		}
	}
	return rows.Err()
}

// DeliveryQuery is a page of a session's deliveries report.
type DeliveryQuery struct {
	SessionID int64
	Limit     int
	Offset    int
}

// CountDeliveries says how many deliveries a session has.
func (s *Store) CountDeliveries(ctx context.Context, sessionID int64) (int, error) {
	var total int
	if err := s.db.GetContext(ctx, &total, `SELECT count(*) FROM deliveries WHERE session_id = $1`, sessionID); err != nil {
		return 0, fmt.Errorf("count deliveries of session %d: %w", sessionID, err)
	}
	return total, nil
}

// DeliveryPage lists a page of a session's deliveries, failures first,
// then by address and due time, with their attempts.
func (s *Store) DeliveryPage(ctx context.Context, q DeliveryQuery) ([]DeliveryReport, error) {
	var out []DeliveryReport
	err := s.db.SelectContext(ctx, &out, `
		SELECT d.id, sub.email, `+signupName+` AS name, d.kind, d.schedule_version, d.status, d.due_at,
			d.sent_at, d.attempts, d.skip_reason, d.last_error, d.decided_at
		FROM deliveries d
		JOIN signups g ON g.id = d.signup_id
		JOIN subscribers sub ON sub.id = g.subscriber_id
		WHERE d.session_id = $1
		ORDER BY d.status = 'failed' DESC, sub.email, d.due_at, d.id
		LIMIT $2 OFFSET $3`, q.SessionID, q.Limit, q.Offset)
	if err != nil {
		return nil, fmt.Errorf("list deliveries of session %d: %w", q.SessionID, err)
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out))
	byID := make(map[int64]int, len(out))
	for i, r := range out {
		ids[i], byID[r.ID] = r.ID, i
	}
	var attempts []AttemptReport
	err = s.db.SelectContext(ctx, &attempts, `
		SELECT delivery_id, attempted_at, outcome, smtp_code, error FROM delivery_attempts
		WHERE delivery_id = ANY($1) ORDER BY delivery_id, attempted_at, id`, pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("list attempts of session %d: %w", q.SessionID, err)
	}
	for _, a := range attempts {
		out[byID[a.DeliveryID]].History = append(out[byID[a.DeliveryID]].History, a)
	}
	for i, r := range out {
		if r.SentAt != nil {
			out[i].History = append(out[i].History, AttemptReport{DeliveryID: r.ID, At: *r.SentAt, Outcome: AttemptAccepted})
		}
	}
	return out, nil
}
