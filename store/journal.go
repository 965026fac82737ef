package store

import (
	"context"
	"fmt"
	"time"
)

// JournalEntry is one action of a team, as its journal shows it.
type JournalEntry struct {
	ID          int64  `db:"id"`
	OrganiserID int64  `db:"organiser_id"`
	MemberEmail string `db:"member_email"`
	Action      string `db:"action"`
	SessionID   *int64 `db:"session_id"`
	// SessionTitle is the title of the session, when it is still there.
	SessionTitle *string   `db:"session_title"`
	Detail       string    `db:"detail"`
	At           time.Time `db:"at"`
}

// Note writes an action in the journal of the team.
func (s *Store) Note(ctx context.Context, e JournalEntry) error {
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO organiser_journal (organiser_id, member_email, action, session_id, detail)
		VALUES ($1, $2, $3, $4, $5)`, e.OrganiserID, e.MemberEmail, e.Action, e.SessionID, e.Detail)
	if err != nil {
		return fmt.Errorf("write journal: %w", err)
	}
	return nil
}

// Journal is a page of the team's journal, newest first; an
// administrator's (organiserID 0) shows every team's.
func (s *Store) Journal(ctx context.Context, organiserID int64, limit, offset int) ([]JournalEntry, error) {
	var out []JournalEntry
	err := s.db.SelectContext(ctx, &out, `
		SELECT j.id, j.organiser_id, j.member_email, j.action, j.session_id, s.title AS session_title, j.detail, j.at
		FROM organiser_journal j LEFT JOIN sessions s ON s.id = j.session_id
		WHERE $1 = 0 OR j.organiser_id = $1 ORDER BY j.at DESC, j.id DESC LIMIT $2 OFFSET $3`, organiserID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("read journal: %w", err)
	}
	return out, nil
}

// PurgeJournal deletes the entries older than the retention of personal
// data: they name people.
func (s *Store) PurgeJournal(ctx context.Context, retention time.Duration) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM organiser_journal WHERE at < now() - $1 * interval '1 second'`, retention.Seconds())
	if err != nil {
		return fmt.Errorf("purge journal: %w", err)
	}
	return nil
}
