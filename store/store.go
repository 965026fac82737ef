// Package store is the only place that speaks SQL. It keeps sessions,
// subscribers, sign-ups and deliveries in PostgreSQL, which is rappel's only
// state: several replicas coordinate through it alone (row locks, SKIP
// LOCKED, advisory locks and LISTEN/NOTIFY).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Errors the store returns in place of driver errors, so that callers never
// depend on lib/pq.
var (
	ErrNotFound  = errors.New("not found")
	ErrDuplicate = errors.New("duplicate")
	ErrInvalid   = errors.New("invalid value")
	// ErrUnreachable: the database could not be reached at all.
	ErrUnreachable = errors.New("database unreachable")
)

// Store is the database handle shared by the whole process.
type Store struct {
	db *sqlx.DB
	// offers is the rule of offers of freed places.
	offers OfferPolicy
}

// Open connects to PostgreSQL and checks that it answers.
func Open(ctx context.Context, databaseURL string, maxConns int) (*Store, error) {
	db, err := sqlx.Open("postgres", databaseURL)
	if err != nil {
		return nil, fmt.Errorf("open database: %w: %w", ErrUnreachable, err)
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w: %w", ErrUnreachable, err)
	}
	return &Store{db: db}, nil
}

// New wraps an existing pool; tests use it.
func New(db *sqlx.DB) *Store { return &Store{db: db} }

// Close releases the pool.
func (s *Store) Close() error { return s.db.Close() }

// DB exposes the pool to the test helpers of this module.
func (s *Store) DB() *sqlx.DB { return s.db }

// Ping says whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// Now is the database's clock: due times and leases are compared with it,
// so that the clocks of the replicas do not matter.
func (s *Store) Now(ctx context.Context) (time.Time, error) {
	var now time.Time
	if err := s.db.GetContext(ctx, &now, `SELECT now()`); err != nil {
		return time.Time{}, fmt.Errorf("read database clock: %w", err)
	}
	return now, nil
}

// interpretError turns driver errors into the store's own.
func interpretError(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch pqErr.Code {
		case "RP001":
			return fmt.Errorf("%w: %s", ErrFull, pqErr.Message)
		case "23505":
			return fmt.Errorf("%w: %s", ErrDuplicate, pqErr.Constraint)
		case "23514", "23502", "22P02", "22001", "22007", "22008":
			return fmt.Errorf("%w: %s", ErrInvalid, pqErr.Message)
		}
	}
	return err
}

// inTx runs fn in a transaction, committed when fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", interpretError(err))
	}
	return nil
}

func isUndefinedTable(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "42P01"
}
