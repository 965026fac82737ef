package store

import (
	"context"
	"fmt"
	"strconv"
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

// AgendaSessions reads the sessions of one owner's programme (owner nil:
// the operator's), cancelled ones included, by start. A programme of the
// same name imported by another owner is another programme.
func (s *Store) AgendaSessions(ctx context.Context, owner *int64, source string) ([]Session, error) {
	var out []Session
	err := s.db.SelectContext(ctx, &out, `
		SELECT`+sessionColumns+` FROM sessions
		WHERE agenda_source = $1 AND organiser_id IS NOT DISTINCT FROM $2
		ORDER BY starts_at, id`, source, owner)
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

// LockAgenda takes the lock of one owner's programme, so that two replicas
// following the same feed, or two members of a team importing the same
// post, do not both create its sessions; another owner's import of the
// same name never waits for it. Without wait, ok says whether it was free.
// unlock must be called when ok.
func (s *Store) LockAgenda(ctx context.Context, owner *int64, source string, wait bool) (unlock func(), ok bool, err error) {
	var ownerKey int64
	if owner != nil {
		ownerKey = *owner
	}
	source = strconv.FormatInt(ownerKey, 10) + "|" + source
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
