package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Organiser is a team that creates sessions through the API.
type Organiser struct {
	ID      int64  `db:"id"`
	Name    string `db:"name"`
	IsAdmin bool   `db:"is_admin"`
}

// APIToken is an organiser's token, as listed: never the token itself.
type APIToken struct {
	ID         int64      `db:"id"`
	Organiser  string     `db:"organiser"`
	IsAdmin    bool       `db:"is_admin"`
	Prefix     string     `db:"prefix"`
	CreatedAt  time.Time  `db:"created_at"`
	LastUsedAt *time.Time `db:"last_used_at"`
	RevokedAt  *time.Time `db:"revoked_at"`
}

// ErrRevoked is returned when revoking a token already revoked.
var ErrRevoked = errors.New("token revoked")

// ErrNotAdmin is returned when an administrator's token is asked for an
// organiser that exists without that right: granting it would silently
// give every token the organiser already has access to all sessions.
var ErrNotAdmin = errors.New("organiser is not an administrator")

// CreateToken stores a token for the organiser named (created if new, an
// administrator if admin is set): only its hash and its first characters.
// The rights of an existing organiser never change here.
func (s *Store) CreateToken(ctx context.Context, organiser string, admin bool, hash []byte, prefix string) (APIToken, error) {
	if err := checkLine("name", "le nom de l'organisateur", organiser, 100, true); err != nil {
		return APIToken{}, err
	}
	var out APIToken
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var org Organiser
		err := tx.GetContext(ctx, &org, `
			INSERT INTO organisers (name, is_admin) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET name = organisers.name
			RETURNING id, name, is_admin`, organiser, admin)
		if err != nil {
			return interpretError(err)
		}
		if admin && !org.IsAdmin {
			return ErrNotAdmin
		}
		return tx.GetContext(ctx, &out, `
			INSERT INTO api_tokens (organiser_id, token_hash, prefix) VALUES ($1, $2, $3)
			RETURNING id, $4::text AS organiser, $5::bool AS is_admin, prefix, created_at, last_used_at, revoked_at`,
			org.ID, hash, prefix, org.Name, org.IsAdmin)
	})
	if err != nil {
		return APIToken{}, fmt.Errorf("create token: %w", err)
	}
	return out, nil
}

// OrganiserByToken finds the organiser of a valid token and notes its use.
func (s *Store) OrganiserByToken(ctx context.Context, hash []byte) (Organiser, error) {
	var org Organiser
	err := s.db.GetContext(ctx, &org, `
		WITH used AS (
			UPDATE api_tokens SET last_used_at = now()
			WHERE token_hash = $1 AND revoked_at IS NULL
			RETURNING organiser_id
		)
		SELECT o.id, o.name, o.is_admin FROM organisers o JOIN used ON used.organiser_id = o.id`, hash)
	if err != nil {
		return Organiser{}, fmt.Errorf("find token: %w", interpretError(err))
	}
	return org, nil
}

// Tokens lists every token.
func (s *Store) Tokens(ctx context.Context) ([]APIToken, error) {
	var out []APIToken
	err := s.db.SelectContext(ctx, &out, tokenSelect+` ORDER BY t.id`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

// RevokeToken revokes the token with this id; it stops working at once.
func (s *Store) RevokeToken(ctx context.Context, id int64) (APIToken, error) {
	var out APIToken
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var revoked *time.Time
		if err := tx.GetContext(ctx, &revoked, `SELECT revoked_at FROM api_tokens WHERE id = $1 FOR UPDATE`, id); err != nil {
			return interpretError(err)
		}
		if revoked != nil {
			return ErrRevoked
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE id = $1`, id); err != nil {
			return err
		}
		return tx.GetContext(ctx, &out, tokenSelect+` WHERE t.id = $1`, id)
	})
	if err != nil {
		return APIToken{}, fmt.Errorf("revoke token %d: %w", id, err)
	}
	return out, nil
}

const tokenSelect = `
	SELECT
		t.id,
		o.name AS organiser,
		o.is_admin,
		t.prefix,
		t.created_at,
		t.last_used_at,
		t.revoked_at
	FROM api_tokens t
	JOIN organisers o ON o.id = t.organiser_id`

// SetOrganiserContact changes whom the messages of an organiser's sessions
// name when a session has no contact of its own ("" for nobody), and
// returns it as kept.
func (s *Store) SetOrganiserContact(ctx context.Context, name, contact string) (string, error) {
	contact, err := NormalizeContact(contact)
	if err != nil {
		return "", err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE organisers SET contact = $2 WHERE name = $1`, name, contact)
	if err != nil {
		return "", fmt.Errorf("set contact of organiser: %w", interpretError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", fmt.Errorf("set contact of organiser: %w", ErrNotFound)
	}
	return contact, nil
}

// OrganiserContact is an organiser's contact.
func (s *Store) OrganiserContact(ctx context.Context, name string) (string, error) {
	var c string
	if err := s.db.GetContext(ctx, &c, `SELECT contact FROM organisers WHERE name = $1`, name); err != nil {
		return "", fmt.Errorf("read contact of organiser: %w", interpretError(err))
	}
	return c, nil
}
