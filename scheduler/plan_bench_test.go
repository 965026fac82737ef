package scheduler_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/dinum/rappel/scheduler"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/store/storetest"
	"github.com/dinum/rappel/when"
)

// BenchmarkPlan plans the J-1 and H-1 reminders of 1,000,000 confirmed
// sign-ups across 10,000 sessions (2,000,000 deliveries) on a durable
// server: from scratch, then after one session moved, after 1,000 sessions
// moved, and when nothing changed (the periodic sweep). Run it once:
// -benchtime=1x.
func BenchmarkPlan(b *testing.B) {
	const sessions, perSession = 10_000, 100
	for range b.N {
		b.StopTimer()
		ctx := context.Background()
		cluster := storetest.NewClusterWith(b, storetest.ClusterConfig{Durable: true})
		st := cluster.Store()
		first := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
		seedStart := time.Now()
		storetest.Seed(b, cluster.DSN(), storetest.Programme{
			Sessions: sessions, PerSession: perSession, FirstStart: first, Spacing: 15 * time.Minute,
		})
		b.ReportMetric(time.Since(seedStart).Seconds(), "s-seed")
		s := planner(b, st)

		b.StartTimer()
		scratch := timePlan(b, ctx, s)
		b.StopTimer()
		b.ReportMetric(scratch.Seconds(), "s-from-scratch")
		b.ReportMetric(float64(sessions*perSession)/scratch.Seconds(), "sign-ups/s")
		if got := countDeliveries(b, st); got != 2*sessions*perSession {
			b.Fatalf("%d reminders planned, want %d", got, 2*sessions*perSession)
		}

		moveSessions(b, st, 1, 1)
		b.ReportMetric(float64(timePlan(b, ctx, s).Milliseconds()), "ms-1-moved")
		moveSessions(b, st, 2, 1000)
		b.ReportMetric(timePlan(b, ctx, s).Seconds(), "s-1000-moved")
		b.ReportMetric(float64(timePlan(b, ctx, s).Milliseconds()), "ms-sweep-idle")
	}
}

func planner(b *testing.B, st *store.Store) *scheduler.Scheduler {
	reminders, err := when.ParseReminders(when.DefaultReminders)
	if err != nil {
		b.Fatal(err)
	}
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		b.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	return scheduler.New(scheduler.Config{Reminders: reminders, Location: loc}, st, nil, nil, logger)
}

func timePlan(b *testing.B, ctx context.Context, s *scheduler.Scheduler) time.Duration {
	start := time.Now()
	if err := s.Plan(ctx); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// moveSessions moves n sessions from the id first by one hour, as an
// organiser would, one at a time.
func moveSessions(b *testing.B, st *store.Store, first, n int64) {
	ctx := context.Background()
	for id := first; id < first+n; id++ {
		sess, err := st.SessionByID(ctx, id)
		if err != nil {
			b.Fatal(err)
		}
		later := sess.StartsAt.Add(time.Hour)
		if _, _, err := st.UpdateSession(ctx, id, store.SessionChanges{StartsAt: &later}); err != nil {
			b.Fatal(err)
		}
	}
}

func countDeliveries(b *testing.B, st *store.Store) int {
	pending, _, err := st.DeliveryCounts(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return int(pending)
}
