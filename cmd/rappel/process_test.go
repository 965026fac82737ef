package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dinum/rappel/internal/testkit"
	"github.com/dinum/rappel/notify/smtptest"
)

var (
	binaryOnce sync.Once
	binaryPath string
	binaryErr  error
)

// binary builds the real rappel once for the whole package run.
func binary(t *testing.T) string {
	t.Helper()
	binaryOnce.Do(func() {
		dir, err := os.MkdirTemp("", "rappel-bin-")
		if err != nil {
			binaryErr = err
			return
		}
		binaryPath = filepath.Join(dir, "rappel")
		if out, err := exec.Command("go", "build", "-o", binaryPath, ".").CombinedOutput(); err != nil {
			binaryErr = fmt.Errorf("build: %w\n%s", err, out)
		}
	})
	if binaryErr != nil {
		t.Fatal(binaryErr)
	}
	return binaryPath
}

// process is one "rappel run" of the real binary.
type process struct {
	cmd    *exec.Cmd
	stderr *strings.Builder
	done   chan error
}

func startProcess(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	p := &process{cmd: cmd, stderr: &strings.Builder{}, done: make(chan error, 1)}
	cmd.Stderr = &lockedWriter{w: p.stderr}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("stderr of %v:\n%s", args, p.stderr)
		}
	})
	return p
}

// lockedWriter lets the process's output be read while it runs.
type lockedWriter struct {
	mu sync.Mutex
	w  *strings.Builder
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// stop sends SIGTERM and returns the exit error and how long it took.
func (p *process) stop(t *testing.T) (error, time.Duration) {
	t.Helper()
	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		p.done <- err
		return err, time.Since(start)
	case <-time.After(30 * time.Second):
		t.Fatal("still running 30 s after SIGTERM")
		return nil, 0
	}
}

func uniqueRecipients(msgs []smtptest.Message) map[string]int {
	out := map[string]int{}
	for _, m := range msgs {
		out[m.To[0]]++
	}
	return out
}

// workerEnv is the environment of worker processes sending to srv.
func workerEnv(b *testBundle, srv *smtptest.Server) []string {
	return append(append([]string{}, b.env...),
		"MAIL_FROM=DINUM <rappels@example.gouv.fr>", "PUBLIC_URL=https://rappel.example.gouv.fr",
		"SECRET_KEYS="+testKey, "LOG_LEVEL=warn", "LOG_FORMAT=text",
		"SMTP_HOST="+srv.Host, "SMTP_PORT="+strconv.Itoa(srv.Port), "SMTP_TLS=none", "SMTP_CONNECTIONS=4",
		"HTTP_ADDR=127.0.0.1:0") // each process its own port
}

// signUpMany creates a session whose H-1 falls due in a few seconds and
// imports n sign-ups through the CLI.
func signUpMany(t *testing.T, b *testBundle, n int, lead time.Duration) string {
	t.Helper()
	id := b.addSession(t, "--start", time.Now().Add(time.Hour+lead).Format(time.RFC3339Nano))
	var csv strings.Builder
	csv.WriteString("email\n")
	for i := range n {
		fmt.Fprintf(&csv, "agent%05d@example.gouv.fr\n", i)
	}
	if r := b.run(t, csv.String(), "import", "--session", id, "-"); r.code != 0 || !strings.Contains(r.stdout, fmt.Sprintf("ajoutées : %d", n)) {
		t.Fatalf("import: %d %s %s", r.code, r.stdout, r.stderr)
	}
	return id
}

// TestKillOneOfThreeWorkers runs three worker processes on one database;
// 2,000 reminders fall due at the same instant and one process is killed
// with SIGKILL in the middle of the batch. Every recipient gets the
// reminder; the duplicates are at most the messages the killed process had
// in flight: accepted by the relay in its last moments, their outcomes not
// yet committed, or being sent on one of its connections.
func TestKillOneOfThreeWorkers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	srv := smtptest.Start(t, smtptest.Options{Delay: 5 * time.Millisecond})
	const total = 2000
	signUpMany(t, b, total, 8*time.Second)
	env := append(workerEnv(b, srv), "LEASE_DURATION=10s")
	var procs []*process
	for i := 1; i <= 3; i++ {
		procs = append(procs, startProcess(t, append(env, fmt.Sprintf("SMTP_HELO=worker-%d", i)), "run", "--only", "worker"))
	}
	testkit.WaitFor(t, 30*time.Second, "sending", func() bool { return len(srv.Messages()) >= 300 })
	killedAt := time.Now()
	if err := procs[0].cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	testkit.WaitFor(t, 60*time.Second, "delivered to everyone", func() bool { return len(uniqueRecipients(srv.Messages())) >= total })
	time.Sleep(time.Second)
	for _, p := range procs[1:] {
		if err, _ := p.stop(t); err != nil {
			t.Errorf("worker exit: %v", err)
		}
	}

	msgs := srv.Messages()
	counts := uniqueRecipients(msgs)
	duplicates := len(msgs) - len(counts)
	killedSent, killedLastMoments := 0, 0
	for _, m := range msgs {
		if m.Helo == "worker-1" {
			killedSent++
			// Accepted up to 50 ms before the kill (the commit interval),
			// with 100 ms of slack for a loaded machine.
			if m.At.After(killedAt.Add(-150 * time.Millisecond)) {
				killedLastMoments++
			}
		}
	}
	bound := killedLastMoments + 4 // plus one message per connection being sent
	if len(counts) != total {
		t.Errorf("%d recipients got the reminder, want %d", len(counts), total)
	}
	if duplicates > bound {
		t.Errorf("%d duplicates, more than the %d messages the killed worker had in flight", duplicates, bound)
	}
	for to, n := range counts {
		if n > 2 {
			t.Errorf("%s received %d copies", to, n)
		}
	}
	t.Logf("SIGKILL of 1 of 3 workers (it had %d messages accepted): %d messages accepted in all for %d recipients, 0 lost, %d duplicates (bound: %d in flight)",
		killedSent, len(msgs), len(counts), duplicates, bound)
}

// TestSIGTERMDuringBatch stops a worker process in the middle of a batch:
// it exits 0 within 10 s, and the next process sends the rest, without a
// single duplicate.
func TestSIGTERMDuringBatch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	srv := smtptest.Start(t, smtptest.Options{Delay: 10 * time.Millisecond})
	const total = 500
	signUpMany(t, b, total, 5*time.Second)
	env := workerEnv(b, srv)
	first := startProcess(t, env, "run", "--only", "worker")
	testkit.WaitFor(t, 30*time.Second, "sending", func() bool { return len(srv.Messages()) >= 100 })
	err, took := first.stop(t)
	if err != nil || took > 10*time.Second {
		t.Errorf("exit after SIGTERM: %v after %s; want 0 within 10 s", err, took)
	}
	sentByFirst := len(srv.Messages())
	if sentByFirst >= total {
		t.Fatalf("all sent before SIGTERM: the test proves nothing")
	}
	second := startProcess(t, env, "run", "--only", "worker")
	testkit.WaitFor(t, 30*time.Second, "all sent", func() bool { return len(srv.Messages()) >= total })
	time.Sleep(time.Second)
	if err, _ := second.stop(t); err != nil {
		t.Errorf("second worker exit: %v", err)
	}
	if n, u := len(srv.Messages()), len(uniqueRecipients(srv.Messages())); n != total || u != total {
		t.Errorf("%d messages to %d recipients, want %d to %d", n, u, total, total)
	}
	t.Logf("SIGTERM after %d of %d: exit 0 in %s, the next process sent the rest, 0 duplicates", sentByFirst, total, took.Round(time.Millisecond))
}

// TestCrashedWorkerTakenOverWithinTheDefaultLease: with the default lease
// (30 s, renewed by live replicas), the work a SIGKILLed replica had
// claimed is sent by the other within the lease, not minutes later.
func TestCrashedWorkerTakenOverWithinTheDefaultLease(t *testing.T) {
	t.Parallel()
	b := setup(t)
	srv := smtptest.Start(t, smtptest.Options{Delay: 20 * time.Millisecond})
	const total = 600
	signUpMany(t, b, total, 6*time.Second)
	env := workerEnv(b, srv)
	killed := startProcess(t, append(env, "SMTP_HELO=killed"), "run", "--only", "worker")
	testkit.WaitFor(t, 30*time.Second, "sending", func() bool { return len(srv.Messages()) >= 50 })
	// The other replica starts now: the killed one had claimed the batch.
	other := startProcess(t, append(env, "SMTP_HELO=other"), "run", "--only", "worker")
	if err := killed.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	killedAt := time.Now()
	testkit.WaitFor(t, 75*time.Second, "delivered to everyone", func() bool { return len(uniqueRecipients(srv.Messages())) >= total })
	took := time.Since(killedAt)
	if err, _ := other.stop(t); err != nil {
		t.Errorf("worker exit: %v", err)
	}
	// 30 s of lease, and a loaded machine's margin for the rest.
	if took > 45*time.Second {
		t.Errorf("the crashed worker's work was taken over in %s, want within the 30 s lease", took.Round(time.Second))
	}
	t.Logf("SIGKILL with the default lease: everyone reached %s after the kill", took.Round(100*time.Millisecond))
}
