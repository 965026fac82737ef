package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/dinum/rappel/internal/testkit"
	"github.com/dinum/rappel/notify/smtptest"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serviceEnv is what "rappel run" needs beyond the database.
func serviceEnv(t *testing.T, httpAddr string) []string {
	return []string{
		"MAIL_FROM=DINUM <rappels@example.gouv.fr>", "PUBLIC_URL=https://rappel.example.gouv.fr",
		"SECRET_KEYS=" + testKey, "HTTP_ADDR=" + httpAddr, "LOG_LEVEL=warn",
	}
}

func waitHTTP(t *testing.T, url string, want int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == want {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never answered %d", url, want)
}

// TestRunOverSMTP runs the service in process against a real SMTP peer: a
// reminder leaves at its due time, the report says so, the unsubscribe link
// works, and cancelling the context stops everything with exit code 0.
func TestRunOverSMTP(t *testing.T) {
	t.Parallel()
	b := setup(t)
	srv := smtptest.Start(t, smtptest.Options{OnRcpt: func(to string) error {
		if strings.HasPrefix(to, "inconnu") {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Adresse inconnue"}
		}
		return nil
	}})
	addr := freeAddr(t)
	b.env = append(b.env, serviceEnv(t, addr)...)
	b.env = append(b.env, "SMTP_HOST="+srv.Host, "SMTP_PORT="+strconv.Itoa(srv.Port), "SMTP_TLS=none", "REMINDERS=1h,2m",
		"LOG_LEVEL=debug", "LOG_FORMAT=json")

	id := strings.TrimSpace(b.ok(t, "session", "add", "--kind", "atelier", "--title", "Collectivités territoriales : la DINUM et l'ANCT vous présentent leurs outils",
		"--start", time.Now().Add(time.Hour+2*time.Second).Format(time.RFC3339Nano), "--location", "En ligne"))
	b.ok(t, "subscribe", "--session", id, "--email", "agent@example.gouv.fr")
	b.ok(t, "subscribe", "--session", id, "--email", "inconnu@example.gouv.fr")

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result, 1)
	go func() { done <- b.runCtx(t, ctx, "", "run") }()
	waitHTTP(t, "http://"+addr+"/readyz", 200)

	m := srv.Wait(t, 1, 20*time.Second)[0]
	p, err := m.Parse()
	if err != nil {
		t.Fatal(err)
	}
	if p.Header.Get("X-Rappel-Kind") != "h1" || p.Header.Get("X-Rappel-Session") != id {
		t.Errorf("headers = %v", p.Header)
	}
	link := strings.Trim(strings.Split(p.Header.Get("List-Unsubscribe"), ",")[0], "<> ")
	local := strings.Replace(link, "https://rappel.example.gouv.fr", "http://"+addr, 1)
	resp, err := http.Get(local)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("unsubscribe page = %d", resp.StatusCode)
	}

	var out string
	// Both outcomes are recorded, each in its own batch.
	testkit.WaitFor(t, 10*time.Second, "outcomes recorded", func() bool {
		out = b.ok(t, "deliveries", "--session", id)
		return strings.Contains(out, "1 en échec") && strings.Contains(out, "1 envoyé(s)")
	})
	for _, want := range []string{"agent@example.gouv.fr", "rappel une heure avant", "envoyé le", "rappel 2\u00a0min avant", "en attente",
		"inconnu@example.gouv.fr", "échec définitif", "refus définitif : ", "550", "Total : 1 envoyé(s), 2 en attente, 1 en échec"} {
		if !strings.Contains(out, want) {
			t.Errorf("deliveries lacks %q:\n%s", want, out)
		}
	}
	checkMetrics(t, "http://"+addr+"/metrics")
	cancel()
	select {
	case r := <-done:
		if r.code != 0 {
			t.Errorf("run exited %d: %s", r.code, r.stderr)
		}
		checkLogs(t, r.stderr)
	case <-time.After(15 * time.Second):
		t.Fatal("run did not stop")
	}
}

// checkMetrics reads /metrics: every metric of the operations' list is
// there, and the reminder sent and the refused one moved them.
func checkMetrics(t *testing.T, url string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	body := string(raw)
	for _, want := range []string{
		`rappel_deliveries_total{kind="h1",outcome="sent"} 1`,
		`rappel_deliveries_total{kind="h1",outcome="failed"} 1`,
		`rappel_delivery_lateness_seconds_count{kind="h1"} 1`,
		`rappel_smtp_send_duration_seconds_count 2`,
		`rappel_smtp_errors_total{class="permanent"} 1`,
		`rappel_claim_batch_size_count`,
		`rappel_deliveries_pending 2`,
		`rappel_deliveries_failed 1`,
		`go_goroutines`, `process_resident_memory_bytes`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// addressRe finds an email address whose local part is in clear.
var addressRe = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}`)

// checkLogs: the service's logs are JSON, one object a line, with the ids
// of what they are about, and never an address in clear.
func checkLogs(t *testing.T, logs string) {
	t.Helper()
	sent := false
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Errorf("log line is not JSON: %q", line)
			continue
		}
		if entry["msg"] == "Message sent." {
			sent = true
			for _, key := range []string{"delivery_id", "session_id", "kind", "attempt", "late"} {
				if _, ok := entry[key]; !ok {
					t.Errorf("log of a send lacks %s: %q", key, line)
				}
			}
		}
		if m := addressRe.FindString(line); m != "" && !strings.HasPrefix(m, "rappels@") {
			t.Errorf("an address in clear in the logs: %q in %q", m, line)
		}
	}
	if !sent {
		t.Errorf("no send logged:\n%s", logs)
	}
}

// TestBinaryStopsOnSIGTERM builds the real binary, runs it with an outbox,
// and checks that a reminder is written and SIGTERM ends it with code 0,
// well inside Kubernetes' 30-second grace period.
func TestBinaryStopsOnSIGTERM(t *testing.T) {
	t.Parallel()
	b := setup(t)
	bin := filepath.Join(t.TempDir(), "rappel")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	outbox := filepath.Join(t.TempDir(), "outbox")
	addr := freeAddr(t)
	b.env = append(b.env, serviceEnv(t, addr)...)
	b.env = append(b.env, "MAIL_OUTBOX_DIR="+outbox)
	id := b.addSession(t, "--start", time.Now().Add(time.Hour+time.Second).Format(time.RFC3339Nano))
	b.ok(t, "subscribe", "--session", id, "--email", "agent@example.gouv.fr")

	cmd := exec.Command(bin, "run")
	cmd.Env = append(os.Environ(), b.env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitHTTP(t, "http://"+addr+"/healthz", 200)
	deadline := time.Now().Add(20 * time.Second)
	for {
		entries, _ := os.ReadDir(outbox)
		if len(entries) == 1 && strings.HasSuffix(entries[0].Name(), ".h1@example.gouv.fr.eml") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no reminder in the outbox: %v\n%s", entries, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- cmd.Wait() }()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, stderr.String())
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("took %s to stop", d)
		}
	case <-time.After(25 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("still running 25 s after SIGTERM")
	}
}
