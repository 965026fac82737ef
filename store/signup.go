package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Sign-up statuses.
const (
	SignupPending   = "pending"
	SignupConfirmed = "confirmed"
	// SignupWaitlisted waits for a place; SignupOffered was offered one,
	// which it holds until OfferExpiresAt.
	SignupWaitlisted   = "waitlisted"
	SignupOffered      = "offered"
	SignupUnsubscribed = "unsubscribed"
)

// Errors of sign-ups.
var (
	// ErrUnsubscribed: the address left this session itself; an organiser
	// cannot sign it up again.
	ErrUnsubscribed = errors.New("address unsubscribed from this session")
	// ErrSessionClosed: the session is cancelled or over.
	ErrSessionClosed = errors.New("session closed to sign-ups")
)

// Signup is one subscriber's registration to one session.
type Signup struct {
	ID             int64      `db:"id"`
	SessionID      int64      `db:"session_id"`
	SubscriberID   int64      `db:"subscriber_id"`
	Email          string     `db:"email"`
	Name           string     `db:"name"`
	Status         string     `db:"status"`
	Source         string     `db:"source"`
	ConfirmedAt    *time.Time `db:"confirmed_at"`
	UnsubscribedAt *time.Time `db:"unsubscribed_at"`
	CreatedAt      time.Time  `db:"created_at"`
}

// signupName is the name a sign-up's person is called by: the one they
// gave the public form and confirmed for this sign-up, else the one the
// organisers gave for the address.
const signupName = `coalesce(nullif(g.name, ''), sub.name)`

const signupColumns = `
	g.id,
	g.session_id,
	g.subscriber_id,
	sub.email,
	` + signupName + ` AS name,
	g.status,
	g.source,
	g.confirmed_at,
	g.unsubscribed_at,
	g.created_at`

// SubscribeParams is a confirmed sign-up added by an organiser.
type SubscribeParams struct {
	SessionID int64
	Email     string
	Name      string
	Source    string
}

// Subscribe signs an address up to a session, confirmed at once. It reports
// false when the address was already signed up (a pending sign-up is then
// confirmed).
func (s *Store) Subscribe(ctx context.Context, p SubscribeParams) (Signup, bool, error) {
	email, err := NormalizeEmail(p.Email)
	if err != nil {
		return Signup{}, false, err
	}
	if err := CheckName(p.Name); err != nil {
		return Signup{}, false, err
	}
	var out Signup
	var created bool
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := checkSessionOpen(ctx, tx, p.SessionID); err != nil {
			return err
		}
		subID, err := upsertSubscriber(ctx, tx, email, p.Name)
		if err != nil {
			return err
		}
		if err := checkNotOptedOut(ctx, tx, subID); err != nil {
			return err
		}
		free, err := placeFree(ctx, tx, p.SessionID)
		if err != nil {
			return err
		}
		created, err = insertSignup(ctx, tx, p.SessionID, subID, p.Source, free)
		if err != nil {
			return err
		}
		out, err = signupBySession(ctx, tx, p.SessionID, subID)
		if err != nil {
			return err
		}
		if created && !free {
			return insertNotice(ctx, tx, out.ID, "waitlisted")
		}
		return confirmExisting(ctx, tx, &out, free)
	})
	if err != nil {
		return Signup{}, false, fmt.Errorf("subscribe to session %d: %w", p.SessionID, err)
	}
	return out, created, nil
}

// checkSessionOpen locks the session row (so that it cannot be cancelled
// meanwhile, and so that its places are counted by one transaction at a
// time) and refuses cancelled and past sessions. The lock is the one the
// capacity trigger takes (FOR NO KEY UPDATE): taking a weaker one first
// and the trigger's after would let two sign-ups deadlock.
func checkSessionOpen(ctx context.Context, tx sqlx.ExtContext, id int64) error {
	var open bool
	err := sqlx.GetContext(ctx, tx, &open, `
		SELECT status = 'scheduled' AND starts_at > now()
		FROM sessions WHERE id = $1 FOR NO KEY UPDATE`, id)
	if err != nil {
		return interpretError(err)
	}
	if !open {
		return ErrSessionClosed
	}
	return nil
}

func upsertSubscriber(ctx context.Context, tx sqlx.ExtContext, email, name string) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, tx, &id, `
		INSERT INTO subscribers (email, name) VALUES ($1, $2)
		ON CONFLICT (email) DO UPDATE SET
			name = CASE WHEN subscribers.name = '' THEN EXCLUDED.name ELSE subscribers.name END
		RETURNING id`, email, name)
	if err != nil {
		return 0, fmt.Errorf("save subscriber: %w", interpretError(err))
	}
	return id, nil
}

// checkNotOptedOut refuses an address that asked to receive nothing more:
// an organiser cannot sign it up again, only the person can.
func checkNotOptedOut(ctx context.Context, tx sqlx.ExtContext, subID int64) error {
	var out bool
	if err := sqlx.GetContext(ctx, tx, &out, `SELECT opted_out_at IS NOT NULL FROM subscribers WHERE id = $1`, subID); err != nil {
		return err
	}
	if out {
		return ErrOptedOut
	}
	return nil
}

// insertSignup adds a confirmed sign-up, or one on the waiting list when
// no place is free.
func insertSignup(ctx context.Context, tx sqlx.ExtContext, sessionID, subID int64, source string, free bool) (bool, error) {
	res, err := tx.ExecContext(ctx, `
		INSERT INTO signups (session_id, subscriber_id, status, source, confirmed_at, needs_plan, waitlisted_at)
		SELECT $1, $2, CASE WHEN $4 THEN 'confirmed' ELSE 'waitlisted' END, $3,
			CASE WHEN $4 THEN now() END, $4, CASE WHEN $4 THEN NULL ELSE now() END
		ON CONFLICT (session_id, subscriber_id) DO NOTHING`, sessionID, subID, source, free)
	if err != nil {
		return false, fmt.Errorf("save sign-up: %w", interpretError(err))
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// confirmExisting confirms a pending sign-up (or, without a free place,
// puts it on the waiting list) and refuses an unsubscribed one.
func confirmExisting(ctx context.Context, tx sqlx.ExtContext, g *Signup, free bool) error {
	switch g.Status {
	case SignupUnsubscribed:
		return ErrUnsubscribed
	case SignupPending:
		if !free {
			g.Status = SignupWaitlisted
			return putOnWaitingList(ctx, tx, g.ID)
		}
		err := sqlx.GetContext(ctx, tx, &g.ConfirmedAt, `
			UPDATE signups SET status = 'confirmed', confirmed_at = now(), needs_plan = true
			WHERE id = $1 RETURNING confirmed_at`, g.ID)
		if err != nil {
			return fmt.Errorf("confirm sign-up: %w", err)
		}
		g.Status = SignupConfirmed
	}
	return nil
}

func signupBySession(ctx context.Context, q sqlx.QueryerContext, sessionID, subID int64) (Signup, error) {
	var g Signup
	err := sqlx.GetContext(ctx, q, &g, `
		SELECT`+signupColumns+`
		FROM signups g JOIN subscribers sub ON sub.id = g.subscriber_id
		WHERE g.session_id = $1 AND g.subscriber_id = $2`, sessionID, subID)
	return g, interpretError(err)
}

// SignupByID reads one sign-up with its address.
func (s *Store) SignupByID(ctx context.Context, id int64) (Signup, error) {
	g, err := signupByIDTx(ctx, s.db, id)
	if err != nil {
		return Signup{}, fmt.Errorf("read sign-up %d: %w", id, err)
	}
	return g, nil
}

// Signups lists a session's sign-ups by address.
func (s *Store) Signups(ctx context.Context, sessionID int64) ([]Signup, error) {
	var out []Signup
	err := s.db.SelectContext(ctx, &out, `
		SELECT`+signupColumns+`
		FROM signups g JOIN subscribers sub ON sub.id = g.subscriber_id
		WHERE g.session_id = $1
		ORDER BY sub.email`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("list sign-ups of session %d: %w", sessionID, err)
	}
	return out, nil
}

// Unsubscribe ends a sign-up under its session's fence: once it returns, no
// message to it is in flight and none will leave. It reports false when the
// sign-up was already unsubscribed.
func (s *Store) Unsubscribe(ctx context.Context, signupID int64) (Signup, bool, error) {
	var out Signup
	var changed bool
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var sessionID int64
		if err := tx.GetContext(ctx, &sessionID, `SELECT session_id FROM signups WHERE id = $1`, signupID); err != nil {
			return interpretError(err)
		}
		if err := lockFenceExclusive(ctx, tx, sessionID); err != nil {
			return err
		}
		var held bool
		if err := tx.GetContext(ctx, &held, `SELECT status IN ('confirmed', 'offered') FROM signups WHERE id = $1`, signupID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `
			UPDATE signups SET status = 'unsubscribed', unsubscribed_at = now(), needs_plan = false,
				confirm_token_hash = NULL, confirm_expires_at = NULL, offer_expires_at = NULL
			WHERE id = $1 AND status <> 'unsubscribed'`, signupID)
		if err != nil {
			return fmt.Errorf("unsubscribe: %w", err)
		}
		n, _ := res.RowsAffected()
		changed = n == 1

		if _, err := tx.ExecContext(ctx, `
			UPDATE deliveries SET
				status = 'skipped',
				skip_reason = 'unsubscribed',
				claim_token = NULL,
				decided_at = now(),
				updated_at = now()
			WHERE signup_id = $1 AND status = 'pending'`, signupID); err != nil {
			return fmt.Errorf("drop pending deliveries: %w", err)
		}
		if changed && held {
			// The place freed goes to the next person waiting.
			if err := s.fillPlaces(ctx, tx, sessionID); err != nil {
				return err
			}
		}
		out, err = signupByIDTx(ctx, tx, signupID)
		return err
	})
	if err != nil {
		return Signup{}, false, fmt.Errorf("unsubscribe sign-up %d: %w", signupID, err)
	}
	return out, changed, nil
}

func signupByIDTx(ctx context.Context, q sqlx.QueryerContext, id int64) (Signup, error) {
	var g Signup
	err := sqlx.GetContext(ctx, q, &g, `
		SELECT`+signupColumns+`
		FROM signups g JOIN subscribers sub ON sub.id = g.subscriber_id
		WHERE g.id = $1`, id)
	return g, interpretError(err)
}
