package scheduler

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/dinum/rappel/store"
)

// dispatcher sends what the claim loop claims: ChunkWorkers workers take
// chunks (the deliveries of one session in one claim) and send each under
// the session's fence, sharing Concurrency sending slots. A recorder commits
// the outcomes, a renewer keeps the leases of the claims in flight.
type dispatcher struct {
	s        *Scheduler
	queue    chan chunk
	slots    chan struct{}
	recorder *recorder
	claims   *claimSet
	breaker  *breaker
	orphans  *orphans
	sizer    *claimSizer
	workers  sync.WaitGroup
	stopAux  context.CancelFunc
	auxDone  sync.WaitGroup
}

// chunk is what one worker sends under one hold of a session's fence.
type chunk struct {
	token     string
	sessionID int64
	ids       []int64
}

func newDispatcher(s *Scheduler) *dispatcher {
	return &dispatcher{
		s:        s,
		queue:    make(chan chunk, s.cfg.ChunkWorkers),
		slots:    make(chan struct{}, s.cfg.Concurrency),
		recorder: newRecorder(s.store, s.logger, s.cfg.Metrics),
		claims:   newClaimSet(),
		breaker:  &breaker{},
		orphans:  &orphans{},
		sizer:    &claimSizer{min: min(2*s.cfg.Concurrency, s.cfg.ClaimBatch), max: s.cfg.ClaimBatch},
	}
}

// start runs the workers, the recorder and the renewer. The last two
// outlive ctx: they stop in stop, after the workers.
func (d *dispatcher) start(ctx context.Context) {
	auxCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	d.stopAux = cancel
	d.auxDone.Go(func() { d.recorder.run(auxCtx) })
	d.auxDone.Go(func() { d.renew(auxCtx) })
	for range d.s.cfg.ChunkWorkers {
		d.workers.Go(func() { d.work(ctx) })
	}
}

// stop waits for the workers (they give back what they did not start),
// gives the sends in progress StopGrace to finish before aborting them,
// commits the last outcomes and gives back what could not be given back
// before. The claim loop must have returned.
func (d *dispatcher) stop() {
	close(d.queue)
	done := make(chan struct{})
	go func() {
		d.workers.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(d.s.cfg.StopGrace):
		d.s.logger.Warn("Sends still in progress at the end of the grace period: aborting them.")
		d.s.sender.Abort()
		<-done
	}
	d.stopAux()
	d.auxDone.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	d.orphans.release(ctx, d.s.store, d.s.logger)
}

// claimDue claims batches and queues their chunks until nothing is due,
// the relay is unreachable, or ctx ends. Queueing waits for a free worker:
// no more is claimed than can be sent soon, and the leases of what waits
// are renewed.
func (d *dispatcher) claimDue(ctx context.Context) error {
	d.orphans.release(ctx, d.s.store, d.s.logger)
	cfg := d.s.cfg
	for ctx.Err() == nil && d.breaker.remaining() == 0 {
		tok, limit := newToken(), d.sizer.next()
		claimed, err := d.claim(ctx, tok, limit)
		if err != nil {
			return err
		}
		d.sizer.claimed(len(claimed), limit)
		if len(claimed) == 0 {
			return nil
		}
		d.s.logger.Debug("Deliveries claimed.", slog.Int("count", len(claimed)))
		d.s.cfg.Metrics.Claimed(len(claimed))
		// A claim is shared among the chunk workers.
		size := min(cfg.ChunkSize, (len(claimed)+cfg.ChunkWorkers-1)/cfg.ChunkWorkers)
		chunks := chunkBySession(tok, claimed, size)
		d.claims.add(tok, chunks)
		for i, ch := range chunks {
			select {
			case d.queue <- ch:
			case <-ctx.Done():
				for _, rest := range chunks[i:] {
					d.giveBack(rest.token, rest.ids, 0)
				}
				return nil
			}
		}
		if len(claimed) < limit {
			return nil
		}
	}
	return nil
}

// claim runs one claim. A claim is not interrupted by ctx: a statement
// cancelled once the database has committed it would leave deliveries
// claimed without this process knowing which, until their lease expires.
func (d *dispatcher) claim(ctx context.Context, tok string, limit int) ([]store.Claimed, error) {
	claimCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	cfg := d.s.cfg
	return d.s.store.ClaimDue(claimCtx, store.ClaimParams{
		Limit: limit, Lease: cfg.Lease, Token: tok, Worker: cfg.Worker,
	})
}

// chunkBySession groups a claim by session, keeping the claim's order, in
// chunks of at most size.
func chunkBySession(tok string, claimed []store.Claimed, size int) []chunk {
	var out []chunk
	open := map[int64]int{}
	for _, c := range claimed {
		i, ok := open[c.SessionID]
		if !ok || len(out[i].ids) >= size {
			out = append(out, chunk{token: tok, sessionID: c.SessionID})
			i = len(out) - 1
			open[c.SessionID] = i
		}
		out[i].ids = append(out[i].ids, c.ID)
	}
	return out
}

// work sends chunks until the queue is closed. After ctx ends, or while
// the relay is unreachable, it gives them back instead.
func (d *dispatcher) work(ctx context.Context) {
	fence := d.s.store.Fence()
	defer fence.Close()
	for ch := range d.queue {
		if wait := d.breaker.remaining(); ctx.Err() != nil || wait > 0 {
			d.giveBack(ch.token, ch.ids, wait)
			continue
		}
		d.sendChunk(ctx, fence, ch)
	}
}

// sendChunk holds the session's fence while it reads the deliveries again,
// sends them and commits their outcomes: a cancellation or an unsubscription
// waits for it, and every chunk after it sees its effect.
func (d *dispatcher) sendChunk(ctx context.Context, fence *store.Fence, ch chunk) {
	log := d.s.logger.With(slog.Int64("session_id", ch.sessionID))
	if err := fence.Hold(ctx, ch.sessionID); err != nil {
		log.Error("Session fence could not be taken.", slog.Any("error", err))
		d.giveBack(ch.token, ch.ids, 0)
		return
	}
	rows, err := fence.LoadClaimed(ctx, ch.token, ch.ids)
	var unsent []int64
	if err != nil {
		log.Error("Claimed deliveries could not be read.", slog.Any("error", err))
		unsent = ch.ids
	} else {
		unsent = d.sendRows(ctx, ch.token, rows, time.Now())
	}
	endCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := d.recorder.sync(endCtx); err != nil {
		log.Error("Delivery outcomes could not be recorded yet.", slog.Any("error", err))
	}
	if err := fence.Release(endCtx, ch.sessionID); err != nil {
		log.Warn("Session fence released by closing its connection.", slog.Any("error", err))
	}
	d.giveBack(ch.token, unsent, d.breaker.remaining())
	// Retries and given-back work have new due times: the claim loop
	// re-arms its timer for them.
	poke(d.s.claimWake)
}

// sendRows sends the rows, Concurrency at a time across all workers, and
// returns the ids it did not start because ctx ended or the relay became
// unreachable.
func (d *dispatcher) sendRows(ctx context.Context, tok string, rows []store.DueDelivery, loadedAt time.Time) []int64 {
	var wg sync.WaitGroup
	defer wg.Wait()
	for i, row := range rows {
		if ctx.Err() != nil || d.breaker.remaining() > 0 {
			return idsOf(rows[i:])
		}
		select {
		case d.slots <- struct{}{}:
		case <-ctx.Done():
			return idsOf(rows[i:])
		}
		// The database's clock, advanced by the time spent since the rows
		// were read: decisions never depend on this machine's clock.
		now := row.DBNow.Add(time.Since(loadedAt))
		wg.Go(func() {
			defer func() { <-d.slots }()
			d.recorder.add(d.deliver(ctx, tok, row, now, loadedAt))
			d.sizer.done(1)
		})
	}
	return nil
}

func idsOf(rows []store.DueDelivery) []int64 {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids
}

// giveBack releases claimed deliveries that were not attempted, due again
// after the delay given; if the database does not answer, they are kept to
// be released later, before the lease would.
func (d *dispatcher) giveBack(tok string, ids []int64, after time.Duration) {
	defer d.claims.done(tok)
	if len(ids) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.s.store.ReleaseClaim(ctx, tok, ids, after); err != nil {
		d.orphans.add(tok, ids)
	}
}

// newToken is a random UUID (version 4) naming one claim.
func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
