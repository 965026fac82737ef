package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/store/storetest"
)

// testBundle is what most store tests need.
type testBundle struct {
	st  *store.Store
	ctx context.Context
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	st, _ := storetest.NewStore(t)
	return &testBundle{st: st, ctx: context.Background()}
}

// sessionOpts are the fields a test cares about; the rest get defaults.
type sessionOpts struct {
	Kind  string
	Title string
	Start time.Time
}

func (b *testBundle) session(t *testing.T, o sessionOpts) store.Session {
	t.Helper()
	if o.Kind == "" {
		o.Kind = "webinaire"
	}
	if o.Title == "" {
		o.Title = "Simplifier les démarches des citoyens et le quotidien des agents grâce aux API"
	}
	if o.Start.IsZero() {
		o.Start = time.Now().Add(48 * time.Hour).Truncate(time.Second)
	}
	s, err := b.st.CreateSession(b.ctx, store.SessionParams{Kind: kind.Session(o.Kind), Title: o.Title, StartsAt: o.Start})
	if err != nil {
		t.Fatalf("create session: %v", err)
	}
	return s
}

func (b *testBundle) subscribe(t *testing.T, sessionID int64, email string) store.Signup {
	t.Helper()
	g, _, err := b.st.Subscribe(b.ctx, store.SubscribeParams{SessionID: sessionID, Email: email, Source: "cli"})
	if err != nil {
		t.Fatalf("subscribe %s: %v", email, err)
	}
	return g
}

// exec runs raw SQL, for the tests that check the database's own rules or
// set up a past.
func (b *testBundle) exec(t *testing.T, query string, args ...any) error {
	t.Helper()
	_, err := b.st.DB().ExecContext(b.ctx, query, args...)
	return err
}
