package scheduler

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

// TestPeriodicRunsWithTheCronPolicy: a periodic job runs at start and on
// its schedule, a panic does not stop it, a turn that comes while it still
// runs is skipped, and Run returns once the job in progress has.
func TestPeriodicRunsWithTheCronPolicy(t *testing.T) {
	t.Parallel()
	var runs, running, overlaps atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	p, err := NewPeriodic(PeriodicConfig{
		Name: "test", Schedule: cron.Every(time.Second), AtStart: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Job: func(context.Context) {
			if running.Add(1) > 1 {
				overlaps.Add(1)
			}
			defer running.Add(-1)
			n := runs.Add(1)
			if n == 2 {
				panic("a job that fails")
			}
			if n == 3 {
				time.Sleep(2500 * time.Millisecond) // longer than two turns
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	deadline := time.Now().Add(20 * time.Second)
	for runs.Load() < 5 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if runs.Load() < 5 {
		t.Errorf("%d runs in 20 s: the job stopped after its panic", runs.Load())
	}
	if overlaps.Load() != 0 || running.Load() != 0 {
		t.Errorf("%d overlapping runs, %d still running after Run returned", overlaps.Load(), running.Load())
	}
	if _, err := NewPeriodic(PeriodicConfig{Name: "incomplete"}); err == nil {
		t.Error("a periodic job without schedule nor job was accepted")
	}
}
