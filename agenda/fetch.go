package agenda

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"
)

// Limits of a download: what is read of a feed or a post, how long it may
// take, how many redirects are followed.
const (
	maxFeed      = 16 << 20
	fetchTimeout = 30 * time.Second
	maxRedirects = 5
)

// IsURL says whether a programme is named by an http(s) address rather
// than a file.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// Redact is an address as it may be written in a log or a message: its
// query string and user information, which may hold the secret of a
// private calendar, replaced by "…".
func Redact(addr string) string {
	u, err := url.Parse(addr)
	if err != nil || u.Host == "" {
		return addr
	}
	hadUser, hadQuery := u.User != nil, u.RawQuery != "" || u.ForceQuery
	u.User, u.RawQuery, u.ForceQuery, u.Fragment = nil, "", false, ""
	out := u.String()
	if hadUser {
		out = strings.Replace(out, "://", "://…@", 1)
	}
	if hadQuery {
		out += "?…"
	}
	return out
}

// Read reads a programme from a file or an http(s) address. The address
// is the operator's or an organiser's word, so it is fetched as given; a
// redirect is followed only to a public address (never to this machine or
// its private network, which the feed's server could otherwise make
// rappel reach) and never from https to http. What is read is bounded in
// size and time. A nil client is the default one.
func Read(ctx context.Context, client *http.Client, from string) ([]byte, error) {
	if !IsURL(from) {
		data, err := os.ReadFile(from)
		if err != nil {
			return nil, fmt.Errorf("fichier illisible : %w", err)
		}
		return data, nil
	}
	if client == nil {
		client = newFetchClient()
	}
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, from, nil)
	if err != nil {
		return nil, errors.New("adresse invalide")
	}
	req.Header.Set("User-Agent", "rappel (agenda import)")
	req.Header.Set("Accept", "text/calendar, text/markdown;q=0.9, */*;q=0.5")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("téléchargement impossible : %w", unwrapURLError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("téléchargement refusé : %s répond %s", Redact(from), resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxFeed+1))
	if err != nil {
		return nil, fmt.Errorf("téléchargement interrompu : %w", unwrapURLError(err))
	}
	if len(data) > maxFeed {
		return nil, fmt.Errorf("programme trop gros (plus de %d Mio)", maxFeed>>20)
	}
	return data, nil
}

// errRedirect is why a redirect was not followed.
type errRedirect struct{ reason string }

func (e *errRedirect) Error() string { return "redirection refusée : " + e.reason }

// newFetchClient follows redirects only to public addresses (or to the
// host given) over the same or a safer scheme. The check is made when connecting, on the address
// actually dialled, so that a name that resolves to a public address when
// checked and to a private one when used (DNS rebinding) is caught too.
func newFetchClient() *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = nil
	transport.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if redirected(ctx) {
			d := *dialer
			d.Control = refuseNonPublic
			return d.DialContext(ctx, network, addr)
		}
		return dialer.DialContext(ctx, network, addr)
	}
	return &http.Client{
		Transport: transport,
		Timeout:   fetchTimeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			switch {
			case len(via) >= maxRedirects:
				return &errRedirect{reason: fmt.Sprintf("plus de %d redirections", maxRedirects)}
			case via[len(via)-1].URL.Scheme == "https" && req.URL.Scheme != "https":
				return &errRedirect{reason: "de https vers http"}
			case req.URL.Scheme != "https" && req.URL.Scheme != "http":
				return &errRedirect{reason: "vers une adresse qui n'est pas web"}
			}
			if req.URL.Host != via[0].URL.Host { // the host given is trusted as given
				*req = *req.WithContext(context.WithValue(req.Context(), redirectKey{}, true))
			}
			return nil
		},
	}
}

type redirectKey struct{}

func redirected(ctx context.Context) bool {
	v, _ := ctx.Value(redirectKey{}).(bool)
	return v
}

// refuseNonPublic refuses to connect to an address of this machine or of
// a private network.
func refuseNonPublic(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return err
	}
	if !isPublic(a) {
		return &errRedirect{reason: "vers une adresse qui n'est pas publique (" + a.String() + ")"}
	}
	return nil
}

// isPublic says whether a is an address of the public Internet.
func isPublic(a netip.Addr) bool {
	a = a.Unmap()
	if a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// nonPublic are the reserved blocks netip does not name.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // shared address space (carrier NAT)
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64 reaches IPv4 private addresses too
	netip.MustParsePrefix("2001:db8::/32"),
}

// unwrapURLError drops the address that net/http writes in its errors
// (with its query string), keeping the reason.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		var re *errRedirect
		if errors.As(ue.Err, &re) {
			return re
		}
		return ue.Err
	}
	return err
}
