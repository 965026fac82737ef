package store

import (
	"context"

	"fmt"
)

func agendaSource(a *AgendaRef) *string {
	if a == nil {
		return nil
	}
	return &a.Source
}

func agendaKey(a *AgendaRef) *string {
	if a == nil {
		return nil
	}
	return &a.Key
}

// AgendaSessions reads the sessions imported from a programme, cancelled
// ones included, by start.
func (s *Store) AgendaSessions(ctx context.Context, source string) ([]Session, error) {
	var out []Session
	err := s.db.SelectContext(ctx, &out, `
		SELECT`+sessionColumns+` FROM sessions WHERE agenda_source = $1 ORDER BY starts_at, id`, source)
	if err != nil {
		return nil, fmt.Errorf("read sessions of agenda: %w", err)
	}
	return out, nil
}

// SetAgendaKey changes the key of an imported session, when the next
// import found it under another (its date changed).
func (s *Store) SetAgendaKey(ctx context.Context, id int64, key string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE sessions SET agenda_key = $2, updated_at = now() WHERE id = $1 AND agenda_source IS NOT NULL`, id, key)
	if err != nil {
		return fmt.Errorf("set agenda key of session %d: %w", id, interpretError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("set agenda key of session %d: %w", id, ErrNotFound)
	}
	return nil
}

// LockAgenda takes the lock of a programme's imports, so that two replicas
// following the same feed, or two organisers importing the same post, do
// not both create its sessions. Without wait, ok says whether it was free.
// unlock must be called when ok.
func (s *Store) LockAgenda(ctx context.Context, source string, wait bool) (unlock func(), ok bool, err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("lock agenda: %w", err)
	}
	q := `SELECT pg_try_advisory_lock(hashtext('rappel-agenda'), hashtext($1))`
	if wait {
		q = `SELECT true FROM pg_advisory_lock(hashtext('rappel-agenda'), hashtext($1))`
	}
	if err := conn.QueryRowContext(ctx, q, source).Scan(&ok); err != nil || !ok {
		conn.Close()
		if err != nil {
			return nil, false, fmt.Errorf("lock agenda: %w", err)
		}
		return nil, false, nil
	}
	return func() {
		// A fresh context: the lock must go even when ctx has ended.
		var released bool
		_ = conn.QueryRowContext(context.Background(),
			`SELECT pg_advisory_unlock(hashtext('rappel-agenda'), hashtext($1))`, source).Scan(&released)
		conn.Close()
	}, true, nil
}
