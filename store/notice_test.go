package store_test

import (
	"testing"
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/store"
)

func TestLeaseRenewAndTakeover(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.session(t, sessionOpts{Start: time.Now().Add(2 * time.Hour)})
	b.subscribe(t, s.ID, "a@example.org")
	if _, err := b.st.PlanDeliveries(b.ctx, 10, planAt(2*time.Hour-time.Second, "reminder-2h")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	claim := func(tok string) []store.Claimed {
		c, err := b.st.ClaimDue(b.ctx, store.ClaimParams{Limit: 10, Lease: time.Second, Token: tok, Worker: "w"})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	first := claim(tokens[0])
	if len(first) != 1 {
		t.Fatalf("claimed %d", len(first))
	}
	// Renewed, the claim outlives its first lease.
	if err := b.st.RenewClaims(b.ctx, []string{tokens[0]}, []int64{first[0].ID}, 3*time.Second); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1300 * time.Millisecond)
	if got := claim(tokens[1]); len(got) != 0 {
		t.Fatalf("taken over during a renewed lease: %v", got)
	}
	// Not renewed any more (the replica died), it is taken over, and the
	// first replica's late write matches nothing.
	time.Sleep(2 * time.Second)
	if got := claim(tokens[1]); len(got) != 1 {
		t.Fatalf("not taken over after the lease: %v", got)
	}
	id := first[0].ID
	if n, _ := b.st.RecordOutcomes(b.ctx, []store.Outcome{{ID: id, Token: tokens[0], Status: store.DeliverySent, At: time.Now(), Attempt: store.AttemptAccepted}}); n != 0 {
		t.Errorf("the replica whose lease was taken over wrote %d rows", n)
	}
	if n, _ := b.st.RecordOutcomes(b.ctx, []store.Outcome{{ID: id, Token: tokens[1], Status: store.DeliverySent, At: time.Now(), Attempt: store.AttemptAccepted}}); n != 1 {
		t.Errorf("the new owner wrote %d rows", n)
	}
}

func TestRescheduleNotices(t *testing.T) {
	t.Parallel()
	b := setup(t)
	t0 := time.Now().Add(48 * time.Hour).Truncate(time.Second)
	end := t0.Add(time.Hour)
	s, err := b.st.CreateSession(b.ctx, store.SessionParams{Kind: "atelier", Title: "Atelier", StartsAt: t0, EndsAt: &end})
	if err != nil {
		t.Fatal(err)
	}
	b.subscribe(t, s.ID, "reste@example.org")
	gone := b.subscribe(t, s.ID, "parti@example.org")
	if _, _, err := b.st.Unsubscribe(b.ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	notices := func() []store.DeliveryReport {
		rows, _ := b.st.SessionDeliveries(b.ctx, s.ID)
		var out []store.DeliveryReport
		for _, r := range rows {
			if r.Kind == kind.Reschedule {
				out = append(out, r)
			}
		}
		return out
	}
	var previous []time.Time
	move := func(to time.Time) {
		if _, _, err := b.st.UpdateSession(b.ctx, s.ID, store.SessionChanges{StartsAt: &to}); err != nil {
			t.Fatal(err)
		}
		var prev time.Time
		if err := b.st.DB().Get(&prev, `SELECT previous_starts_at FROM deliveries WHERE kind = 'reschedule' AND status = 'pending'`); err != nil {
			t.Fatal(err)
		}
		previous = append(previous, prev)
	}
	move(t0.Add(2 * time.Hour))
	if n := notices(); len(n) != 1 || n[0].Email != "reste@example.org" || !previous[0].Equal(t0) {
		t.Fatalf("after the first move: %+v, previous %v", n, previous)
	}
	// Moved again before the first notice left: it is dropped, and the new
	// one still shows the time the recipient knew.
	move(t0.Add(4 * time.Hour))
	n := notices()
	if len(n) != 2 || n[0].Status != store.DeliverySkipped || n[1].Status != store.DeliveryPending || !previous[1].Equal(t0) {
		t.Errorf("after the second move: %+v, previous %v", n, previous)
	}
}

func TestReminderAlreadySentForAnEarlierSchedule(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.session(t, sessionOpts{Start: time.Now().Add(48 * time.Hour)})
	b.subscribe(t, s.ID, "a@example.org")
	plan := planAt(time.Hour, "h1")
	if _, err := b.st.PlanDeliveries(b.ctx, 10, plan); err != nil {
		t.Fatal(err)
	}
	// Pretend the H-1 left.
	if err := b.exec(t, `UPDATE deliveries SET status = 'sent', sent_at = now(), decided_at = now()`); err != nil {
		t.Fatal(err)
	}
	status := func(version int) string {
		var st string
		_ = b.st.DB().Get(&st, `SELECT status || coalesce(':' || skip_reason, '') FROM deliveries WHERE kind = 'h1' AND schedule_version = $1`, version)
		return st
	}
	// Moved by half an hour: the H-1 already sent is close enough.
	start := s.StartsAt.Add(30 * time.Minute)
	if _, _, err := b.st.UpdateSession(b.ctx, s.ID, store.SessionChanges{StartsAt: &start}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.st.PlanDeliveries(b.ctx, 10, plan); err != nil {
		t.Fatal(err)
	}
	if got := status(2); got != "skipped:already_sent" {
		t.Errorf("H-1 after a move of 30 min: %s", got)
	}
	// Moved by three hours: a new H-1 makes sense.
	start = start.Add(3 * time.Hour)
	if _, _, err := b.st.UpdateSession(b.ctx, s.ID, store.SessionChanges{StartsAt: &start}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.st.PlanDeliveries(b.ctx, 10, plan); err != nil {
		t.Fatal(err)
	}
	if got := status(3); got != "pending" {
		t.Errorf("H-1 after a move of 3 h: %s", got)
	}
}
