package agenda

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

// TestFetchRefusesRedirectsToPrivateAddresses: a feed's server cannot make
// rappel reach this machine or its network by redirecting, nor downgrade
// https to http; the host given is trusted as given.
func TestFetchRefusesRedirectsToPrivateAddresses(t *testing.T) {
	t.Parallel()
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"))
	}))
	defer internal.Close()
	// The same server by another name: a redirect there is to another host.
	other := strings.Replace(internal.URL, "127.0.0.1", "localhost", 1)
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/same-host":
			http.Redirect(w, r, "/final", http.StatusFound)
		case "/final":
			_, _ = w.Write([]byte("ok"))
		default:
			http.Redirect(w, r, other+"/admin?token=x", http.StatusFound)
		}
	}))
	defer feed.Close()
	ctx := context.Background()

	if _, err := Read(ctx, nil, feed.URL+"/calendrier.ics?secret=abc"); err == nil ||
		!strings.Contains(err.Error(), "redirection refusée : vers une adresse qui n'est pas publique") ||
		strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "token") {
		t.Errorf("redirect to a private address: %v", err)
	}
	if data, err := Read(ctx, nil, feed.URL+"/same-host"); err != nil || string(data) != "ok" {
		t.Errorf("redirect within the host given: %q, %v", data, err)
	}

	secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, internal.URL+"/feed.ics", http.StatusFound)
	}))
	defer secure.Close()
	client := newFetchClient()
	client.Transport.(*http.Transport).TLSClientConfig = secure.Client().Transport.(*http.Transport).TLSClientConfig
	if _, err := Read(ctx, client, secure.URL+"/feed.ics"); err == nil || !strings.Contains(err.Error(), "de https vers http") {
		t.Errorf("redirect from https to http: %v", err)
	}
}

func TestFetchBoundsTheSize(t *testing.T) {
	t.Parallel()
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		chunk := []byte(strings.Repeat("x", 1<<20))
		for range 17 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer big.Close()
	if _, err := Read(context.Background(), nil, big.URL); err == nil || !strings.Contains(err.Error(), "programme trop gros") {
		t.Errorf("a 17 MiB feed: %v", err)
	}
}

func TestIsPublic(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{
		"127.0.0.1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false, "169.254.169.254": false,
		"100.64.0.1": false, "0.0.0.0": false, "::1": false, "fe80::1": false, "fd00::1": false, "::ffff:10.0.0.1": false,
		"64:ff9b::a00:1": false, "8.8.8.8": true, "193.51.24.1": true, "2a01:e0a::1": true,
	} {
		if got := isPublic(netip.MustParseAddr(addr)); got != want {
			t.Errorf("isPublic(%s) = %v", addr, got)
		}
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://calendar.example.org/private/feed.ics?token=abc": "https://calendar.example.org/private/feed.ics?…",
		"https://user:pass@example.org/feed.ics":                  "https://…@example.org/feed.ics",
		"https://example.org/feed.ics":                            "https://example.org/feed.ics",
		"/var/lib/rappel/feed.ics":                                "/var/lib/rappel/feed.ics",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%s) = %s, want %s", in, got, want)
		}
	}
}
