package scheduler

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/dinum/rappel/store"
)

// flushEvery bounds how long an accepted message waits before its outcome
// is committed: DESIGN.md allows 50 ms, the flush itself takes a few.
const flushEvery = 20 * time.Millisecond

// recorder commits outcomes in small batches, one statement each. While
// the database does not answer, outcomes wait in memory and are written as
// soon as it does.
type recorder struct {
	store  *store.Store
	logger *slog.Logger

	mu      sync.Mutex
	pending []store.Outcome
	// flushing serialises flushes, so that outcomes are written in order.
	flushing sync.Mutex
}

func newRecorder(st *store.Store, logger *slog.Logger) *recorder {
	return &recorder{store: st, logger: logger}
}

func (r *recorder) add(o store.Outcome) {
	r.mu.Lock()
	r.pending = append(r.pending, o)
	r.mu.Unlock()
}

// run flushes every flushEvery until ctx ends, then keeps trying for a few
// seconds to write what is left.
func (r *recorder) run(ctx context.Context) {
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	var lastLog time.Time
	for {
		select {
		case <-ctx.Done():
			r.final()
			return
		case <-t.C:
			err := r.flush(ctx)
			if err != nil && ctx.Err() == nil && time.Since(lastLog) > 10*time.Second {
				lastLog = time.Now()
				r.logger.Error("Delivery outcomes could not be recorded; they are kept and will be written when the database answers.",
					slog.Any("error", err), slog.Int("waiting", r.waiting()))
			}
		}
	}
}

func (r *recorder) final() {
	deadline := time.Now().Add(5 * time.Second)
	for {
		ctx, cancel := context.WithDeadline(context.Background(), deadline)
		err := r.flush(ctx)
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			r.logger.Error("Delivery outcomes lost at stop: these messages may be sent again.",
				slog.Any("error", err), slog.Int("outcomes", r.waiting()))
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (r *recorder) waiting() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pending)
}

// flush writes what is pending; on failure the outcomes are kept for the
// next flush.
func (r *recorder) flush(ctx context.Context) error {
	r.flushing.Lock()
	defer r.flushing.Unlock()
	r.mu.Lock()
	batch := r.pending
	r.pending = nil
	r.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	if _, err := r.store.RecordOutcomes(ctx, batch); err != nil {
		r.mu.Lock()
		r.pending = append(batch, r.pending...)
		r.mu.Unlock()
		return err
	}
	return nil
}
