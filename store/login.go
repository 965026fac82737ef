package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// RequestLogin notes that someone asked for a sign-in link for this
// address, member or not, unless the address had maxPerHour requests in
// the last hour. It does the same work whoever asks, so that neither its
// answer nor its time says whether the address is a member's; a worker
// sends the links (ClaimLogins).
func (s *Store) RequestLogin(ctx context.Context, email string, maxPerHour int) error {
	email = strings.ToLower(strings.TrimSpace(email))
	if len(email) > 254 {
		email = email[:254]
	}
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO login_requests (email)
		SELECT $1 WHERE (SELECT count(*) FROM login_requests
		                 WHERE email = $1 AND created_at > now() - interval '1 hour') < $2`, email, maxPerHour)
	if err != nil {
		return fmt.Errorf("request login link: %w", err)
	}
	_, _ = s.db.ExecContext(ctx, `SELECT pg_notify('rappel_changes', 'login_requests')`)
	return nil
}

// LoginToSend is a sign-in link to send: to a member, with its token.
type LoginToSend struct {
	ID      int64
	Email   string
	Token   string
	Expires time.Time
}

// ClaimLogins takes the requests not yet handled: those of members get a
// token (newToken gives it and its hash; only the hash is kept) valid for
// ttl, the others are deleted at once, since a stranger's address is
// nothing to keep.
func (s *Store) ClaimLogins(ctx context.Context, ttl time.Duration, newToken func() (string, []byte, error)) ([]LoginToSend, error) {
	var out []LoginToSend
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var rows []struct {
			ID       int64  `db:"id"`
			Email    string `db:"email"`
			IsMember bool   `db:"is_member"`
		}
		err := tx.SelectContext(ctx, &rows, `
			SELECT r.id, r.email, EXISTS (SELECT 1 FROM organiser_members m WHERE m.email = r.email) AS is_member
			FROM login_requests r WHERE r.token_hash IS NULL
			ORDER BY r.id LIMIT 50 FOR UPDATE OF r SKIP LOCKED`)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if !r.IsMember {
				if _, err := tx.ExecContext(ctx, `DELETE FROM login_requests WHERE id = $1`, r.ID); err != nil {
					return err
				}
				continue
			}
			tok, hash, err := newToken()
			if err != nil {
				return err
			}
			var expires time.Time
			if err := tx.GetContext(ctx, &expires, `
				UPDATE login_requests SET token_hash = $2, expires_at = now() + $3 * interval '1 second'
				WHERE id = $1 RETURNING expires_at`, r.ID, hash, ttl.Seconds()); err != nil {
				return err
			}
			out = append(out, LoginToSend{ID: r.ID, Email: r.Email, Token: tok, Expires: expires})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim login links: %w", err)
	}
	return out, nil
}

// LoginSent notes that a link left.
func (s *Store) LoginSent(ctx context.Context, id int64) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE login_requests SET sent_at = now() WHERE id = $1`, id); err != nil {
		return fmt.Errorf("note login link sent: %w", err)
	}
	return nil
}

// LoginLink is what the page of a sign-in link shows before its button.
type LoginLink struct {
	Email   string    `db:"email"`
	Expires time.Time `db:"expires_at"`
}

// LoginByToken finds the unused, unexpired sign-in link of this token
// hash, without using it: a mail scanner that opens the page signs nobody
// in.
func (s *Store) LoginByToken(ctx context.Context, hash []byte) (LoginLink, error) {
	var out LoginLink
	err := s.db.GetContext(ctx, &out, `
		SELECT r.email, r.expires_at FROM login_requests r
		JOIN organiser_members m ON m.email = r.email
		WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > now()`, hash)
	if err != nil {
		return LoginLink{}, fmt.Errorf("find login link: %w", interpretError(err))
	}
	return out, nil
}

// LoginParams says how long a member's session of the organisers' space
// lasts: Idle without a request, Absolute in all.
type LoginParams struct {
	Hash     []byte
	CSRF     string
	Idle     time.Duration
	Absolute time.Duration
}

// Login uses the sign-in link of this token hash (once) and opens a
// session for its member.
func (s *Store) Login(ctx context.Context, linkHash []byte, p LoginParams) (Member, error) {
	var out Member
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var email string
		err := tx.GetContext(ctx, &email, `
			UPDATE login_requests SET used_at = now()
			WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING email`, linkHash)
		if err != nil {
			return interpretError(err)
		}
		if err := tx.GetContext(ctx, &out, memberSelect+` WHERE m.email = $1`, email); err != nil {
			return interpretError(err)
		}
		return openSession(ctx, tx, out.ID, p)
	})
	if err != nil {
		return Member{}, fmt.Errorf("sign in by link: %w", err)
	}
	return out, nil
}

// LoginMember opens a session for the member of this address, whom an
// identity provider vouched for.
func (s *Store) LoginMember(ctx context.Context, email string, p LoginParams) (Member, error) {
	var out Member
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &out, memberSelect+` WHERE m.email = lower($1)`, email); err != nil {
			return interpretError(err)
		}
		return openSession(ctx, tx, out.ID, p)
	})
	if err != nil {
		return Member{}, fmt.Errorf("sign in member: %w", err)
	}
	return out, nil
}

func openSession(ctx context.Context, tx *sqlx.Tx, memberID int64, p LoginParams) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO member_sessions (token_hash, member_id, csrf, expires_at)
		VALUES ($1, $2, $3, now() + $4 * interval '1 second')`, p.Hash, memberID, p.CSRF, p.Absolute.Seconds())
	return err
}

// MemberSession is a signed-in member and the CSRF secret of their session.
type MemberSession struct {
	Member
	CSRF string `db:"csrf"`
}

// SessionMember finds the member of a live session and notes the request:
// a session idle longer than idle, past its end, or whose member was
// removed, is no more.
func (s *Store) SessionMember(ctx context.Context, hash []byte, idle time.Duration) (MemberSession, error) {
	var out MemberSession
	err := s.db.GetContext(ctx, &out, `
		WITH seen AS (
			UPDATE member_sessions SET last_seen_at = now()
			WHERE token_hash = $1 AND expires_at > now() AND last_seen_at > now() - $2 * interval '1 second'
			RETURNING member_id, csrf
		)
		SELECT m.id, m.email, m.organiser_id, o.name AS organiser, o.is_admin, m.created_at, seen.csrf
		FROM seen JOIN organiser_members m ON m.id = seen.member_id JOIN organisers o ON o.id = m.organiser_id`,
		hash, idle.Seconds())
	if err != nil {
		return MemberSession{}, fmt.Errorf("find member session: %w", interpretError(err))
	}
	return out, nil
}

// Logout ends a session.
func (s *Store) Logout(ctx context.Context, hash []byte) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM member_sessions WHERE token_hash = $1`, hash); err != nil {
		return fmt.Errorf("sign out: %w", err)
	}
	return nil
}

// PurgeLogins deletes what signing in leaves: links a day old, sessions
// ended.
func (s *Store) PurgeLogins(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM login_requests WHERE created_at < now() - interval '1 day'`); err != nil {
		return fmt.Errorf("purge login links: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM member_sessions WHERE expires_at < now()`); err != nil {
		return fmt.Errorf("purge member sessions: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM oidc_requests WHERE created_at < now() - interval '1 day'`); err != nil {
		return fmt.Errorf("purge OIDC sign-ins: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM test_sends WHERE requested_at < now() - interval '1 day'`); err != nil {
		return fmt.Errorf("purge test sends: %w", err)
	}
	return nil
}

// OIDCRequest is a sign-in through an OpenID Connect provider under way.
type OIDCRequest struct {
	Nonce    string `db:"nonce"`
	Verifier string `db:"verifier"`
}

// oidcRequestTTL is how long a person has at their provider.
const oidcRequestTTL = "10 minutes"

// StartOIDC keeps what the provider's answer will be checked against.
func (s *Store) StartOIDC(ctx context.Context, stateHash []byte, r OIDCRequest) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO oidc_requests (state_hash, nonce, verifier) VALUES ($1, $2, $3)`,
		stateHash, r.Nonce, r.Verifier)
	if err != nil {
		return fmt.Errorf("start OIDC sign-in: %w", err)
	}
	return nil
}

// FinishOIDC takes, once, the sign-in under way of this state: a second
// answer with the same state (a replay) finds nothing.
func (s *Store) FinishOIDC(ctx context.Context, stateHash []byte) (OIDCRequest, error) {
	var out OIDCRequest
	err := s.db.GetContext(ctx, &out, `
		DELETE FROM oidc_requests WHERE state_hash = $1 AND created_at > now() - interval '`+oidcRequestTTL+`'
		RETURNING nonce, verifier`, stateHash)
	if err != nil {
		return OIDCRequest{}, fmt.Errorf("finish OIDC sign-in: %w", interpretError(err))
	}
	return out, nil
}
