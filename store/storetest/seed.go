package storetest

import (
	"context"
	"database/sql"
	"testing"
	"time"
)

// Programme is a bulk of sessions and confirmed sign-ups for benchmarks:
// Sessions webinaires, the first starting at FirstStart and the next every
// Spacing, each with PerSession agents signed up and confirmed, marked for
// planning as a confirmation marks them.
type Programme struct {
	Sessions   int
	PerSession int
	FirstStart time.Time
	Spacing    time.Duration
}

// Seed writes p in three set-based statements, far faster than the
// store's own paths, which a benchmark of the planner does not measure.
// Each agent has an address of its own.
func Seed(t testing.TB, dsn string, p Programme) {
	t.Helper()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	defer db.Close()
	ctx := context.Background()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO sessions (kind, title, starts_at)
		  SELECT 'webinaire', 'Webinaire n° ' || i, $2::timestamptz + (i - 1) * $3::interval
		  FROM generate_series(1, $1) AS i`,
			[]any{p.Sessions, p.FirstStart, p.Spacing.String()}},
		{`INSERT INTO subscribers (email, name)
		  SELECT 'agent-' || i || '@example.gouv.fr', 'Agent ' || i
		  FROM generate_series(1, $1::bigint * $2) AS i`,
			[]any{p.Sessions, p.PerSession}},
		{`INSERT INTO signups (session_id, subscriber_id, status, source, confirmed_at, needs_plan)
		  SELECT s.id, sub.id, 'confirmed', 'import', now(), true
		  FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS rank FROM sessions) s
		  JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS rank FROM subscribers) sub
		    ON sub.rank / $1 = s.rank`,
			[]any{p.PerSession}},
		{`ANALYZE`, nil},
	} {
		if _, err := db.ExecContext(ctx, q.sql, q.args...); err != nil {
			t.Fatalf("storetest: seed programme: %v", err)
		}
	}
}
