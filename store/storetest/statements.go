package storetest

import (
	"context"
	"database/sql"
	"testing"

	_ "github.com/lib/pq" // the driver of database/sql
)

// Statements counts the SQL statements run on one database, through
// pg_stat_statements: the cluster must preload it (ClusterConfig.Preload).
type Statements struct {
	t  testing.TB
	db *sql.DB
}

// NewStatements creates the extension in the database of dsn.
func NewStatements(t testing.TB, dsn string) *Statements {
	t.Helper()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`); err != nil {
		t.Fatalf("storetest: pg_stat_statements (preloaded?): %v", err)
	}
	return &Statements{t: t, db: db}
}

// Reset starts the count again.
func (s *Statements) Reset() {
	s.t.Helper()
	if _, err := s.db.Exec(`SELECT pg_stat_statements_reset()`); err != nil {
		s.t.Fatalf("storetest: reset statement counts: %v", err)
	}
}

// Count is the number of statements run on the database since Reset, but
// for those about pg_stat_statements itself (this counter's own).
func (s *Statements) Count(ctx context.Context) int64 {
	s.t.Helper()
	var n sql.NullInt64
	err := s.db.QueryRowContext(ctx, `
		SELECT sum(calls) FROM pg_stat_statements
		WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
		  AND query NOT LIKE '%pg_stat_statements%'`).Scan(&n)
	if err != nil {
		s.t.Fatalf("storetest: count statements: %v", err)
	}
	return n.Int64
}

// Top lists the statements run most often since Reset, for a profile.
func (s *Statements) Top(ctx context.Context, n int) []StatementCount {
	s.t.Helper()
	rows, err := s.db.QueryContext(ctx, `
		SELECT calls, round(total_exec_time::numeric, 1), left(regexp_replace(query, '\s+', ' ', 'g'), 160)
		FROM pg_stat_statements
		WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
		  AND query NOT LIKE '%pg_stat_statements%'
		ORDER BY calls DESC LIMIT $1`, n)
	if err != nil {
		s.t.Fatalf("storetest: list statements: %v", err)
	}
	defer rows.Close()
	var out []StatementCount
	for rows.Next() {
		var c StatementCount
		if err := rows.Scan(&c.Calls, &c.TotalMS, &c.Query); err != nil {
			s.t.Fatalf("storetest: list statements: %v", err)
		}
		out = append(out, c)
	}
	return out
}

// StatementCount is one line of Top.
type StatementCount struct {
	Calls   int64
	TotalMS float64
	Query   string
}
