package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dinum/rappel/notify/smtptest"
)

// liveService is "rappel run" in process against its own database and a
// real SMTP peer, for the tests that act from outside as people do: HTTP
// requests to its address and calls of its command line.
type liveService struct {
	b    *testBundle
	base string // http://127.0.0.1:port
	smtp *smtptest.Server
}

func startLive(t *testing.T, extraEnv ...string) *liveService {
	t.Helper()
	b := setup(t)
	srv := smtptest.Start(t, smtptest.Options{})
	b.env = append(b.env, serviceEnv(t, freeAddr(t))...)
	b.env = append(b.env, "SMTP_HOST="+srv.Host, "SMTP_PORT="+strconv.Itoa(srv.Port), "SMTP_TLS=none")
	b.env = append(b.env, extraEnv...)
	base, _ := b.serve(t)
	return &liveService{b: b, base: base, smtp: srv}
}

// token creates an organiser's API token with the command line.
func (l *liveService) token(t *testing.T, organiser string) string {
	t.Helper()
	return strings.TrimSpace(l.b.ok(t, "token", "create", organiser))
}

type httpResult struct {
	code int
	body string
	obj  map[string]any
	list []map[string]any
}

// do sends a request to the service.
func (l *liveService) do(t *testing.T, method, path string, header map[string]string, body string) httpResult {
	t.Helper()
	req, err := http.NewRequest(method, l.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := httpResult{code: resp.StatusCode, body: string(raw)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if strings.HasPrefix(strings.TrimSpace(r.body), "[") {
			_ = json.Unmarshal(raw, &r.list)
		} else {
			_ = json.Unmarshal(raw, &r.obj)
		}
	}
	return r
}

// api calls the organisers' API with a token.
func (l *liveService) api(t *testing.T, tok, method, path, contentType, body string) httpResult {
	t.Helper()
	h := map[string]string{"Authorization": "Bearer " + tok}
	if contentType != "" {
		h["Content-Type"] = contentType
	}
	return l.do(t, method, path, h, body)
}

// form posts a form as a browser does.
func (l *liveService) form(t *testing.T, path string, values url.Values, header map[string]string) httpResult {
	t.Helper()
	h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	for k, v := range header {
		h[k] = v
	}
	return l.do(t, "POST", path, h, values.Encode())
}

// createSession creates a session through the API and returns its id.
func (l *liveService) createSession(t *testing.T, tok, title string, start time.Time) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"kind": "atelier", "title": title, "starts_at": start.Format(time.RFC3339Nano)})
	r := l.api(t, tok, "POST", "/api/sessions", "application/json", string(body))
	if r.code != 201 {
		t.Fatalf("create session: %d %s", r.code, r.body)
	}
	return strconv.FormatInt(int64(r.obj["id"].(float64)), 10)
}

// mails are the messages received for an address, parsed, by arrival.
func (l *liveService) mails(t *testing.T, to string) []smtptest.Parsed {
	t.Helper()
	var out []smtptest.Parsed
	for _, m := range l.smtp.Messages() {
		if len(m.To) != 1 || m.To[0] != to {
			continue
		}
		p, err := m.Parse()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// waitMail waits for the n-th message (from 1) of a kind to an address.
func (l *liveService) waitMail(t *testing.T, to, kind string, n int) smtptest.Parsed {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		seen := 0
		for _, p := range l.mails(t, to) {
			if p.Header.Get("X-Rappel-Kind") == kind {
				if seen++; seen == n {
					return p
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %d of kind %s to %s never came (%d came)", n, kind, to, seen)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

var confirmLinkRe = regexp.MustCompile(`https://rappel\.example\.gouv\.fr(/confirmation/[A-Za-z0-9_-]+)`)

// confirm follows the link of a confirmation request and presses its
// button, as the person does.
func (l *liveService) confirm(t *testing.T, request smtptest.Parsed) {
	t.Helper()
	m := confirmLinkRe.FindStringSubmatch(request.Parts["text/plain"])
	if m == nil {
		t.Fatalf("no confirmation link in:\n%s", request.Parts["text/plain"])
	}
	if r := l.do(t, "GET", m[1], nil, ""); r.code != 200 {
		t.Fatalf("confirmation page: %d", r.code)
	}
	if r := l.form(t, m[1], url.Values{}, nil); r.code != 200 {
		t.Fatalf("confirmation: %d %s", r.code, r.body)
	}
}

// oneClick unsubscribes with the List-Unsubscribe header of a message, as
// a mail client does (RFC 8058).
func (l *liveService) oneClick(t *testing.T, p smtptest.Parsed) {
	t.Helper()
	link := strings.Trim(strings.Split(p.Header.Get("List-Unsubscribe"), ",")[0], "<> ")
	path := strings.TrimPrefix(link, "https://rappel.example.gouv.fr")
	if r := l.form(t, path, url.Values{"List-Unsubscribe": {"One-Click"}}, nil); r.code != 200 {
		t.Fatalf("one-click unsubscription: %d %s", r.code, r.body)
	}
}

// signupCounts is what "session show" says of a session's sign-ups.
func (l *liveService) signupCounts(t *testing.T, id string) string {
	t.Helper()
	for _, line := range strings.Split(l.b.ok(t, "session", "show", id), "\n") {
		if strings.HasPrefix(line, "Inscriptions : ") {
			return strings.TrimPrefix(line, "Inscriptions : ")
		}
	}
	t.Fatalf("session show %s says nothing of the sign-ups", id)
	return ""
}

// serve runs "rappel run" for b until stop is called (the test's end at
// the latest), and returns its address.
func (b *testBundle) serve(t *testing.T) (base string, stop func()) {
	t.Helper()
	addr := freeAddr(t)
	env := append(append([]string{}, b.env...), "HTTP_ADDR="+addr)
	sb := &testBundle{env: env}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result, 1)
	go func() { done <- sb.runCtx(t, ctx, "", "run") }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case r := <-done:
			if r.code != 0 {
				t.Errorf("run exited %d: %s", r.code, r.stderr)
			}
		case <-time.After(20 * time.Second):
			t.Error("run did not stop")
		}
	}
	t.Cleanup(stop)
	waitHTTP(t, "http://"+addr+"/readyz", 200)
	return "http://" + addr, stop
}
