package scheduler

import (
	"cmp"
	"math/rand/v2"
	"time"
)

// RetryPolicy spaces the attempts of a delivery after temporary failures:
// exponential backoff with jitter, a bounded number of times.
type RetryPolicy struct {
	// MaxAttempts is the most attempts of one delivery; default 8.
	MaxAttempts int
	// Base is the wait after the first failure; default 15 s. It doubles
	// at each failure, up to Max.
	Base time.Duration
	// Max caps the wait; default 10 min.
	Max time.Duration
}

func (p *RetryPolicy) setDefaults() {
	p.MaxAttempts = cmp.Or(p.MaxAttempts, 8)
	p.Base = cmp.Or(p.Base, 15*time.Second)
	p.Max = cmp.Or(p.Max, 10*time.Minute)
}

// backoff is the wait after the n-th failed attempt (n from 1), with ±20 %
// of jitter so that the replicas and the messages of one batch do not all
// come back at the same instant.
func (p RetryPolicy) backoff(n int) time.Duration {
	d := p.Base
	for i := 1; i < n && d < p.Max; i++ {
		d *= 2
	}
	d = min(d, p.Max)
	jitter := time.Duration(float64(d) * 0.4 * (rand.Float64() - 0.5))
	return d + jitter
}
