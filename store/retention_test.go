package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dinum/rappel/store"
)

// TestRetention deletes the sign-ups of sessions over for longer than the
// retention period, and the addresses left unused; nothing of a session
// still in its period.
func TestRetention(t *testing.T) {
	t.Parallel()
	b := setup(t)
	old := b.session(t, sessionOpts{Title: "Ancienne"})
	recent := b.session(t, sessionOpts{Title: "Récente"})
	future := b.session(t, sessionOpts{Title: "À venir"})
	b.subscribe(t, old.ID, "seulement-ancienne@example.org")
	b.subscribe(t, old.ID, "les-deux@example.org")
	b.subscribe(t, recent.ID, "les-deux@example.org")
	b.subscribe(t, recent.ID, "recente@example.org")
	b.subscribe(t, future.ID, "future@example.org")
	g := b.subscribe(t, old.ID, "refus@example.org")
	if err := b.st.OptOut(b.ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	for id, ago := range map[int64]string{old.ID: "91 days", recent.ID: "89 days"} {
		if err := b.exec(t, `UPDATE sessions SET starts_at = now() - $2::interval, ends_at = now() - $2::interval + interval '1 hour' WHERE id = $1`, id, ago); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.st.PlanDeliveries(b.ctx, 10, planAt(time.Hour, "h1")); err != nil {
		t.Fatal(err)
	}
	signups, subscribers, err := b.st.PurgeEnded(b.ctx, 90*24*time.Hour)
	if err != nil || signups != 3 || subscribers != 1 {
		t.Errorf("purge = %d sign-ups, %d subscribers, %v; want 3 and 1", signups, subscribers, err)
	}
	var left []string
	_ = b.st.DB().Select(&left, `SELECT email FROM subscribers ORDER BY email`)
	if got := strings.Join(left, " "); got != "future@example.org les-deux@example.org recente@example.org refus@example.org" {
		t.Errorf("subscribers left: %s", got)
	}
	for _, s := range []store.Session{recent, future} {
		if gs, _ := b.st.Signups(b.ctx, s.ID); len(gs) == 0 {
			t.Errorf("session %q lost its sign-ups", s.Title)
		}
	}
	var deliveries int
	_ = b.st.DB().Get(&deliveries, `SELECT count(*) FROM deliveries WHERE session_id = $1`, old.ID)
	if deliveries != 0 {
		t.Errorf("%d deliveries left for the old session", deliveries)
	}
	if _, err := b.st.SessionByID(b.ctx, old.ID); err != nil {
		t.Errorf("the session itself went: %v", err)
	}
}

// TestForget erases an address everywhere: not one row of any table
// mentions it afterwards.
func TestForget(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s1, s2 := b.session(t, sessionOpts{Start: time.Now().Add(2 * time.Hour)}), b.session(t, sessionOpts{})
	g, _, err := b.st.Subscribe(b.ctx, store.SubscribeParams{SessionID: s1.ID, Email: "Camille.Martin@Example.org", Name: "Camille Martin", Source: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	b.subscribe(t, s2.ID, "camille.martin@example.org")
	b.subscribe(t, s2.ID, "autre@example.org")
	if _, err := b.st.PlanDeliveries(b.ctx, 10, planAt(2*time.Hour-time.Second, "h1")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	claimed, _ := b.st.ClaimDue(b.ctx, store.ClaimParams{Limit: 10, Lease: time.Minute, Token: tokens[0], Worker: "w"})
	var outcomes []store.Outcome
	for _, c := range claimed {
		outcomes = append(outcomes, store.Outcome{ID: c.ID, Token: tokens[0], Status: store.DeliveryPending, RetryAt: time.Now().Add(time.Hour),
			Attempt: store.AttemptDeferred, Error: "451 camille.martin@example.org temporarily deferred"})
	}
	if _, err := b.st.RecordOutcomes(b.ctx, outcomes); err != nil {
		t.Fatal(err)
	}
	export, err := b.st.ExportSubscriber(b.ctx, "CAMILLE.martin@example.org")
	if err != nil || export.Name != "Camille Martin" || len(export.Signups) != 2 || len(export.Deliveries) < 2 {
		t.Fatalf("export = %+v, %v", export, err)
	}
	if n, err := b.st.ForgetSubscriber(b.ctx, "camille.martin@example.org"); err != nil || n != 2 {
		t.Fatalf("forget = %d, %v", n, err)
	}
	if _, err := b.st.SignupByID(b.ctx, g.ID); err == nil {
		t.Error("a sign-up survived")
	}
	var tables []string
	_ = b.st.DB().Select(&tables, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)
	for _, table := range tables {
		for _, trace := range []string{"camille", "Camille Martin"} {
			var n int
			if err := b.st.DB().Get(&n, `SELECT count(*) FROM `+table+` t WHERE t::text ILIKE '%' || $1 || '%'`, trace); err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				t.Errorf("table %s still holds %d row(s) mentioning %q", table, n, trace)
			}
		}
	}
	if gs, _ := b.st.Signups(b.ctx, s2.ID); len(gs) != 1 || gs[0].Email != "autre@example.org" {
		t.Errorf("others' sign-ups: %+v", gs)
	}
	if _, err := b.st.ForgetSubscriber(b.ctx, "camille.martin@example.org"); err == nil {
		t.Error("forgetting twice found something")
	}
}
