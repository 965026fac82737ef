package scheduler

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/dinum/rappel/metrics"
	"github.com/dinum/rappel/store"
)

// commitBudget is the most an accepted message waits for its outcome to be
// committed (DESIGN.md: within 50 ms), less a margin for the unexpected.
const commitBudget = 45 * time.Millisecond

// maxFlushes is how many flushes may be in flight: one may start while
// another is still being committed, so that a slow commit does not make
// the outcomes that came during it wait twice.
const maxFlushes = 2

// recorder commits outcomes in batches, one statement each. A batch is
// committed as late as the budget allows, given how long the last flushes
// took: the fewer the statements, the more the database can do for the
// sending. While the database does not answer, outcomes wait in memory and
// are written as soon as it does.
type recorder struct {
	store   *store.Store
	logger  *slog.Logger
	metrics *metrics.Metrics

	mu      sync.Mutex
	pending []store.Outcome
	// oldest is when the first of pending was added.
	oldest   time.Time
	inflight int
	// took is how long recent flushes took, from when they were due to
	// start: the longest, slowly forgotten.
	took    time.Duration
	failing bool
	// settled is signalled when no flush is in flight any more.
	settled *sync.Cond
	wake    chan struct{}
}

func newRecorder(st *store.Store, logger *slog.Logger, m *metrics.Metrics) *recorder {
	r := &recorder{store: st, logger: logger, metrics: m, wake: make(chan struct{}, 1)}
	r.settled = sync.NewCond(&r.mu)
	return r
}

func (r *recorder) add(o store.Outcome) {
	r.mu.Lock()
	if len(r.pending) == 0 {
		r.oldest = time.Now()
		poke(r.wake)
	}
	r.pending = append(r.pending, o)
	r.mu.Unlock()
}

// run starts a flush when the oldest outcome waiting has just enough of
// its budget left for it, until ctx ends; then it keeps trying for a few
// seconds to write what is left.
func (r *recorder) run(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var flushes sync.WaitGroup
	defer flushes.Wait()
	var lastLog time.Time
	for {
		wait := r.untilFlush()
		if wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				flushes.Wait()
				r.final()
				return
			case <-r.wake:
				continue
			case <-timer.C:
				continue
			}
		}
		batch, oldest, from := r.take()
		flushes.Go(func() {
			err := r.commit(ctx, batch, oldest, from)
			if err != nil && ctx.Err() == nil {
				r.mu.Lock()
				log := time.Since(lastLog) > 10*time.Second
				if log {
					lastLog = time.Now()
				}
				r.mu.Unlock()
				if log {
					r.logger.Error("Delivery outcomes could not be recorded; they are kept and will be written when the database answers.",
						slog.Any("error", err), slog.Int("waiting", r.waiting()))
				}
			}
			poke(r.wake)
		})
	}
}

// untilFlush is how long to wait before the next flush: never while
// nothing waits or maxFlushes are in flight (a wake comes), a moment while
// the database fails, else until the budget of the oldest outcome is
// about to run out.
func (r *recorder) untilFlush() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case len(r.pending) == 0 || r.inflight >= maxFlushes:
		return time.Hour
	case r.failing:
		return max(time.Until(r.oldest.Add(100*time.Millisecond)), 0) + time.Millisecond
	}
	return time.Until(r.oldest.Add(commitBudget - min(r.took, commitBudget)))
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
	batch, oldest, from := r.take()
	return r.commit(ctx, batch, oldest, from)
}

// take takes what is pending for a flush, counted in flight until commit.
// It also returns when the flush was due to start: the time it takes to
// commit is counted from then, so that a timer that fired late, or a
// processor too busy to run the flush at once, make the next flushes start
// earlier.
func (r *recorder) take() (batch []store.Outcome, oldest, from time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	batch, oldest = r.pending, r.oldest
	r.pending = nil
	r.inflight++
	from = time.Now()
	if due := oldest.Add(commitBudget - min(r.took, commitBudget)); due.Before(from) {
		from = due
	}
	return batch, oldest, from
}

// commit writes a batch taken; on failure it is put back.
func (r *recorder) commit(ctx context.Context, batch []store.Outcome, oldest, from time.Time) error {
	var err error
	if len(batch) > 0 {
		_, err = r.store.RecordOutcomes(ctx, batch)
	}
	took := time.Since(from)

	r.mu.Lock()
	defer r.mu.Unlock()
	if r.inflight--; r.inflight == 0 {
		r.settled.Broadcast()
	}
	if len(batch) == 0 {
		return nil
	}
	r.failing = err != nil
	if err != nil {
		r.pending = append(batch, r.pending...)
		r.oldest = oldest
		return err
	}
	r.took = max(took, r.took*15/16)
	r.metrics.Committed(time.Since(oldest))
	return nil
}

// errFlushFailed says that outcomes committed by another flush could not
// be.
var errFlushFailed = errors.New("record delivery outcomes: a flush in flight failed")

// sync commits what was added before it was called: the outcomes it finds,
// and those of the flushes in flight, which it waits for.
func (r *recorder) sync(ctx context.Context) error {
	err := r.flush(ctx)
	r.mu.Lock()
	for r.inflight > 0 {
		r.settled.Wait()
	}
	if err == nil && r.failing {
		err = errFlushFailed
	}
	r.mu.Unlock()
	return err
}
