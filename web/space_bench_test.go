package web_test

import (
	"context"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// BenchmarkSpacePages opens the organisers' pages of a session with
// 100,000 sign-ups and 200,000 deliveries (one reminder sent, one to come,
// 1,000 failures), as a signed-in member: each sub-benchmark is one page,
// its time per request the figure to watch (make bench).
func BenchmarkSpacePages(b *testing.B) {
	bundle := setup(b)
	ctx := context.Background()
	orgID := bundle.team(b, "DINUM", "marie@numerique.gouv.fr", false).OrganiserID
	sess := bundle.sessionOf(b, orgID, "Atelier de 100 000 personnes")
	seed := []string{
		`INSERT INTO subscribers (email, name) SELECT 'agent' || g || '@example.gouv.fr', 'Agent ' || g FROM generate_series(1, 100000) g`,
		`INSERT INTO signups (session_id, subscriber_id, status, source, confirmed_at, created_at)
		 SELECT $1, id, 'confirmed', 'import', now(), now() - id * interval '1 second' FROM subscribers`,
		`INSERT INTO deliveries (signup_id, session_id, kind, schedule_version, due_at, next_attempt_at, status, sent_at, attempts)
		 SELECT id, $1, 'j1', 1, now() - interval '1 hour', now(), 'sent', now() - interval '59 minutes', 1 FROM signups WHERE session_id = $1`,
		`INSERT INTO deliveries (signup_id, session_id, kind, schedule_version, due_at, next_attempt_at)
		 SELECT id, $1, 'h1', 1, now() + interval '23 hours', now() + interval '23 hours' FROM signups WHERE session_id = $1`,
		`UPDATE deliveries SET status = 'failed', sent_at = NULL, last_error = '550 5.1.1 user unknown'
		 WHERE session_id = $1 AND kind = 'j1' AND signup_id % 100 = 0`,
		`ANALYZE`,
	}
	start := time.Now()
	for _, q := range seed {
		args := []any{sess.ID}
		if q == seed[0] || q == "ANALYZE" {
			args = nil
		}
		if _, err := bundle.st.DB().ExecContext(ctx, q, args...); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("seeded 100,000 sign-ups and 200,000 deliveries in %s", time.Since(start).Round(time.Millisecond))
	m := bundle.browser(b)
	m.signIn("marie@numerique.gouv.fr")
	base := "/organisateurs/sessions/" + strconv.FormatInt(sess.ID, 10)
	last := strconv.Itoa(100_000 / 50)
	for _, page := range []struct{ name, path string }{
		{"tableau-de-bord", "/organisateurs/"},
		{"session", base},
		{"inscriptions", base + "/inscriptions"},
		{"inscriptions-derniere-page", base + "/inscriptions?page=" + last},
		{"inscriptions-recherche", base + "/inscriptions?q=" + url.QueryEscape("agent99999@")},
		{"envois", base + "/envois"},
		{"envois-derniere-page", base + "/envois?page=" + strconv.Itoa(200_000/50)},
		{"export-csv", base + "/inscriptions.csv"},
	} {
		b.Run(page.name, func(b *testing.B) {
			m.t = b
			for range b.N {
				if p := m.get(page.path); p.code != 200 {
					b.Fatalf("%s: %d", page.path, p.code)
				}
			}
		})
	}
}
