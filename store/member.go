package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Member is a person of an organiser's team, who signs in to the
// organisers' space with their address.
type Member struct {
	ID          int64     `db:"id"`
	Email       string    `db:"email"`
	OrganiserID int64     `db:"organiser_id"`
	Organiser   string    `db:"organiser"`
	IsAdmin     bool      `db:"is_admin"`
	CreatedAt   time.Time `db:"created_at"`
}

// Team is what a member acts as: the organiser whose sessions they reach.
func (m Member) Team() Organiser {
	return Organiser{ID: m.OrganiserID, Name: m.Organiser, IsAdmin: m.IsAdmin}
}

const memberSelect = `
	SELECT m.id, m.email, m.organiser_id, o.name AS organiser, o.is_admin, m.created_at
	FROM organiser_members m JOIN organisers o ON o.id = m.organiser_id`

// AddOrganiser creates the team named, an administrator if admin is set,
// or returns the one there; an existing team's rights never change here.
func (s *Store) AddOrganiser(ctx context.Context, name string, admin bool) (Organiser, bool, error) {
	if err := checkLine("name", "le nom de l'organisateur", name, 100, true); err != nil {
		return Organiser{}, false, err
	}
	var out struct {
		Organiser
		Created bool `db:"created"`
	}
	err := s.db.GetContext(ctx, &out, `
		INSERT INTO organisers (name, is_admin) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET name = organisers.name
		RETURNING id, name, is_admin, (xmax = 0) AS created`, name, admin)
	if err != nil {
		return Organiser{}, false, fmt.Errorf("add organiser: %w", interpretError(err))
	}
	if admin && !out.IsAdmin {
		return out.Organiser, false, ErrNotAdmin
	}
	return out.Organiser, out.Created, nil
}

// Organisers lists the teams, with how many members each has.
func (s *Store) Organisers(ctx context.Context) ([]OrganiserSummary, error) {
	var out []OrganiserSummary
	err := s.db.SelectContext(ctx, &out, `
		SELECT o.id, o.name, o.is_admin, o.contact,
			(SELECT count(*) FROM organiser_members m WHERE m.organiser_id = o.id) AS members
		FROM organisers o ORDER BY o.name`)
	if err != nil {
		return nil, fmt.Errorf("list organisers: %w", err)
	}
	return out, nil
}

// OrganiserSummary is a team as listed.
type OrganiserSummary struct {
	Organiser
	Contact string `db:"contact"`
	Members int    `db:"members"`
}

// AddMember adds the person of this address to the team named. An address
// belongs to one team: adding it to a second one is ErrDuplicate.
func (s *Store) AddMember(ctx context.Context, organiser, email string) (Member, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return Member{}, err
	}
	var out Member
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		var orgID int64
		if err := tx.GetContext(ctx, &orgID, `SELECT id FROM organisers WHERE name = $1`, organiser); err != nil {
			return interpretError(err)
		}
		var id int64
		if err := tx.GetContext(ctx, &id, `
			INSERT INTO organiser_members (organiser_id, email) VALUES ($1, $2) RETURNING id`, orgID, email); err != nil {
			return interpretError(err)
		}
		return tx.GetContext(ctx, &out, memberSelect+` WHERE m.id = $1`, id)
	})
	if err != nil {
		return Member{}, fmt.Errorf("add member: %w", err)
	}
	return out, nil
}

// RemoveMember removes the person from the team: their open sessions of
// the organisers' space end with them.
func (s *Store) RemoveMember(ctx context.Context, organiser, email string) error {
	email, err := NormalizeEmail(email)
	if err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `
		DELETE FROM organiser_members m USING organisers o
		WHERE o.id = m.organiser_id AND o.name = $1 AND m.email = $2`, organiser, email)
	if err != nil {
		return fmt.Errorf("remove member: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("remove member: %w", ErrNotFound)
	}
	return nil
}

// Members lists the people of a team.
func (s *Store) Members(ctx context.Context, organiserID int64) ([]Member, error) {
	var out []Member
	if err := s.db.SelectContext(ctx, &out, memberSelect+` WHERE m.organiser_id = $1 ORDER BY m.email`, organiserID); err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	return out, nil
}

// MemberByEmail finds the member of this address.
func (s *Store) MemberByEmail(ctx context.Context, email string) (Member, error) {
	var out Member
	if err := s.db.GetContext(ctx, &out, memberSelect+` WHERE m.email = lower($1)`, email); err != nil {
		return Member{}, fmt.Errorf("find member: %w", interpretError(err))
	}
	return out, nil
}

// OrganiserByID reads a team.
func (s *Store) OrganiserByID(ctx context.Context, id int64) (OrganiserSummary, error) {
	var out OrganiserSummary
	err := s.db.GetContext(ctx, &out, `
		SELECT o.id, o.name, o.is_admin, o.contact,
			(SELECT count(*) FROM organiser_members m WHERE m.organiser_id = o.id) AS members
		FROM organisers o WHERE o.id = $1`, id)
	if err != nil {
		return OrganiserSummary{}, fmt.Errorf("read organiser %d: %w", id, interpretError(err))
	}
	return out, nil
}
