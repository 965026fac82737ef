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

// recorder commits outcomes in small batches, one statement each.
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

// run flushes every flushEvery until ctx ends, then once more.
func (r *recorder) run(ctx context.Context) {
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := r.flush(final); err != nil {
				r.logger.Error("Delivery outcomes could not be recorded.", slog.Any("error", err))
			}
			return
		case <-t.C:
			if err := r.flush(ctx); err != nil && ctx.Err() == nil {
				r.logger.Error("Delivery outcomes could not be recorded; will try again.", slog.Any("error", err))
			}
		}
	}
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
