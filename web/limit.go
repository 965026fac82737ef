package web

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter keeps a token bucket per client address: a few sign-ups in a
// row, then perHour an hour. It lives in this replica's memory, a first
// line of defence; the per-address limit on confirmation emails, kept in
// the database, holds across replicas.
type limiter struct {
	mu      sync.Mutex
	perHour int
	clients map[string]*client
	swept   time.Time
}

type client struct {
	bucket *rate.Limiter
	seen   time.Time
}

func newLimiter(perHour int) *limiter {
	return &limiter{perHour: perHour, clients: map[string]*client{}, swept: time.Now()}
}

// allow takes one token for addr.
func (l *limiter) allow(addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if now.Sub(l.swept) > 10*time.Minute {
		for k, c := range l.clients {
			if now.Sub(c.seen) > time.Hour {
				delete(l.clients, k)
			}
		}
		l.swept = now
	}
	c, ok := l.clients[addr]
	if !ok {
		c = &client{bucket: rate.NewLimiter(rate.Every(time.Hour/time.Duration(l.perHour)), min(5, l.perHour))}
		l.clients[addr] = c
	}
	c.seen = now
	return c.bucket.Allow()
}

// clientAddr is the address of the client: the connection's, or the first
// of X-Forwarded-For behind a trusted proxy.
func clientAddr(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if fwd := r.Header.Get("X-Forwarded-For"); fwd != "" {
			first, _, _ := strings.Cut(fwd, ",")
			return strings.TrimSpace(first)
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
