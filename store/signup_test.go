package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/dinum/rappel/store"
)

func TestSubscribe(t *testing.T) {
	t.Parallel()

	t.Run("NormalisesAndDeduplicates", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		s := b.session(t, sessionOpts{})
		g, created, err := b.st.Subscribe(b.ctx, store.SubscribeParams{SessionID: s.ID, Email: " Marie.Dupont@Example.GOUV.fr ", Name: "Marie Dupont", Source: "cli"})
		if err != nil || !created || g.Email != "marie.dupont@example.gouv.fr" || g.Status != store.SignupConfirmed || g.ConfirmedAt == nil {
			t.Fatalf("first = %+v, %v, %v", g, created, err)
		}
		again, created, err := b.st.Subscribe(b.ctx, store.SubscribeParams{SessionID: s.ID, Email: "marie.dupont@example.gouv.fr", Source: "cli"})
		if err != nil || created || again.ID != g.ID {
			t.Errorf("second = %+v, %v, %v", again, created, err)
		}
		other := b.session(t, sessionOpts{})
		g2 := b.subscribe(t, other.ID, "MARIE.DUPONT@example.gouv.fr")
		if g2.SubscriberID != g.SubscriberID {
			t.Errorf("one address, two subscribers: %d and %d", g.SubscriberID, g2.SubscriberID)
		}
	})

	t.Run("RefusesBadInput", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		s := b.session(t, sessionOpts{})
		for _, email := range []string{"", "marie", "marie@", "@example.org", "Marie <marie@example.org>", "a b@example.org", "x@localhost"} {
			if _, _, err := b.st.Subscribe(b.ctx, store.SubscribeParams{SessionID: s.ID, Email: email, Source: "cli"}); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("Subscribe(%q) = %v", email, err)
			}
		}
		if _, _, err := b.st.Subscribe(b.ctx, store.SubscribeParams{SessionID: 999999, Email: "a@example.org", Source: "cli"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing session: %v", err)
		}
		signups, _ := b.st.Signups(b.ctx, s.ID)
		if len(signups) != 0 {
			t.Errorf("rejected input wrote %d sign-ups", len(signups))
		}
	})

	t.Run("ClosedSessions", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		past := b.session(t, sessionOpts{Start: time.Now().Add(-time.Hour)})
		cancelled := b.session(t, sessionOpts{})
		if _, err := b.st.CancelSession(b.ctx, cancelled.ID); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{past.ID, cancelled.ID} {
			if _, _, err := b.st.Subscribe(b.ctx, store.SubscribeParams{SessionID: id, Email: "a@example.org", Source: "cli"}); !errors.Is(err, store.ErrSessionClosed) {
				t.Errorf("session %d: %v", id, err)
			}
		}
	})

	t.Run("UnsubscribedStaysUnsubscribed", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		s := b.session(t, sessionOpts{})
		g := b.subscribe(t, s.ID, "jean@example.org")
		got, changed, err := b.st.Unsubscribe(b.ctx, g.ID)
		if err != nil || !changed || got.Status != store.SignupUnsubscribed || got.UnsubscribedAt == nil {
			t.Fatalf("unsubscribe = %+v, %v, %v", got, changed, err)
		}
		if _, changed, err := b.st.Unsubscribe(b.ctx, g.ID); err != nil || changed {
			t.Errorf("second unsubscribe = %v, %v", changed, err)
		}
		if _, _, err := b.st.Subscribe(b.ctx, store.SubscribeParams{SessionID: s.ID, Email: "jean@example.org", Source: "cli"}); !errors.Is(err, store.ErrUnsubscribed) {
			t.Errorf("re-subscribe by an organiser: %v", err)
		}
	})
}

func TestImportSignups(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.session(t, sessionOpts{})
	b.subscribe(t, s.ID, "deja@example.org")
	left := b.subscribe(t, s.ID, "parti@example.org")
	if _, _, err := b.st.Unsubscribe(b.ctx, left.ID); err != nil {
		t.Fatal(err)
	}
	rows := []store.ImportRow{
		{Line: 2, Email: "nouveau@example.org", Name: "Nouveau"},
		{Line: 3, Email: "deja@example.org"},
		{Line: 4, Email: "parti@example.org"},
		{Line: 5, Email: "autre@example.org"},
	}
	res, err := b.st.ImportSignups(b.ctx, s.ID, rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Added) != 2 || len(res.Present) != 1 || len(res.Unsubscribed) != 1 || res.Unsubscribed[0].Line != 4 {
		t.Errorf("result = %+v", res)
	}
	// Importing the same list again changes nothing.
	res, err = b.st.ImportSignups(b.ctx, s.ID, rows)
	if err != nil || len(res.Added) != 0 || len(res.Present) != 3 || len(res.Unsubscribed) != 1 {
		t.Errorf("second import = %+v, %v", res, err)
	}
	signups, _ := b.st.Signups(b.ctx, s.ID)
	if len(signups) != 4 {
		t.Errorf("%d sign-ups, want 4", len(signups))
	}
}
