package agenda_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dinum/rappel/agenda"
	"github.com/dinum/rappel/internal/testkit"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/store/storetest"
)

// TestFollowerFollowsAFeed follows a feed file: its events are imported at
// the first reading, and a move and a cancellation published later are
// carried out at the next one (scheduler.Periodic runs the readings).
func TestFollowerFollowsAFeed(t *testing.T) {
	st, _ := storetest.NewStore(t)
	loc := testkit.Paris(t)
	day := time.Now().In(loc).AddDate(0, 1, 0)
	path := filepath.Join(t.TempDir(), "agenda.ics")
	if err := os.WriteFile(path, []byte(feed(day, false, false)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	f := &agenda.Follower{Importer: agenda.Importer{Store: st}, Feeds: []string{path},
		Location: loc, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	f.ImportAll(ctx)

	sessions := waitFor(t, st, path, func(s []store.Session) bool { return len(s) == 3 })
	if err := os.WriteFile(path, []byte(feed(day, true, true)), 0o644); err != nil {
		t.Fatal(err)
	}
	f.ImportAll(ctx)
	waitFor(t, st, path, func(s []store.Session) bool {
		return len(s) == 3 && s[0].ID == sessions[0].ID && s[0].ScheduleVersion == 2 && s[1].Status == store.SessionCancelled
	})
}

func waitFor(t *testing.T, st *store.Store, source string, ok func([]store.Session) bool) []store.Session {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s, err := st.AgendaSessions(context.Background(), nil, source)
		if err != nil {
			t.Fatal(err)
		}
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("sessions of the feed never became as expected: %+v", s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
