package scheduler

import (
	"sync"
	"time"
)

// claimSpan is how much sending one claim holds, at the rate last seen:
// enough that claiming costs little per message, little enough that a
// claim does not keep work another replica could send sooner.
const claimSpan = time.Second

// claimSizer sizes claims from the throughput of this replica. After a
// pause it starts small, so that the first message of a burst leaves at
// once, and at most doubles from one claim to the next.
type claimSizer struct {
	mu       sync.Mutex
	sent     int64 // messages finished since the last claim
	since    time.Time
	last     int
	rate     float64 // messages a second, smoothed
	drained  bool    // the last claim got all there was
	min, max int
}

// done counts finished messages.
func (z *claimSizer) done(n int) {
	z.mu.Lock()
	z.sent += int64(n)
	z.mu.Unlock()
}

// next is the size of the next claim. After a claim that drained the due
// work, or a pause, the rate seen says nothing of the next burst.
func (z *claimSizer) next() int {
	z.mu.Lock()
	defer z.mu.Unlock()
	now := time.Now()
	elapsed := now.Sub(z.since)
	if idle := z.drained || elapsed > 2*claimSpan; !idle && z.last > 0 && elapsed > 0 {
		r := float64(z.sent) / elapsed.Seconds()
		z.rate = cmpZero(z.rate, r, 0.5*z.rate+0.5*r)
	} else {
		z.rate, z.last = 0, 0
	}
	z.sent, z.since = 0, now
	n := int(z.rate * claimSpan.Seconds())
	if z.last > 0 {
		n = min(n, 2*z.last)
	}
	n = max(min(n, z.max), z.min)
	z.last = n
	return n
}

// claimed notes what a claim of asked deliveries got.
func (z *claimSizer) claimed(got, asked int) {
	z.mu.Lock()
	z.drained = got < asked
	z.mu.Unlock()
}

// cmpZero is first when old is zero, else smoothed.
func cmpZero(old, first, smoothed float64) float64 {
	if old == 0 {
		return first
	}
	return smoothed
}
