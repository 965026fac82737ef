package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/templates"
	"github.com/jmoiron/sqlx"
)

// Session statuses.
const (
	SessionScheduled = "scheduled"
	SessionCancelled = "cancelled"
)

// ErrCancelled is returned when a change targets a cancelled session.
var ErrCancelled = errors.New("session cancelled")

// Session is one event agents sign up for.
type Session struct {
	ID          int64        `db:"id"`
	Kind        kind.Session `db:"kind"`
	Title       string       `db:"title"`
	Description string       `db:"description"`
	Location    string       `db:"location"`
	// JoinURL is where one joins online: only it makes a session online.
	JoinURL string `db:"join_url"`
	// PageURL is the event's page: the programme, or where people register
	// elsewhere; never a way to join.
	PageURL string `db:"page_url"`
	// Contact is whom to write to about the session ("Nom <adresse>"), if
	// it has its own; OrganiserContact its organiser's.
	Contact          string `db:"contact"`
	OrganiserContact string `db:"organiser_contact"`
	// Timezone is the session's zone, "" for the configured one.
	Timezone   string     `db:"timezone"`
	StartsAt   time.Time  `db:"starts_at"`
	EndsAt     *time.Time `db:"ends_at"`
	Accessible bool       `db:"accessible"`
	// Capacity is the number of places; nil is no limit.
	Capacity *int `db:"capacity"`
	// Reminders are the session\'s own ("7d,1d,1h"); "" for REMINDERS.
	Reminders         string    `db:"reminders"`
	OrganiserID       *int64    `db:"organiser_id"`
	AgendaSource      *string   `db:"agenda_source"`
	AgendaKey         *string   `db:"agenda_key"`
	Status            string    `db:"status"`
	ScheduleVersion   int       `db:"schedule_version"`
	ScheduleChangedAt time.Time `db:"schedule_changed_at"`
	CreatedAt         time.Time `db:"created_at"`
	UpdatedAt         time.Time `db:"updated_at"`
}

const sessionColumns = `
	id,
	kind,
	title,
	description,
	location,
	join_url,
	page_url,
	contact,
	coalesce((SELECT o.contact FROM organisers o WHERE o.id = organiser_id), '') AS organiser_contact,
	timezone,
	starts_at,
	ends_at,
	accessible,
	capacity,
	reminders,
	organiser_id,
	agenda_source,
	agenda_key,
	status,
	schedule_version,
	schedule_changed_at,
	created_at,
	updated_at`

// TemplateInput is the session as the templates take it: the one mapping
// from what is stored to what messages and pages write.
func (s Session) TemplateInput() templates.SessionInput {
	return templates.SessionInput{
		ID: s.ID, Kind: s.Kind, Title: s.Title, Description: s.Description,
		Location: s.Location, JoinURL: s.JoinURL, PageURL: s.PageURL, Contact: s.EffectiveContact(),
		Zone: s.Timezone, StartsAt: s.StartsAt, EndsAt: s.EndsAt, Accessible: s.Accessible, Reminders: s.Reminders,
	}
}

// EffectiveContact is whom to write to about the session: its own
// contact, else its organiser's; "" when neither has one (rappel then
// names none, and the configured MAIL_REPLY_TO answers replies).
func (s Session) EffectiveContact() string {
	if s.Contact != "" {
		return s.Contact
	}
	return s.OrganiserContact
}

// SessionParams describes a new session.
type SessionParams struct {
	Kind        kind.Session
	Title       string
	Description string
	Location    string
	JoinURL     string
	PageURL     string
	// Contact is "Nom <adresse>" or an address alone; "" leaves it to the
	// organiser's.
	Contact string
	// Timezone is an IANA zone ("America/Cayenne"); "" is the configured.
	Timezone string
	StartsAt time.Time
	EndsAt   *time.Time
	// Accessible says the place is accessible to people with reduced
	// mobility.
	Accessible bool
	// OrganiserID is the organiser the session belongs to, if any.
	// Capacity is the number of places; nil is no limit.
	Capacity *int
	// Reminders are the session's own ("7d,1d,1h"); "" for REMINDERS.
	Reminders   string
	OrganiserID *int64
	// Agenda is the programme the session was imported from, if any.
	Agenda *AgendaRef
}

// AgendaRef names an imported session in its programme.
type AgendaRef struct {
	Source, Key string
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, p SessionParams) (Session, error) {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return Session{}, err
	}
	var out Session
	err := s.db.GetContext(ctx, &out, `
		INSERT INTO sessions (kind, title, description, location, join_url, page_url, contact, timezone,
		                      starts_at, ends_at, accessible, organiser_id, agenda_source, agenda_key, capacity, reminders)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
		RETURNING`+sessionColumns,
		p.Kind, p.Title, p.Description, p.Location, p.JoinURL, p.PageURL, p.Contact, p.Timezone,
		p.StartsAt, p.EndsAt, p.Accessible, p.OrganiserID, agendaSource(p.Agenda), agendaKey(p.Agenda), p.Capacity, p.Reminders)
	if err != nil {
		return Session{}, fmt.Errorf("create session: %w", interpretError(err))
	}
	return out, nil
}

// SessionByID reads one session.
func (s *Store) SessionByID(ctx context.Context, id int64) (Session, error) {
	var out Session
	err := s.db.GetContext(ctx, &out, `SELECT`+sessionColumns+` FROM sessions WHERE id = $1`, id)
	if err != nil {
		return Session{}, fmt.Errorf("read session %d: %w", id, interpretError(err))
	}
	return out, nil
}

// SessionFilter selects sessions for a listing.
type SessionFilter struct {
	// IncludePast lists sessions already over too.
	IncludePast bool
	// OrganiserID, when set, keeps an organiser's sessions only.
	OrganiserID *int64
	// ScheduledOnly leaves out cancelled sessions.
	ScheduledOnly bool
}

// Sessions lists sessions by start time: by default those not over yet.
func (s *Store) Sessions(ctx context.Context, f SessionFilter) ([]Session, error) {
	var out []Session
	err := s.db.SelectContext(ctx, &out, `
		SELECT`+sessionColumns+`
		FROM sessions
		WHERE ($1 OR coalesce(ends_at, starts_at) > now())
		  AND ($2::bigint IS NULL OR organiser_id = $2)
		  AND (NOT $3 OR status = 'scheduled')
		ORDER BY starts_at, id`, f.IncludePast, f.OrganiserID, f.ScheduledOnly)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	return out, nil
}

// SessionChanges holds the fields to change; nil leaves a field as it is.
type SessionChanges struct {
	Kind        *kind.Session
	Title       *string
	Description *string
	Location    *string
	JoinURL     *string
	PageURL     *string
	Contact     *string
	Timezone    *string
	StartsAt    *time.Time
	EndsAt      *time.Time
	Accessible  *bool
	// Capacity changes the number of places; 0 removes the limit.
	Capacity *int
	// Reminders changes the session's own reminders; "" goes back to
	// REMINDERS.
	Reminders *string
}

// UpdateSession applies changes under the session's fence. Moving the start
// raises the schedule version: reminders planned for the old time are
// dropped, the scheduler plans them again for the new time, and the
// confirmed sign-ups get a reschedule notice.
func (s *Store) UpdateSession(ctx context.Context, id int64, c SessionChanges) (Session, bool, error) {
	var out Session
	var moved bool
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		cur, err := lockSessionForChange(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.Status == SessionCancelled {
			return ErrCancelled
		}
		next := c.apply(cur)
		p := next.params()
		p.Normalize()
		next.Title, next.Location, next.Description, next.Contact, next.Reminders = p.Title, p.Location, p.Description, p.Contact, p.Reminders
		if err := p.Validate(); err != nil {
			return err
		}
		moved = !next.StartsAt.Equal(cur.StartsAt)
		// Another zone moves the reminders counted in days (the same
		// wall-clock time there), not the session: a new schedule, no
		// notice.
		// Other reminders too: what was sent stays sent (the planner
		// skips a reminder already sent for the same instant).
		replan := moved || next.Timezone != cur.Timezone || next.Reminders != cur.Reminders
		out, err = saveSession(ctx, tx, next, replan)
		if err != nil {
			return err
		}
		// More places, or none counted any more: the waiting list moves up.
		if err := s.fillPlaces(ctx, tx, id); err != nil {
			return err
		}
		if !replan {
			return nil
		}
		if moved {
			if err := insertRescheduleNotices(ctx, tx, cur, out); err != nil {
				return err
			}
		}
		return replanSession(ctx, tx, id)
	})
	if err != nil {
		return Session{}, false, fmt.Errorf("update session %d: %w", id, err)
	}
	return out, moved, nil
}

func (c SessionChanges) apply(cur Session) Session {
	next := cur
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	if c.Kind != nil {
		next.Kind = *c.Kind
	}
	set(&next.Title, c.Title)
	set(&next.Description, c.Description)
	set(&next.Location, c.Location)
	set(&next.JoinURL, c.JoinURL)
	set(&next.PageURL, c.PageURL)
	set(&next.Contact, c.Contact)
	set(&next.Timezone, c.Timezone)
	set(&next.Reminders, c.Reminders)
	if c.StartsAt != nil {
		next.StartsAt = *c.StartsAt
		// A session moved keeps its length unless a new end is given.
		if c.EndsAt == nil && cur.EndsAt != nil {
			end := cur.EndsAt.Add(next.StartsAt.Sub(cur.StartsAt))
			next.EndsAt = &end
		}
	}
	if c.EndsAt != nil {
		next.EndsAt = c.EndsAt
	}
	if c.Accessible != nil {
		next.Accessible = *c.Accessible
	}
	if c.Capacity != nil {
		next.Capacity = c.Capacity
		if *c.Capacity == 0 {
			next.Capacity = nil
		}
	}
	return next
}

func (cur Session) params() SessionParams {
	return SessionParams{
		Kind: cur.Kind, Title: cur.Title, Description: cur.Description,
		Location: cur.Location, JoinURL: cur.JoinURL, PageURL: cur.PageURL, Contact: cur.Contact,
		Timezone: cur.Timezone, StartsAt: cur.StartsAt, EndsAt: cur.EndsAt, Accessible: cur.Accessible,
		Capacity: cur.Capacity, Reminders: cur.Reminders,
	}
}

func saveSession(ctx context.Context, tx *sqlx.Tx, next Session, moved bool) (Session, error) {
	var out Session
	err := tx.GetContext(ctx, &out, `
		UPDATE sessions SET
			kind = $2,
			title = $3,
			description = $4,
			location = $5,
			join_url = $6,
			starts_at = $7,
			ends_at = $8,
			accessible = $10,
			page_url = $11,
			contact = $12,
			timezone = $13,
			capacity = $14,
			reminders = $15,
			schedule_version = schedule_version + CASE WHEN $9 THEN 1 ELSE 0 END,
			schedule_changed_at = CASE WHEN $9 THEN now() ELSE schedule_changed_at END,
			updated_at = now()
		WHERE id = $1
		RETURNING`+sessionColumns,
		next.ID, next.Kind, next.Title, next.Description, next.Location, next.JoinURL,
		next.StartsAt, next.EndsAt, moved, next.Accessible, next.PageURL, next.Contact, next.Timezone, next.Capacity, next.Reminders)
	if err != nil {
		return Session{}, interpretError(err)
	}
	return out, nil
}

// replanSession drops the pending reminders and reschedule notices of older
// schedules and marks the confirmed sign-ups for planning.
func replanSession(ctx context.Context, tx *sqlx.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `
		UPDATE deliveries SET
			status = 'skipped',
			skip_reason = 'rescheduled',
			claim_token = NULL,
			decided_at = now(),
			updated_at = now()
		WHERE session_id = $1
		  AND status = 'pending'
		  AND (kind ~ '`+reminderKindPattern+`' OR kind = 'reschedule')
		  AND schedule_version < (SELECT schedule_version FROM sessions WHERE id = $1)`, id); err != nil {
		return fmt.Errorf("drop reminders of the old schedule: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE signups SET needs_plan = true
		WHERE session_id = $1 AND status = 'confirmed'`, id); err != nil {
		return fmt.Errorf("mark sign-ups for planning: %w", err)
	}
	return nil
}

// CancelSession cancels a session under its fence: once it returns, no
// reminder of the session is being sent or will be. The confirmed sign-ups
// of a session still to come get a cancellation notice.
func (s *Store) CancelSession(ctx context.Context, id int64) (Session, error) {
	var out Session
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		cur, err := lockSessionForChange(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.Status == SessionCancelled {
			return ErrCancelled
		}
		if err := tx.GetContext(ctx, &out, `
			UPDATE sessions SET status = 'cancelled', updated_at = now()
			WHERE id = $1
			RETURNING`+sessionColumns, id); err != nil {
			return interpretError(err)
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE deliveries SET
				status = 'skipped',
				skip_reason = 'session_cancelled',
				claim_token = NULL,
				decided_at = now(),
				updated_at = now()
			WHERE session_id = $1 AND status = 'pending'`, id); err != nil {
			return fmt.Errorf("drop pending deliveries: %w", err)
		}
		return insertCancellationNotices(ctx, tx, out)
	})
	if err != nil {
		return Session{}, fmt.Errorf("cancel session %d: %w", id, err)
	}
	return out, nil
}

// lockSessionForChange takes the session's fence exclusively (waiting for
// the sends in flight for it to end) and then its row.
func lockSessionForChange(ctx context.Context, tx *sqlx.Tx, id int64) (Session, error) {
	if err := lockFenceExclusive(ctx, tx, id); err != nil {
		return Session{}, err
	}
	var cur Session
	if err := tx.GetContext(ctx, &cur, `SELECT`+sessionColumns+` FROM sessions WHERE id = $1 FOR UPDATE`, id); err != nil {
		return Session{}, interpretError(err)
	}
	return cur, nil
}
