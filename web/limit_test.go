package web

import (
	"net/http/httptest"
	"net/netip"
	"strconv"
	"testing"
	"time"
)

// TestClientAddrReadsOnlyWhatTheProxyWrote: whatever a client writes in
// X-Forwarded-For, the address used is the one the trusted proxies added.
func TestClientAddrReadsOnlyWhatTheProxyWrote(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		proxies int
		xff     []string
		want    string
	}{
		{"NoProxyIgnoresTheHeader", 0, []string{"198.51.100.1"}, "192.0.2.10"},
		{"OneProxyTakesTheRightmost", 1, []string{"198.51.100.1, 203.0.113.7"}, "203.0.113.7"},
		{"ForgedLeftmostIgnored", 1, []string{"10.0.0.1, 10.0.0.2, 203.0.113.7"}, "203.0.113.7"},
		{"SeveralHeadersInOrder", 1, []string{"10.0.0.1", "203.0.113.7"}, "203.0.113.7"},
		{"TwoProxies", 2, []string{"10.0.0.1, 203.0.113.7, 198.51.100.20"}, "203.0.113.7"},
		{"FewerHopsThanProxies", 3, []string{"203.0.113.7"}, "203.0.113.7"},
		{"GarbageFallsBackToTheConnection", 1, []string{"pas une adresse"}, "192.0.2.10"},
		{"NoHeaderFallsBackToTheConnection", 1, nil, "192.0.2.10"},
		{"IPv6", 1, []string{"2001:db8:1:2:3:4:5:6"}, "2001:db8:1:2:3:4:5:6"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("POST", "/sessions/1", nil)
			r.RemoteAddr = "192.0.2.10:41234"
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := clientAddr(r, tc.proxies); got.String() != tc.want {
				t.Errorf("clientAddr = %s, want %s", got, tc.want)
			}
		})
	}
}

// TestLimiterKeysIPv6ByItsSlash64: the addresses of one /64 are one
// client; another /64 is another.
func TestLimiterKeysIPv6ByItsSlash64(t *testing.T) {
	t.Parallel()
	l := newLimiter(20, 100)
	allowed := 0
	for i := range 50 {
		if l.allow(netip.MustParseAddr("2001:db8:aa:bb:" + strconv.FormatInt(int64(i), 16) + "::1")) {
			allowed++
		}
	}
	if allowed != 5 {
		t.Errorf("%d sign-ups allowed from one /64, want the burst of 5", allowed)
	}
	if !l.allow(netip.MustParseAddr("2001:db8:aa:bc::1")) {
		t.Error("another /64 was limited")
	}
	if !l.allow(netip.MustParseAddr("::ffff:198.51.100.1")) || l.size() != 3 {
		t.Errorf("an IPv4-mapped address: %d clients", l.size())
	}
}

// TestLimiterMemoryIsBounded: a flood of distinct addresses keeps the
// limiter at its bound, forgetting the clients seen least recently.
func TestLimiterMemoryIsBounded(t *testing.T) {
	t.Parallel()
	l := newLimiter(20, 1000)
	busy := netip.MustParseAddr("203.0.113.7")
	for range 5 {
		l.allow(busy)
	}
	for i := range 10_000 {
		a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		l.allow(a)
		if i%100 == 0 {
			l.allow(busy) // seen recently: kept, and still limited
		}
	}
	if n := l.size(); n != 1000 {
		t.Errorf("%d clients remembered, want the bound of 1000", n)
	}
	if l.allow(busy) {
		t.Error("the busy client's bucket was forgotten while it kept calling")
	}
	l.now = func() time.Time { return time.Now().Add(time.Hour) }
	if !l.allow(busy) {
		t.Error("the bucket does not refill")
	}
}
