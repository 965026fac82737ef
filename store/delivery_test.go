package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/store"
)

// planAt plans one reminder per session, due before offset the start.
func planAt(offset time.Duration, k string) store.PlanFunc {
	return func(sessions []store.SessionSchedule) []store.PlannedReminder {
		var out []store.PlannedReminder
		for _, s := range sessions {
			if s.Open {
				out = append(out, store.PlannedReminder{SessionID: s.ID, ScheduleVersion: s.ScheduleVersion, Kind: kind.Message(k), DueAt: s.StartsAt.Add(-offset), Offset: offset})
			}
		}
		return out
	}
}

func TestPlanDeliveries(t *testing.T) {
	t.Parallel()
	b := setup(t)
	soon := b.session(t, sessionOpts{Start: time.Now().Add(30 * time.Minute)})
	later := b.session(t, sessionOpts{Start: time.Now().Add(3 * time.Hour)})
	for _, e := range []string{"a@example.org", "b@example.org"} {
		b.subscribe(t, soon.ID, e)
		b.subscribe(t, later.ID, e)
	}
	n, err := b.st.PlanDeliveries(b.ctx, 100, planAt(time.Hour, "h1"))
	if err != nil || n != 2 {
		t.Fatalf("plan = %d, %v", n, err)
	}
	report := func(id int64) map[string]int {
		rows, err := b.st.SessionDeliveries(b.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, r := range rows {
			key := r.Status
			if r.Kind != "h1" {
				key = string(r.Kind) + " " + key
			}
			if r.SkipReason != nil {
				key += ":" + *r.SkipReason
			}
			out[key]++
		}
		return out
	}
	// Signed up 30 minutes before the start: the H-1 was already past.
	if got := report(soon.ID); got["skipped:past_at_signup"] != 2 || len(got) != 1 {
		t.Errorf("soon = %v", got)
	}
	if got := report(later.ID); got["pending"] != 2 || len(got) != 1 {
		t.Errorf("later = %v", got)
	}
	// Nothing is left to plan, and planning again creates nothing.
	if n, err := b.st.PlanDeliveries(b.ctx, 100, planAt(time.Hour, "h1")); err != nil || n != 0 {
		t.Errorf("second plan = %d, %v", n, err)
	}

	// Moving the session drops the pending reminder and plans a new one.
	newStart := later.StartsAt.Add(24 * time.Hour)
	if _, _, err := b.st.UpdateSession(b.ctx, later.ID, store.SessionChanges{StartsAt: &newStart}); err != nil {
		t.Fatal(err)
	}
	if n, err := b.st.PlanDeliveries(b.ctx, 100, planAt(time.Hour, "h1")); err != nil || n != 1 {
		t.Fatalf("replan = %d, %v", n, err)
	}
	if got := report(later.ID); got["skipped:rescheduled"] != 2 || got["pending"] != 2 || got["reschedule pending"] != 2 {
		t.Errorf("after move = %v", got)
	}

	// Cancelling drops everything pending.
	if _, err := b.st.CancelSession(b.ctx, later.ID); err != nil {
		t.Fatal(err)
	}
	if got := report(later.ID); got["skipped:session_cancelled"] != 2 || got["pending"] != 0 ||
		got["reschedule skipped:session_cancelled"] != 2 || got["cancellation pending"] != 2 {
		t.Errorf("after cancel = %v", got)
	}
}

func TestClaimAndRecord(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.session(t, sessionOpts{Start: time.Now().Add(2 * time.Hour)})
	for _, e := range []string{"a@example.org", "b@example.org", "c@example.org", "d@example.org"} {
		b.subscribe(t, s.ID, e)
	}
	// Due now: planned an hour before a start two hours away... minus one.
	if _, err := b.st.PlanDeliveries(b.ctx, 100, planAt(2*time.Hour-time.Second, "reminder-2h")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)

	// Two replicas claiming at once get disjoint sets.
	var wg sync.WaitGroup
	claims := make([][]store.Claimed, 2)
	for i := range 2 {
		wg.Go(func() {
			c, err := b.st.ClaimDue(context.Background(), store.ClaimParams{Limit: 3, Lease: time.Minute, Token: tokens[i], Worker: "w"})
			if err != nil {
				t.Error(err)
			}
			claims[i] = c
		})
	}
	wg.Wait()
	seen := map[int64]bool{}
	for _, c := range claims {
		for _, d := range c {
			if seen[d.ID] {
				t.Errorf("delivery %d claimed twice", d.ID)
			}
			seen[d.ID] = true
		}
	}
	if len(seen) != 4 {
		t.Fatalf("%d deliveries claimed, want 4", len(seen))
	}
	// Claimed work is no longer due, until its lease ends.
	if more, _ := b.st.ClaimDue(b.ctx, store.ClaimParams{Limit: 10, Lease: time.Minute, Token: tokens[2], Worker: "w"}); len(more) != 0 {
		t.Errorf("claimed again during the lease: %v", more)
	}
	due, now, ok, err := b.st.NextDue(b.ctx)
	if err != nil || !ok || due.Sub(now) < 50*time.Second {
		t.Errorf("next due = %s (now %s), %v, %v; want the end of the lease", due, now, ok, err)
	}

	// Only the claim's own token writes.
	id := claims[0][0].ID
	n, err := b.st.RecordOutcomes(b.ctx, []store.Outcome{{ID: id, Token: tokens[1], Status: store.DeliverySent, At: time.Now(), Attempt: store.AttemptAccepted}})
	if err != nil || n != 0 {
		t.Errorf("write with another claim's token matched %d, %v", n, err)
	}
	n, err = b.st.RecordOutcomes(b.ctx, []store.Outcome{{ID: id, Token: tokens[0], Status: store.DeliverySent, At: time.Now(), Attempt: store.AttemptAccepted}})
	if err != nil || n != 1 {
		t.Errorf("write with the claim's token matched %d, %v", n, err)
	}
	n, _ = b.st.RecordOutcomes(b.ctx, []store.Outcome{{ID: id, Token: tokens[0], Status: store.DeliveryFailed, Error: "x", Attempt: store.AttemptRejected}})
	if n != 0 {
		t.Errorf("a finished delivery was written again")
	}

	// Released work is due again at once.
	var rest []int64
	for _, c := range claims[1] {
		rest = append(rest, c.ID)
	}
	if err := b.st.ReleaseClaim(b.ctx, tokens[1], rest, 0); err != nil {
		t.Fatal(err)
	}
	again, err := b.st.ClaimDue(b.ctx, store.ClaimParams{Limit: 10, Lease: time.Minute, Token: tokens[2], Worker: "w"})
	if err != nil || len(again) != len(rest) {
		t.Errorf("after release, claimed %d, want %d (%v)", len(again), len(rest), err)
	}
}

var tokens = []string{
	"00000000-0000-4000-8000-000000000001",
	"00000000-0000-4000-8000-000000000002",
	"00000000-0000-4000-8000-000000000003",
}

// TestFenceMakesCancelWait checks that a cancellation waits for the sender
// holding the session's fence, and that the sender's next read sees it.
func TestFenceMakesCancelWait(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.session(t, sessionOpts{})
	fence := b.st.Fence()
	defer fence.Close()
	if err := fence.Hold(b.ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := b.st.CancelSession(context.Background(), s.ID)
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("cancel returned while a sender held the fence: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := fence.Release(b.ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("cancel still waiting after the fence was released")
	}
	if err := fence.Hold(b.ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	got, _ := b.st.SessionByID(b.ctx, s.ID)
	if got.Status != store.SessionCancelled {
		t.Errorf("status = %s after the cancel committed", got.Status)
	}
}
