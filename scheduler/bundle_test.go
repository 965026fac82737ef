package scheduler_test

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/dinum/rappel/notify"
	"github.com/dinum/rappel/notify/notifytest"
	"github.com/dinum/rappel/notify/smtptest"
	"github.com/dinum/rappel/scheduler"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/store/storetest"
	"github.com/dinum/rappel/when"
)

// testBundle is a database, an SMTP server, and what it takes to run
// schedulers against them.
type testBundle struct {
	ctx  context.Context
	st   *store.Store
	dsn  string
	smtp *smtptest.Server
	loc  *time.Location
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	return setupWith(t, smtptest.Options{})
}

// setupWith starts the SMTP server with the faults given.
func setupWith(t *testing.T, smtp smtptest.Options) *testBundle {
	t.Helper()
	st, dsn := storetest.NewStore(t)
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return &testBundle{ctx: context.Background(), st: st, dsn: dsn, smtp: smtptest.Start(t, smtp), loc: loc}
}

// workerOpts tune one scheduler.
type workerOpts struct {
	Reminders string
	MaxLate   string
	Retry     scheduler.RetryPolicy
	Lease     time.Duration
	ChunkSize int
	// WorkingDays keeps the reminders counted in days to working days.
	WorkingDays *when.WorkingDays
}

// startWorker runs a scheduler, with its own pool and LISTEN connection as
// a replica would have, until the test ends or stop is called; stop returns
// how long the scheduler took to return.
func (b *testBundle) startWorker(t *testing.T, o workerOpts) (stop func() time.Duration) {
	t.Helper()
	if o.Reminders == "" {
		o.Reminders = when.DefaultReminders
	}
	reminders, err := when.ParseReminders(o.Reminders)
	if err != nil {
		t.Fatal(err)
	}
	if err := when.ApplyMaxLate(reminders, o.MaxLate); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(b.ctx, b.dsn, 10)
	if err != nil {
		t.Fatal(err)
	}
	sender, err := notify.NewSMTP(notify.SMTPConfig{Host: b.smtp.Host, Port: b.smtp.Port, TLS: notify.TLSNone, Timeout: 10 * time.Second, Connections: 4})
	if err != nil {
		t.Fatal(err)
	}
	// The test's own output: shown when it fails or with -v.
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx, cancel := context.WithCancel(b.ctx)
	changes, err := store.Listen(ctx, b.dsn, logger)
	if err != nil {
		t.Fatal(err)
	}
	s := scheduler.New(scheduler.Config{
		Reminders: reminders, Location: b.loc, Concurrency: 4, ClaimBatch: 50, WorkingDays: o.WorkingDays,
		ChunkSize: cmp.Or(o.ChunkSize, 20), Lease: o.Lease, Retry: o.Retry,
	}, st, notifytest.Composer(t, b.loc), sender, logger)
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, changes) }()
	var once sync.Once
	var took time.Duration
	stop = func() time.Duration {
		once.Do(func() {
			start := time.Now()
			cancel()
			if err := <-done; err != nil {
				t.Errorf("scheduler: %v", err)
			}
			took = time.Since(start)
			sender.Close()
			st.Close()
		})
		return took
	}
	t.Cleanup(func() { stop() })
	return stop
}

func (b *testBundle) session(t *testing.T, start time.Time) store.Session {
	t.Helper()
	s, err := b.st.CreateSession(b.ctx, store.SessionParams{
		Kind: "webinaire", Title: "Open data et territoires, quel accompagnement pour les collectivités locales ?",
		StartsAt: start, JoinURL: "https://app.livestorm.co/dinum-12/open-data",
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (b *testBundle) subscribe(t *testing.T, sessionID int64, emails ...string) []store.Signup {
	t.Helper()
	var out []store.Signup
	for _, e := range emails {
		g, _, err := b.st.Subscribe(b.ctx, store.SubscribeParams{SessionID: sessionID, Email: e, Name: "Agent " + e[:1], Source: "cli"})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, g)
	}
	return out
}

// subscribeMany signs a list up in one statement, as an import does: the
// sign-ups are all confirmed at the same instant, whatever the load.
func (b *testBundle) subscribeMany(t *testing.T, sessionID int64, emails []string) {
	t.Helper()
	rows := make([]store.ImportRow, len(emails))
	for i, e := range emails {
		rows[i] = store.ImportRow{Line: i + 2, Email: e, Name: "Agent " + e[:1]}
	}
	res, err := b.st.ImportSignups(b.ctx, sessionID, rows)
	if err != nil || len(res.Added) != len(emails) {
		t.Fatalf("import: %d added, %v", len(res.Added), err)
	}
}

// deliveries maps "kind status[:reason]" to a count, for one session.
func (b *testBundle) deliveries(t *testing.T, sessionID int64) map[string]int {
	t.Helper()
	rows, err := b.st.SessionDeliveries(b.ctx, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range rows {
		key := string(r.Kind) + " " + r.Status
		if r.SkipReason != nil {
			key += ":" + *r.SkipReason
		}
		out[key]++
	}
	return out
}

func emails(n int, domain string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("agent%03d@%s", i, domain)
	}
	return out
}
