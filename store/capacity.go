package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// The rule of offers of a freed place: an offer lasts the offer TTL
// (WAITLIST_OFFER_TTL, 24 h by default), shortened so that it ends
// OfferEndsBefore the start, when people can still arrange to come; no
// offer is made when it could last less than OfferMinWindow, i.e. in the
// last three hours before the start: the place then stays free.
const (
	OfferEndsBefore = 2 * time.Hour
	OfferMinWindow  = time.Hour
	DefaultOfferTTL = 24 * time.Hour
)

// OfferPolicy is the rule of offers: how long one lasts at most (TTL), how
// long before the start it ends at the latest (EndsBefore), and the
// shortest it may be made for (MinWindow).
type OfferPolicy struct {
	TTL, EndsBefore, MinWindow time.Duration
}

// SetOfferPolicy changes the rule of offers; zero fields keep the
// defaults. The service sets TTL only (WAITLIST_OFFER_TTL); tests shorten
// the rest.
func (s *Store) SetOfferPolicy(p OfferPolicy) { s.offers = p }

func (s *Store) offerPolicy() OfferPolicy {
	p := s.offers
	if p.TTL <= 0 {
		p.TTL = DefaultOfferTTL
	}
	if p.EndsBefore <= 0 {
		p.EndsBefore = OfferEndsBefore
	}
	if p.MinWindow <= 0 {
		p.MinWindow = OfferMinWindow
	}
	return p
}

// NoLimit is the capacity a session is created with: nil (no limit) for
// none or 0, which the command line and the API take for « no limit ».
func NoLimit(n *int) *int {
	if n == nil || *n == 0 {
		return nil
	}
	return n
}

// ErrFull: the session has no free place (the database's capacity trigger
// refused one more). The store's own paths put such a sign-up on the
// waiting list before the trigger sees it.
var ErrFull = errors.New("session full")

// placeFree locks the session's places (the row lock the capacity trigger
// takes) and says whether one more sign-up may hold one.
func placeFree(ctx context.Context, tx sqlx.ExtContext, sessionID int64) (bool, error) {
	free, err := freePlaces(ctx, tx, sessionID)
	return free == nil || *free > 0, err
}

// freePlaces locks the session's places and counts those free; nil for a
// session without capacity.
func freePlaces(ctx context.Context, tx sqlx.ExtContext, sessionID int64) (*int, error) {
	var capacity *int
	if err := sqlx.GetContext(ctx, tx, &capacity, `SELECT capacity FROM sessions WHERE id = $1 FOR NO KEY UPDATE`, sessionID); err != nil {
		return nil, interpretError(err)
	}
	if capacity == nil {
		return nil, nil
	}
	var held int
	if err := sqlx.GetContext(ctx, tx, &held, `
		SELECT count(*) FROM signups WHERE session_id = $1 AND status IN ('confirmed', 'offered')`, sessionID); err != nil {
		return nil, err
	}
	free := *capacity - held
	return &free, nil
}

// putOnWaitingList makes a sign-up wait for a place, and tells the person
// (the message says their position).
func putOnWaitingList(ctx context.Context, tx sqlx.ExtContext, signupID int64) error {
	if _, err := tx.ExecContext(ctx, `
		UPDATE signups SET status = 'waitlisted', waitlisted_at = now(), needs_plan = false,
			confirm_token_hash = NULL, confirm_expires_at = NULL
		WHERE id = $1`, signupID); err != nil {
		return fmt.Errorf("put on the waiting list: %w", err)
	}
	return insertNotice(ctx, tx, signupID, "waitlisted")
}

// insertNotice plans a message about the sign-up's session, to leave now.
func insertNotice(ctx context.Context, tx sqlx.ExtContext, signupID int64, k string) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO deliveries (signup_id, session_id, kind, schedule_version, due_at, next_attempt_at)
		SELECT g.id, g.session_id, $2, s.schedule_version, now(), now()
		FROM signups g JOIN sessions s ON s.id = g.session_id WHERE g.id = $1
		ON CONFLICT (signup_id, kind, schedule_version) WHERE kind <> 'confirmation'
		DO UPDATE SET status = 'pending', due_at = now(), next_attempt_at = now(), attempts = 0,
			skip_reason = NULL, last_error = NULL, sent_at = NULL, claim_token = NULL, decided_at = NULL, updated_at = now()`,
		signupID, k)
	if err != nil {
		return fmt.Errorf("plan %s message: %w", k, err)
	}
	return nil
}

// fillPlaces offers the session's free places to the first people of its
// waiting list, in the order they came, under the rule of offers; each
// gets a message with a link to take the place before its deadline.
func (s *Store) fillPlaces(ctx context.Context, tx sqlx.ExtContext, sessionID int64) error {
	free, err := freePlaces(ctx, tx, sessionID)
	if err != nil || free == nil || *free <= 0 {
		return err
	}
	pol := s.offerPolicy()
	var offered []int64
	err = sqlx.SelectContext(ctx, tx, &offered, `
		WITH sess AS (
			SELECT least(now() + $3 * interval '1 second', starts_at - $4 * interval '1 second') AS deadline
			FROM sessions WHERE id = $1 AND status = 'scheduled'
		)
		UPDATE signups g SET status = 'offered', offer_expires_at = sess.deadline
		FROM sess
		WHERE sess.deadline - now() >= $5 * interval '1 second'
		  AND g.id IN (SELECT id FROM signups WHERE session_id = $1 AND status = 'waitlisted'
		               ORDER BY waitlisted_at, id LIMIT $2)
		RETURNING g.id`, sessionID, *free, pol.TTL.Seconds(), pol.EndsBefore.Seconds(), pol.MinWindow.Seconds())
	if err != nil {
		return fmt.Errorf("offer freed places: %w", err)
	}
	for _, id := range offered {
		if err := insertNotice(ctx, tx, id, "offer"); err != nil {
			return err
		}
	}
	return nil
}

// Offer is a place offered to a sign-up of the waiting list.
type Offer struct {
	Signup
	ExpiresAt time.Time `db:"offer_expires_at"`
}

// OfferOf reads the offer of a sign-up: ErrNotFound when there is none (any
// more).
func (s *Store) OfferOf(ctx context.Context, signupID int64) (Offer, error) {
	var out Offer
	err := s.db.GetContext(ctx, &out, `
		SELECT`+signupColumns+`, g.offer_expires_at
		FROM signups g JOIN subscribers sub ON sub.id = g.subscriber_id
		JOIN sessions s ON s.id = g.session_id
		WHERE g.id = $1 AND g.status = 'offered' AND g.offer_expires_at > now()
		  AND s.status = 'scheduled' AND s.starts_at > now()`, signupID)
	if err != nil {
		return Offer{}, fmt.Errorf("read offer of sign-up %d: %w", signupID, interpretError(err))
	}
	return out, nil
}

// TakeOffer confirms the sign-up the place was offered to: its reminders are
// planned by the usual rules and it gets the acknowledgement.
func (s *Store) TakeOffer(ctx context.Context, signupID int64) (Signup, error) {
	var out Signup
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE signups g SET status = 'confirmed', confirmed_at = now(), offer_expires_at = NULL, needs_plan = true
			FROM sessions s
			WHERE g.id = $1 AND s.id = g.session_id AND g.status = 'offered' AND g.offer_expires_at > now()
			  AND s.status = 'scheduled' AND s.starts_at > now()`, signupID)
		if err != nil {
			return fmt.Errorf("take offer: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if err := insertNotice(ctx, tx, signupID, "confirmed"); err != nil {
			return err
		}
		out, err = signupByIDTx(ctx, tx, signupID)
		return err
	})
	if err != nil {
		return Signup{}, fmt.Errorf("take offer of sign-up %d: %w", signupID, err)
	}
	return out, nil
}

// ExpireOffers ends the offers past their deadline (the person leaves the
// waiting list) and passes the places on to the next people. It returns
// how many offers ended.
func (s *Store) ExpireOffers(ctx context.Context) (int, error) {
	var sessions []int64
	if err := s.db.SelectContext(ctx, &sessions, `
		SELECT DISTINCT session_id FROM signups WHERE status = 'offered' AND offer_expires_at <= now()`); err != nil {
		return 0, fmt.Errorf("find expired offers: %w", err)
	}
	total := 0
	for _, id := range sessions {
		err := s.inTx(ctx, func(tx *sqlx.Tx) error {
			if err := lockFenceExclusive(ctx, tx, id); err != nil {
				return err
			}
			var ended []int64
			if err := tx.SelectContext(ctx, &ended, `
				UPDATE signups SET status = 'unsubscribed', unsubscribed_at = now(), offer_expires_at = NULL
				WHERE session_id = $1 AND status = 'offered' AND offer_expires_at <= now() RETURNING id`, id); err != nil {
				return err
			}
			if err := skipPending(ctx, tx, ended, "unsubscribed"); err != nil {
				return err
			}
			total += len(ended)
			return s.fillPlaces(ctx, tx, id)
		})
		if err != nil {
			return total, fmt.Errorf("expire offers of session %d: %w", id, err)
		}
	}
	return total, nil
}

// skipPending drops the messages still to send to these sign-ups.
func skipPending(ctx context.Context, tx sqlx.ExtContext, signupIDs []int64, reason string) error {
	if len(signupIDs) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `
		UPDATE deliveries SET status = 'skipped', skip_reason = $2, claim_token = NULL, decided_at = now(), updated_at = now()
		WHERE signup_id = ANY($1) AND status = 'pending'`, pq.Array(signupIDs), reason)
	return err
}

// WaitingPosition is the rank of a sign-up on its session's waiting list,
// from 1; 0 when it is not on it.
func (s *Store) WaitingPosition(ctx context.Context, signupID int64) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `
		SELECT CASE WHEN g.status <> 'waitlisted' THEN 0 ELSE (
			SELECT count(*) FROM signups w WHERE w.session_id = g.session_id AND w.status = 'waitlisted'
			  AND (w.waitlisted_at, w.id) <= (g.waitlisted_at, g.id)) END
		FROM signups g WHERE g.id = $1`, signupID)
	if err != nil {
		return 0, fmt.Errorf("read waiting position: %w", interpretError(err))
	}
	return n, nil
}

// Places says how a session's places stand: its capacity (nil: no limit),
// the places held (confirmed and offered) and the people waiting.
type Places struct {
	Capacity *int `db:"capacity"`
	Held     int  `db:"held"`
	Waiting  int  `db:"waiting"`
}

// Full says no place is free.
func (p Places) Full() bool { return p.Capacity != nil && p.Held >= *p.Capacity }

// PlacesOf reads how a session's places stand.
func (s *Store) PlacesOf(ctx context.Context, sessionID int64) (Places, error) {
	var out Places
	err := s.db.GetContext(ctx, &out, `
		SELECT capacity,
			(SELECT count(*) FROM signups WHERE session_id = $1 AND status IN ('confirmed', 'offered')) AS held,
			(SELECT count(*) FROM signups WHERE session_id = $1 AND status = 'waitlisted') AS waiting
		FROM sessions WHERE id = $1`, sessionID)
	if err != nil {
		return Places{}, fmt.Errorf("read places of session %d: %w", sessionID, interpretError(err))
	}
	return out, nil
}
