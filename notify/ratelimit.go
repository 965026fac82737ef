package notify

import (
	"context"

	"golang.org/x/time/rate"
)

// RateLimited spaces the sends of s evenly to perSecond messages a second
// overall, whatever the number of connections: relays often set such a
// limit. perSecond 0 means no limit.
func RateLimited(s Sender, perSecond float64) Sender {
	if perSecond <= 0 {
		return s
	}
	return &rateLimited{Sender: s, limiter: rate.NewLimiter(rate.Limit(perSecond), 1)}
}

type rateLimited struct {
	Sender
	limiter *rate.Limiter
}

func (r *rateLimited) Send(ctx context.Context, e *Email) error {
	if err := r.limiter.Wait(ctx); err != nil {
		return err
	}
	return r.Sender.Send(ctx, e)
}
