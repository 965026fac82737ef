package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// What became of a sign-up asked through the public form. The page shows
// the same answer whatever it is, so that nobody can learn who signed up.
const (
	RequestQueued           = "queued"
	RequestAlreadyConfirmed = "already_confirmed"
	RequestLimited          = "limited"
	RequestOptedOut         = "opted_out"
	// RequestUnsubscribed: an organiser asked for an address that left
	// the session; nothing was sent to it.
	RequestUnsubscribed = "unsubscribed"
)

// ErrOptedOut: the address asked to receive nothing more from rappel.
var ErrOptedOut = errors.New("address opted out")

// RequestParams is a sign-up asked by a person on the public page.
type RequestParams struct {
	SessionID int64
	Email     string
	Name      string
	// MaxPerDay is the most confirmation requests an address gets in 24
	// hours, whatever the sessions: a public form must not be a way to
	// flood someone's inbox.
	MaxPerDay int
	// ByOrganiser marks a request made by an organiser (an import asking
	// for confirmation): an address that opted out, or that left this
	// session, gets nothing, whereas the person may always ask again.
	ByOrganiser bool
}

// RequestSignup records a pending sign-up (or finds the one there) and a
// confirmation request to send, unless the address is already confirmed
// or had its share of requests today. A sign-up the person left stays
// unsubscribed: only the person's own confirmation of a fresh request,
// through its link, signs them up again, and an organiser's request for
// it sends nothing.
func (s *Store) RequestSignup(ctx context.Context, p RequestParams) (string, error) {
	email, err := NormalizeEmail(p.Email)
	if err != nil {
		return "", err
	}
	if err := CheckName(p.Name); err != nil {
		return "", err
	}
	var outcome string
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := checkSessionOpen(ctx, tx, p.SessionID); err != nil {
			return err
		}
		// A name typed in the public form is kept on this sign-up only,
		// and counts once the person confirms it; an organiser's is the
		// address's.
		subName := p.Name
		if !p.ByOrganiser {
			subName = ""
		}
		subID, err := upsertSubscriber(ctx, tx, email, subName)
		if err != nil {
			return err
		}
		if p.ByOrganiser {
			if err := checkNotOptedOut(ctx, tx, subID); errors.Is(err, ErrOptedOut) {
				outcome = RequestOptedOut
				return nil
			} else if err != nil {
				return err
			}
		}
		g, err := pendingSignup(ctx, tx, p.SessionID, subID)
		if err != nil {
			return err
		}
		switch {
		case g.Status == SignupConfirmed || g.Status == SignupWaitlisted || g.Status == SignupOffered:
			// Already in, or waiting in line: a new request must not
			// jump the queue.
			outcome = RequestAlreadyConfirmed
			return nil
		case g.Status == SignupUnsubscribed && p.ByOrganiser:
			outcome = RequestUnsubscribed
			return nil
		}
		if !p.ByOrganiser {
			if _, err := tx.ExecContext(ctx, `UPDATE signups SET requested_name = $2 WHERE id = $1`, g.ID, p.Name); err != nil {
				return fmt.Errorf("save requested name: %w", interpretError(err))
			}
		}
		outcome, err = queueConfirmation(ctx, tx, g, subID, p.MaxPerDay)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("request sign-up to session %d: %w", p.SessionID, err)
	}
	return outcome, nil
}

// pendingSignup creates the sign-up as pending, or returns the one there
// as it is: one the person left stays unsubscribed (the record of their
// "no") until they confirm a new request themselves.
func pendingSignup(ctx context.Context, tx *sqlx.Tx, sessionID, subID int64) (Signup, error) {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO signups (session_id, subscriber_id, status, source)
		VALUES ($1, $2, 'pending', 'web')
		ON CONFLICT (session_id, subscriber_id) DO NOTHING`, sessionID, subID)
	if err != nil {
		return Signup{}, fmt.Errorf("save sign-up: %w", interpretError(err))
	}
	return signupBySession(ctx, tx, sessionID, subID)
}

func queueConfirmation(ctx context.Context, tx *sqlx.Tx, g Signup, subID int64, maxPerDay int) (string, error) {
	var today int
	err := tx.GetContext(ctx, &today, `
		SELECT count(*) FROM deliveries d JOIN signups g ON g.id = d.signup_id
		WHERE g.subscriber_id = $1 AND d.kind = 'confirmation' AND d.created_at > now() - interval '1 day'`, subID)
	if err != nil {
		return "", fmt.Errorf("count confirmation requests: %w", err)
	}
	if today >= maxPerDay {
		return RequestLimited, nil
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO deliveries (signup_id, session_id, kind, schedule_version, due_at, next_attempt_at)
		SELECT $1, id, 'confirmation', schedule_version, now(), now() FROM sessions WHERE id = $2`, g.ID, g.SessionID)
	if err != nil {
		return "", fmt.Errorf("plan confirmation request: %w", err)
	}
	return RequestQueued, nil
}

// SetConfirmToken keeps the hash of the token a confirmation request is
// about to carry; a new request replaces the link of the previous one.
func (s *Store) SetConfirmToken(ctx context.Context, signupID int64, hash []byte, expires time.Time) error {
	_, err := s.db.ExecContext(ctx, `
		UPDATE signups SET confirm_token_hash = $2, confirm_expires_at = $3
		WHERE id = $1 AND status <> 'confirmed'`, signupID, hash, expires)
	if err != nil {
		return fmt.Errorf("save confirmation token: %w", err)
	}
	return nil
}

// SignupByConfirmToken finds the sign-up, not confirmed, of a valid,
// unexpired confirmation token, without using it. The sign-up may be one
// the person had left: the token proves they asked again.
func (s *Store) SignupByConfirmToken(ctx context.Context, hash []byte) (Signup, error) {
	var g Signup
	err := s.db.GetContext(ctx, &g, `
		SELECT`+signupColumns+`
		FROM signups g JOIN subscribers sub ON sub.id = g.subscriber_id
		WHERE g.confirm_token_hash = $1 AND g.confirm_expires_at > now() AND g.status IN ('pending', 'unsubscribed')`, hash)
	if err != nil {
		return Signup{}, fmt.Errorf("find confirmation token: %w", interpretError(err))
	}
	return g, nil
}

// ConfirmSignup uses a confirmation token: the sign-up is confirmed (the
// token can serve only once), its reminders are planned, an acknowledgement
// is sent, and an earlier opt-out of the address is lifted, since the
// person asked.
func (s *Store) ConfirmSignup(ctx context.Context, hash []byte) (Signup, error) {
	var out Signup
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		// The session's places are locked before the sign-up's row, as
		// every other path does, so that two never wait for each other.
		var sessionID int64
		err := tx.GetContext(ctx, &sessionID, `
			SELECT session_id FROM signups
			WHERE confirm_token_hash = $1 AND confirm_expires_at > now() AND status IN ('pending', 'unsubscribed')`, hash)
		if err != nil {
			return interpretError(err)
		}
		free, err := placeFree(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		var id int64
		err = tx.GetContext(ctx, &id, `
			UPDATE signups SET
				status = CASE WHEN $2 THEN 'confirmed' ELSE 'waitlisted' END,
				confirmed_at = CASE WHEN $2 THEN now() END,
				waitlisted_at = CASE WHEN $2 THEN NULL ELSE now() END,
				unsubscribed_at = NULL,
				name = requested_name,
				requested_name = '',
				needs_plan = $2,
				confirm_token_hash = NULL,
				confirm_expires_at = NULL
			WHERE confirm_token_hash = $1 AND confirm_expires_at > now() AND status IN ('pending', 'unsubscribed')
			RETURNING id`, hash, free)
		if err != nil {
			return interpretError(err)
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE subscribers SET opted_out_at = NULL
			WHERE id = (SELECT subscriber_id FROM signups WHERE id = $1)`, id); err != nil {
			return err
		}
		if !free {
			if err := insertNotice(ctx, tx, id, "waitlisted"); err != nil {
				return err
			}
			out, err = signupByIDTx(ctx, tx, id)
			return err
		}
		// The reminders skipped when the person left are planned again
		// from now on, as for a new sign-up.
		if _, err := tx.ExecContext(ctx, `
			DELETE FROM deliveries
			WHERE signup_id = $1 AND status = 'skipped' AND skip_reason = 'unsubscribed'
			  AND kind ~ '`+reminderKindPattern+`'`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO deliveries (signup_id, session_id, kind, schedule_version, due_at, next_attempt_at)
			SELECT g.id, g.session_id, 'confirmed', s.schedule_version, now(), now()
			FROM signups g JOIN sessions s ON s.id = g.session_id WHERE g.id = $1
			ON CONFLICT (signup_id, kind, schedule_version) WHERE kind <> 'confirmation' DO NOTHING`, id); err != nil {
			return err
		}
		out, err = signupByIDTx(ctx, tx, id)
		return err
	})
	if err != nil {
		return Signup{}, fmt.Errorf("confirm sign-up: %w", err)
	}
	return out, nil
}

// OptOut ends every sign-up of the address of this sign-up and remembers
// that it wants nothing more from rappel, under the fences of all its
// sessions: once it returns, no message to it leaves.
func (s *Store) OptOut(ctx context.Context, signupID int64) error {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var subID int64
		if err := tx.GetContext(ctx, &subID, `SELECT subscriber_id FROM signups WHERE id = $1`, signupID); err != nil {
			return interpretError(err)
		}
		var sessions []int64
		if err := tx.SelectContext(ctx, &sessions, `
			SELECT DISTINCT session_id FROM signups WHERE subscriber_id = $1 ORDER BY session_id`, subID); err != nil {
			return err
		}
		for _, id := range sessions { // in order: two opt-outs never wait for each other
			if err := lockFenceExclusive(ctx, tx, id); err != nil {
				return err
			}
		}
		var held []int64
		if err := tx.SelectContext(ctx, &held, `
			SELECT session_id FROM signups WHERE subscriber_id = $1 AND status IN ('confirmed', 'offered') ORDER BY session_id`, subID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE subscribers SET opted_out_at = now() WHERE id = $1`, subID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE signups SET status = 'unsubscribed', unsubscribed_at = now(), needs_plan = false,
				confirm_token_hash = NULL, confirm_expires_at = NULL, offer_expires_at = NULL
			WHERE subscriber_id = $1 AND status <> 'unsubscribed'`, subID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE deliveries SET status = 'skipped', skip_reason = 'unsubscribed', claim_token = NULL,
				decided_at = now(), updated_at = now()
			WHERE signup_id IN (SELECT id FROM signups WHERE subscriber_id = $1) AND status = 'pending'`, subID); err != nil {
			return err
		}
		// The places the person held go to the next people waiting.
		for _, id := range held {
			if err := s.fillPlaces(ctx, tx, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("opt out sign-up %d: %w", signupID, err)
	}
	return nil
}

// PurgePending deletes the sign-ups left unconfirmed for longer than ttl,
// then the addresses no sign-up uses any more (but those that opted out,
// kept so that their wish is honoured). It returns how many of each.
func (s *Store) PurgePending(ctx context.Context, ttl time.Duration) (signups, subscribers int64, err error) {
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `
			DELETE FROM signups
			WHERE status = 'pending' AND created_at < now() - make_interval(secs => $1)`, ttl.Seconds())
		if err != nil {
			return err
		}
		signups, _ = res.RowsAffected()
		subscribers, err = deleteUnusedSubscribers(ctx, tx)
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("purge unconfirmed sign-ups: %w", err)
	}
	return signups, subscribers, nil
}

// ImportRequests asks each row of a list for confirmation (an import whose
// consent is not established): one request per address, the limits of
// RequestSignup applying.
func (s *Store) ImportRequests(ctx context.Context, sessionID int64, rows []ImportRow, maxPerDay int) (ImportResult, error) {
	var res ImportResult
	for _, r := range rows {
		outcome, err := s.RequestSignup(ctx, RequestParams{
			SessionID: sessionID, Email: r.Email, Name: r.Name, MaxPerDay: maxPerDay, ByOrganiser: true,
		})
		if err != nil {
			return res, err
		}
		switch outcome {
		case RequestQueued:
			res.Invited = append(res.Invited, r)
		case RequestAlreadyConfirmed:
			res.Present = append(res.Present, r)
		case RequestOptedOut, RequestUnsubscribed:
			res.Unsubscribed = append(res.Unsubscribed, r)
		case RequestLimited:
			res.Limited = append(res.Limited, r)
		}
	}
	return res, nil
}
