package scheduler

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/dinum/rappel/store"
)

// claimSet counts the chunks of each claim still in flight, whose lease
// the renewer extends, and keeps the claim's deliveries: the renewal finds
// them by id.
type claimSet struct {
	mu     sync.Mutex
	claims map[string]*claimed
}

type claimed struct {
	chunks int
	ids    []int64
}

func newClaimSet() *claimSet { return &claimSet{claims: map[string]*claimed{}} }

func (c *claimSet) add(tok string, chunks []chunk) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cl := c.claims[tok]
	if cl == nil {
		cl = &claimed{}
		c.claims[tok] = cl
	}
	for _, ch := range chunks {
		cl.chunks++
		cl.ids = append(cl.ids, ch.ids...)
	}
}

func (c *claimSet) done(tok string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl := c.claims[tok]; cl != nil {
		if cl.chunks--; cl.chunks <= 0 {
			delete(c.claims, tok)
		}
	}
}

// inFlight lists the claims in flight and their deliveries.
func (c *claimSet) inFlight() (tokens []string, ids []int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for tok, cl := range c.claims {
		tokens = append(tokens, tok)
		ids = append(ids, cl.ids...)
	}
	return tokens, ids
}

// renew extends the leases of the claims in flight every third of a lease,
// so that a replica slow but alive keeps its work, until ctx ends.
func (d *dispatcher) renew(ctx context.Context) {
	t := time.NewTicker(d.s.cfg.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			tokens, ids := d.claims.inFlight()
			if err := d.s.store.RenewClaims(ctx, tokens, ids, d.s.cfg.Lease); err != nil && ctx.Err() == nil {
				d.s.logger.Warn("Leases could not be renewed.", slog.Any("error", err))
			}
		}
	}
}

// orphans are claims that could not be given back because the database
// did not answer; they are given back as soon as it does, rather than
// waiting for their lease to expire.
type orphans struct {
	mu   sync.Mutex
	list []orphan
}

type orphan struct {
	token string
	ids   []int64
}

func (o *orphans) add(tok string, ids []int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.list = append(o.list, orphan{token: tok, ids: ids})
}

func (o *orphans) release(ctx context.Context, st *store.Store, logger *slog.Logger) {
	o.mu.Lock()
	defer o.mu.Unlock()
	kept := o.list[:0]
	for _, or := range o.list {
		if err := st.ReleaseClaim(ctx, or.token, or.ids, 0); err != nil {
			kept = append(kept, or)
		}
	}
	if len(kept) > 0 && ctx.Err() != nil {
		logger.Warn("Claims left to their lease.", slog.Int("claims", len(kept)))
	}
	o.list = kept
}

// breaker pauses sending while the relay is unreachable: nothing is tried
// for a message while no connection can be made, so that an outage does not
// use up its retries. The pause doubles, from 1 s up to 30 s, until a send
// succeeds.
type breaker struct {
	mu    sync.Mutex
	until time.Time
	delay time.Duration
}

// trip starts a pause, unless one is already running, and returns its end.
func (b *breaker) trip() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	if time.Now().Before(b.until) {
		return b.until
	}
	b.delay = min(max(b.delay*2, time.Second), 30*time.Second)
	b.until = time.Now().Add(b.delay)
	return b.until
}

// reset ends the doubling after a successful send.
func (b *breaker) reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.delay = 0
}

// remaining is how long the pause still lasts, or 0.
func (b *breaker) remaining() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return max(time.Until(b.until), 0)
}
