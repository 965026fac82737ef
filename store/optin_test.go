package store_test

import (
	"testing"
	"time"

	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/token"
)

func TestDoubleOptIn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.session(t, sessionOpts{})
	req := store.RequestParams{SessionID: s.ID, Email: "Lea@Example.org", Name: "Léa", MaxPerDay: 2}

	if got, err := b.st.RequestSignup(b.ctx, req); err != nil || got != store.RequestQueued {
		t.Fatalf("first request = %s, %v", got, err)
	}
	if got, _ := b.st.RequestSignup(b.ctx, req); got != store.RequestQueued {
		t.Errorf("second request = %s", got)
	}
	if got, _ := b.st.RequestSignup(b.ctx, req); got != store.RequestLimited {
		t.Errorf("third request in a day = %s, want limited", got)
	}
	signups, _ := b.st.Signups(b.ctx, s.ID)
	if len(signups) != 1 || signups[0].Status != store.SignupPending || signups[0].Email != "lea@example.org" {
		t.Fatalf("signups = %+v", signups)
	}
	raw, hash, _ := token.NewRandom()
	if err := b.st.SetConfirmToken(b.ctx, signups[0].ID, hash, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.st.ConfirmSignup(b.ctx, token.Hash("autre")); err == nil {
		t.Error("an unknown token confirmed")
	}
	g, err := b.st.ConfirmSignup(b.ctx, token.Hash(raw))
	if err != nil || g.Status != store.SignupConfirmed {
		t.Fatalf("confirm = %+v, %v", g, err)
	}
	if _, err := b.st.ConfirmSignup(b.ctx, hash); err == nil {
		t.Error("a token served twice")
	}
	if got, _ := b.st.RequestSignup(b.ctx, req); got != store.RequestAlreadyConfirmed {
		t.Errorf("request once confirmed = %s", got)
	}
	// Confirmed, the sign-up is planned like any other.
	if n, err := b.st.PlanDeliveries(b.ctx, 10, planAt(time.Hour, "h1")); err != nil || n != 1 {
		t.Errorf("plan = %d, %v", n, err)
	}
}

func TestOptOutAndPurge(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s1, s2 := b.session(t, sessionOpts{}), b.session(t, sessionOpts{})
	g := b.subscribe(t, s1.ID, "marie@example.org")
	b.subscribe(t, s2.ID, "marie@example.org")
	if err := b.st.OptOut(b.ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{s1.ID, s2.ID} {
		signups, _ := b.st.Signups(b.ctx, id)
		if signups[0].Status != store.SignupUnsubscribed {
			t.Errorf("session %d: %s", id, signups[0].Status)
		}
	}
	s3 := b.session(t, sessionOpts{})
	if _, _, err := b.st.Subscribe(b.ctx, store.SubscribeParams{SessionID: s3.ID, Email: "marie@example.org", Source: "cli"}); err == nil {
		t.Error("an organiser signed up an address that opted out")
	}
	res, _ := b.st.ImportSignups(b.ctx, s3.ID, []store.ImportRow{{Line: 2, Email: "marie@example.org"}})
	if len(res.Unsubscribed) != 1 || len(res.Added) != 0 {
		t.Errorf("import of an opted-out address: %+v", res)
	}
	res, _ = b.st.ImportRequests(b.ctx, s3.ID, []store.ImportRow{{Line: 2, Email: "marie@example.org"}}, 3)
	if len(res.Unsubscribed) != 1 || len(res.Invited) != 0 {
		t.Errorf("import with confirmation of an opted-out address: %+v", res)
	}
	// The person may still ask herself.
	if got, _ := b.st.RequestSignup(b.ctx, store.RequestParams{SessionID: s3.ID, Email: "marie@example.org", MaxPerDay: 3}); got != store.RequestQueued {
		t.Errorf("the person's own request = %s", got)
	}

	// Unconfirmed sign-ups older than the limit go, with the addresses
	// nothing else uses; an opted-out address stays, to honour its wish.
	if _, err := b.st.RequestSignup(b.ctx, store.RequestParams{SessionID: s1.ID, Email: "oubli@example.org", MaxPerDay: 3}); err != nil {
		t.Fatal(err)
	}
	if err := b.exec(t, `UPDATE signups SET created_at = now() - interval '4 days' WHERE status = 'pending'`); err != nil {
		t.Fatal(err)
	}
	signups, subscribers, err := b.st.PurgePending(b.ctx, 72*time.Hour)
	if err != nil || signups != 2 || subscribers != 1 {
		t.Errorf("purge = %d sign-ups, %d subscribers, %v; want 2 and 1", signups, subscribers, err)
	}
	var left []string
	_ = b.st.DB().Select(&left, `SELECT email FROM subscribers ORDER BY email`)
	if len(left) != 1 || left[0] != "marie@example.org" {
		t.Errorf("subscribers left = %v", left)
	}
}

// TestUnsubscriptionOutlivesARequest: a sign-up the person left stays
// unsubscribed through a new public request and the purge of unconfirmed
// sign-ups, which keeps the record of the "no"; an organiser's request
// sends nothing. The person's own confirmation signs them up again, and
// their reminders are planned anew.
func TestUnsubscriptionOutlivesARequest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.session(t, sessionOpts{})
	g := b.subscribe(t, s.ID, "noe@example.org")
	if _, _, err := b.st.Unsubscribe(b.ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	byOrganiser := store.RequestParams{SessionID: s.ID, Email: "noe@example.org", MaxPerDay: 3, ByOrganiser: true}
	if got, err := b.st.RequestSignup(b.ctx, byOrganiser); err != nil || got != store.RequestUnsubscribed {
		t.Errorf("organiser's request = %s, %v", got, err)
	}
	public := store.RequestParams{SessionID: s.ID, Email: "noe@example.org", Name: "Noé", MaxPerDay: 3}
	if got, err := b.st.RequestSignup(b.ctx, public); err != nil || got != store.RequestQueued {
		t.Fatalf("public request = %s, %v", got, err)
	}
	if _, _, err := b.st.PurgePending(b.ctx, 0); err != nil {
		t.Fatal(err)
	}
	after, err := b.st.SignupByID(b.ctx, g.ID)
	if err != nil || after.Status != store.SignupUnsubscribed {
		t.Fatalf("after the request and the purge: %+v, %v", after, err)
	}
	raw, hash, _ := token.NewRandom()
	if err := b.st.SetConfirmToken(b.ctx, g.ID, hash, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	back, err := b.st.ConfirmSignup(b.ctx, token.Hash(raw))
	if err != nil || back.ID != g.ID || back.Status != store.SignupConfirmed || back.Name != "Noé" {
		t.Fatalf("the person's confirmation: %+v, %v", back, err)
	}
	if n, err := b.st.PlanDeliveries(b.ctx, 10, planAt(time.Hour, "h1")); err != nil || n != 1 {
		t.Errorf("plan after coming back = %d, %v", n, err)
	}
}
