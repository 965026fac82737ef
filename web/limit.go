package web

import (
	"container/list"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxClients bounds the limiter's memory whatever the number of addresses
// that call: past it, the client seen least recently is forgotten (its
// next sign-up starts a new bucket). About 200 bytes each, so 20 MB at
// most. The per-address limit on confirmation emails, kept in the
// database, does not depend on this one.
const maxClients = 100_000

// limiter keeps a token bucket per client: a few sign-ups in a row, then
// perHour an hour. It lives in this replica's memory, a first line of
// defence; the per-address limit on confirmation emails, kept in the
// database, holds across replicas.
type limiter struct {
	mu      sync.Mutex
	perHour int
	max     int
	clients map[netip.Prefix]*list.Element
	// byUse orders the clients from the most recently seen (front).
	byUse *list.List
	now   func() time.Time
}

type client struct {
	key    netip.Prefix
	bucket *rate.Limiter
}

func newLimiter(perHour, max int) *limiter {
	return &limiter{perHour: perHour, max: max, clients: map[netip.Prefix]*list.Element{}, byUse: list.New(), now: time.Now}
}

// allow takes one token for the client at addr.
func (l *limiter) allow(addr netip.Addr) bool {
	key := clientKey(addr)
	l.mu.Lock()
	defer l.mu.Unlock()
	el, ok := l.clients[key]
	if ok {
		l.byUse.MoveToFront(el)
	} else {
		if l.byUse.Len() >= l.max {
			oldest := l.byUse.Back()
			delete(l.clients, oldest.Value.(*client).key)
			l.byUse.Remove(oldest)
		}
		c := &client{key: key, bucket: rate.NewLimiter(rate.Every(time.Hour/time.Duration(l.perHour)), min(5, l.perHour))}
		el = l.byUse.PushFront(c)
		l.clients[key] = el
	}
	return el.Value.(*client).bucket.AllowN(l.now(), 1)
}

// size is the number of clients remembered.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.byUse.Len()
}

// clientKey is what a client is limited by: its IPv4 address, or the /64
// of its IPv6 address, the block one subscriber line is given (a client
// may draw any address of it).
func clientKey(a netip.Addr) netip.Prefix {
	a = a.Unmap()
	if a.Is4() {
		return netip.PrefixFrom(a, 32)
	}
	p, _ := a.Prefix(64)
	return p
}

// clientAddr is the address of the client. Without trusted proxies, the
// connection's. Behind trustedProxies reverse proxies, the one the
// outermost of them wrote in X-Forwarded-For: each proxy appends the
// address it received the request from, so that address is the
// trustedProxies-th from the right; anything to its left was written by
// the client and is ignored.
func clientAddr(r *http.Request, trustedProxies int) netip.Addr {
	remote := remoteAddr(r)
	if trustedProxies <= 0 {
		return remote
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		for _, h := range strings.Split(v, ",") {
			hops = append(hops, strings.TrimSpace(h))
		}
	}
	if len(hops) == 0 {
		return remote
	}
	a, err := netip.ParseAddr(hops[max(0, len(hops)-trustedProxies)])
	if err != nil {
		return remote
	}
	return a
}

func remoteAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.IPv4Unspecified()
	}
	return a
}
