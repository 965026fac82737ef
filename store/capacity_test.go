package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/store/storetest"
)

// capped is a session of n places.
func (b *testBundle) capped(t *testing.T, n int, start time.Time) store.Session {
	t.Helper()
	s, err := b.st.CreateSession(b.ctx, store.SessionParams{Kind: "atelier", Title: "Atelier de vingt chaises",
		StartsAt: start, Capacity: &n})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (b *testBundle) statuses(t *testing.T, sessionID int64) map[string]int {
	t.Helper()
	rows, err := b.st.DB().QueryContext(b.ctx, `SELECT status, count(*) FROM signups WHERE session_id = $1 GROUP BY status`, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		_ = rows.Scan(&s, &n)
		out[s] = n
	}
	return out
}

// TestCapacityRace: 50 organisers' additions racing for 10 places, from
// two stores (two replicas' connection pools), give exactly 10 confirmed
// and 40 on the waiting list, in the order they were let in.
func TestCapacityRace(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.capped(t, 10, time.Now().Add(72*time.Hour))
	other, err := store.Open(b.ctx, storetestDSN(t, b), 25)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := range 50 {
		st := b.st
		if i%2 == 1 {
			st = other
		}
		wg.Go(func() {
			_, _, err := st.Subscribe(b.ctx, store.SubscribeParams{SessionID: s.ID, Email: fmt.Sprintf("agent%d@example.gouv.fr", i), Source: "api"})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("subscribe: %v", err)
		}
	}
	if got := b.statuses(t, s.ID); got["confirmed"] != 10 || got["waitlisted"] != 40 {
		t.Errorf("after the race: %v, want 10 confirmed and 40 waiting", got)
	}
	// The database refuses an 11th place whatever writes it.
	err = b.exec(t, `UPDATE signups SET status = 'confirmed', confirmed_at = now() WHERE id = (
		SELECT id FROM signups WHERE session_id = $1 AND status = 'waitlisted' LIMIT 1)`, s.ID)
	if err == nil {
		t.Error("the database let an 11th person in")
	}
}

// storetestDSN is the address of the database of the bundle's store.
func storetestDSN(t *testing.T, b *testBundle) string {
	t.Helper()
	var name string
	if err := b.st.DB().GetContext(b.ctx, &name, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	return storetest.WithDatabase(storetest.AdminURL(t), name)
}

// TestWaitingList: a full session's waiting list, the offer of a place
// freed by a cancellation, taken; an offer that expires passes to the
// next; raising the capacity offers the new places in order; the
// database's view of the places stays right throughout.
func TestWaitingList(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.st.SetOfferPolicy(store.OfferPolicy{TTL: time.Hour})
	s := b.capped(t, 2, time.Now().Add(72*time.Hour))
	var g []store.Signup
	for i := range 5 {
		g = append(g, b.subscribe(t, s.ID, fmt.Sprintf("agent%d@example.gouv.fr", i)))
	}
	if g[1].Status != store.SignupConfirmed || g[2].Status != store.SignupWaitlisted {
		t.Fatalf("statuses: %s, %s", g[1].Status, g[2].Status)
	}
	if pos, _ := b.st.WaitingPosition(b.ctx, g[3].ID); pos != 2 {
		t.Errorf("position of the 4th: %d, want 2", pos)
	}
	notices := func(kind string) int {
		var n int
		_ = b.st.DB().GetContext(b.ctx, &n, `SELECT count(*) FROM deliveries WHERE session_id = $1 AND kind = $2`, s.ID, kind)
		return n
	}
	if notices("waitlisted") != 3 {
		t.Errorf("%d waiting-list messages, want 3", notices("waitlisted"))
	}
	// A cancellation frees a place: the first in line is offered it.
	if _, _, err := b.st.Unsubscribe(b.ctx, g[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.st.OfferOf(b.ctx, g[2].ID); err != nil || notices("offer") != 1 {
		t.Fatalf("offer to the first waiting: %v, %d offers", err, notices("offer"))
	}
	if _, err := b.st.OfferOf(b.ctx, g[3].ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the second waiting got an offer too: %v", err)
	}
	taken, err := b.st.TakeOffer(b.ctx, g[2].ID)
	if err != nil || taken.Status != store.SignupConfirmed {
		t.Fatalf("take: %+v, %v", taken, err)
	}
	if _, err := b.st.TakeOffer(b.ctx, g[2].ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an offer taken twice: %v", err)
	}
	// Another place, an offer that expires: it passes to the next.
	if _, _, err := b.st.Unsubscribe(b.ctx, g[1].ID); err != nil {
		t.Fatal(err)
	}
	if err := b.exec(t, `UPDATE signups SET offer_expires_at = now() - interval '1 second' WHERE id = $1`, g[3].ID); err != nil {
		t.Fatal(err)
	}
	if n, err := b.st.ExpireOffers(b.ctx); err != nil || n != 1 {
		t.Fatalf("expire: %d, %v", n, err)
	}
	if _, err := b.st.OfferOf(b.ctx, g[4].ID); err != nil {
		t.Errorf("the offer did not pass to the next: %v", err)
	}
	if got := b.statuses(t, s.ID); got["confirmed"] != 1 || got["offered"] != 1 || got["unsubscribed"] != 3 {
		t.Errorf("statuses: %v", got)
	}
	// Raising the capacity offers the new places, in order.
	for i := 5; i < 8; i++ {
		b.subscribe(t, s.ID, fmt.Sprintf("agent%d@example.gouv.fr", i))
	}
	four := 4
	if _, _, err := b.st.UpdateSession(b.ctx, s.ID, store.SessionChanges{Capacity: &four}); err != nil {
		t.Fatal(err)
	}
	var offered []string
	_ = b.st.DB().SelectContext(b.ctx, &offered, `SELECT sub.email FROM signups g JOIN subscribers sub ON sub.id = g.subscriber_id
		WHERE g.session_id = $1 AND g.status = 'offered' ORDER BY sub.email`, s.ID)
	if fmt.Sprint(offered) != "[agent4@example.gouv.fr agent5@example.gouv.fr agent6@example.gouv.fr]" {
		t.Errorf("offers after raising the capacity: %v", offered)
	}
}

// TestNoOfferNearTheStart: a place freed three hours before the start is
// offered to nobody; an offer made earlier ends two hours before it.
func TestNoOfferNearTheStart(t *testing.T) {
	t.Parallel()
	b := setup(t)
	soon := b.capped(t, 1, time.Now().Add(2*time.Hour+50*time.Minute))
	first := b.subscribe(t, soon.ID, "premier@example.gouv.fr")
	b.subscribe(t, soon.ID, "second@example.gouv.fr")
	if _, _, err := b.st.Unsubscribe(b.ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	if got := b.statuses(t, soon.ID); got["offered"] != 0 || got["waitlisted"] != 1 {
		t.Errorf("an offer within 3 hours of the start: %v", got)
	}
	later := b.capped(t, 1, time.Now().Add(10*time.Hour))
	first = b.subscribe(t, later.ID, "premier@example.gouv.fr")
	second := b.subscribe(t, later.ID, "second@example.gouv.fr")
	if _, _, err := b.st.Unsubscribe(b.ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	o, err := b.st.OfferOf(b.ctx, second.ID)
	if err != nil || o.ExpiresAt.After(later.StartsAt.Add(-2*time.Hour)) {
		t.Errorf("offer: %v until %v, session at %v", err, o.ExpiresAt, later.StartsAt)
	}
}

// TestImportIntoAFullSession: an import beyond the capacity signs up the
// first lines and puts the others on the waiting list, in the file's
// order, and says so.
func TestImportIntoAFullSession(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.capped(t, 3, time.Now().Add(72*time.Hour))
	b.subscribe(t, s.ID, "deja@example.gouv.fr")
	var rows []store.ImportRow
	for i := range 5 {
		rows = append(rows, store.ImportRow{Line: i + 2, Email: fmt.Sprintf("ligne%d@example.gouv.fr", i+2)})
	}
	res, err := b.st.ImportSignups(b.ctx, s.ID, rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Added) != 2 || len(res.Waitlisted) != 3 || res.Waitlisted[0].Line != 4 {
		t.Errorf("import: %d added, waiting %+v", len(res.Added), res.Waitlisted)
	}
	var first string
	_ = b.st.DB().GetContext(b.ctx, &first, `SELECT sub.email FROM signups g JOIN subscribers sub ON sub.id = g.subscriber_id
		WHERE g.session_id = $1 AND g.status = 'waitlisted' ORDER BY g.waitlisted_at, g.id LIMIT 1`, s.ID)
	if first != "ligne4@example.gouv.fr" {
		t.Errorf("first waiting: %s", first)
	}
}
