package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// fenceClass is the first key of the session fences' advisory locks
// ("rapl" in ASCII). The second is a hash of the session id: a collision
// only makes two sessions wait for each other, never breaks the rule.
const fenceClass = 0x7261706c

// A session's fence makes "a change that committed before the send always
// wins" hold exactly. Senders hold it shared, on their own connection, from
// the moment they read a session's deliveries again until the outcomes of
// what they sent are committed; a change that can stop a send (cancel, move,
// unsubscribe) takes it exclusively in its transaction. The change therefore
// waits for the messages in flight, and every send that starts after it
// commits reads its effect.
func lockFenceExclusive(ctx context.Context, tx *sqlx.Tx, sessionID int64) error {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, hashint8($2))`, fenceClass, sessionID); err != nil {
		return fmt.Errorf("lock session fence: %w", err)
	}
	return nil
}

// Fence is a sender's connection, on which it holds session fences shared.
// A broken connection (the database restarted) has lost its locks with it:
// the fence then opens a new one at the next Hold. It is not safe for
// concurrent use.
type Fence struct {
	db   *sqlx.DB
	conn *sqlx.Conn
}

// Fence prepares a connection for holding fences, opened at the first Hold.
func (s *Store) Fence() *Fence {
	return &Fence{db: s.db}
}

func (f *Fence) connect(ctx context.Context) error {
	if f.conn != nil {
		return nil
	}
	conn, err := f.db.Connx(ctx)
	if err != nil {
		return fmt.Errorf("open fence connection: %w", err)
	}
	f.conn = conn
	return nil
}

// drop forgets a connection that failed.
func (f *Fence) drop() {
	if f.conn != nil {
		_ = f.conn.Close()
		f.conn = nil
	}
}

// Hold takes the session's fence shared, waiting for a change in progress.
func (f *Fence) Hold(ctx context.Context, sessionID int64) error {
	if err := f.connect(ctx); err != nil {
		return err
	}
	if _, err := f.conn.ExecContext(ctx, `SELECT pg_advisory_lock_shared($1, hashint8($2))`, fenceClass, sessionID); err != nil {
		f.drop()
		return fmt.Errorf("hold session fence: %w", err)
	}
	return nil
}

// Release lets changes of the session go ahead. If the release fails, the
// connection is closed, which releases the lock anyway.
func (f *Fence) Release(ctx context.Context, sessionID int64) error {
	if f.conn == nil {
		return nil
	}
	if _, err := f.conn.ExecContext(ctx, `SELECT pg_advisory_unlock_shared($1, hashint8($2))`, fenceClass, sessionID); err != nil {
		f.drop()
		return fmt.Errorf("release session fence: %w", err)
	}
	return nil
}

// Close ends the connection, which releases any fence still held.
func (f *Fence) Close() error {
	f.drop()
	return nil
}
