package bench

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binaries are the programs a run starts, built once.
type binaries struct {
	rappel string
	sink   string
}

func buildBinaries(b *testing.B) binaries {
	b.Helper()
	dir := b.TempDir()
	bins := binaries{rappel: filepath.Join(dir, "rappel"), sink: filepath.Join(dir, "smtpsink")}
	for pkg, out := range map[string]string{
		"github.com/dinum/rappel/cmd/rappel":     bins.rappel,
		"github.com/dinum/rappel/bench/smtpsink": bins.sink,
	} {
		args := []string{"build", "-o", out}
		if *profileDir != "" {
			args = append(args, "-tags", "profile")
		}
		if msg, err := exec.Command("go", append(args, pkg)...).CombinedOutput(); err != nil {
			b.Fatalf("build %s: %v\n%s", pkg, err, msg)
		}
	}
	return bins
}

// sink is a running bench/smtpsink.
type sink struct {
	cmd   *exec.Cmd
	addr  string
	out   string
	lines chan string
}

// startSink starts a sink waiting for n messages; with dedupe, only
// distinct Message-IDs count.
func startSink(b *testing.B, bin string, n int, dedupe bool) *sink {
	b.Helper()
	s := &sink{out: filepath.Join(b.TempDir(), "instants"), lines: make(chan string, 4)}
	s.cmd = exec.Command(bin, "-expect", strconv.Itoa(n), "-out", s.out, "-dedupe="+strconv.FormatBool(dedupe))
	s.cmd.Stderr = os.Stderr
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			_ = s.cmd.Process.Kill()
			_ = s.cmd.Wait()
		}
	})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
		close(s.lines)
	}()
	line := s.next(b, 10*time.Second)
	addr, ok := strings.CutPrefix(line, "listening ")
	if !ok {
		b.Fatalf("sink: unexpected %q", line)
	}
	s.addr = addr
	return s
}

func (s *sink) next(b *testing.B, timeout time.Duration) string {
	b.Helper()
	select {
	case line, ok := <-s.lines:
		if !ok {
			b.Fatal("sink: stopped")
		}
		return line
	case <-time.After(timeout):
		b.Fatalf("sink: nothing after %s", timeout)
	}
	return ""
}

// waitDone waits until the sink has accepted the messages expected.
func (s *sink) waitDone(b *testing.B, timeout time.Duration) {
	b.Helper()
	if line := s.next(b, timeout); line != "done" {
		b.Fatalf("sink: unexpected %q", line)
	}
}

// stop stops the sink and returns how many messages it accepted, how many
// distinct ones, and the processor time it used.
func (s *sink) stop(b *testing.B) (total, distinct int, cpu time.Duration) {
	b.Helper()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	line := s.next(b, 10*time.Second)
	if _, err := fmt.Sscanf(line, "total %d distinct %d", &total, &distinct); err != nil {
		b.Fatalf("sink: unexpected %q", line)
	}
	_ = s.cmd.Wait()
	return total, distinct, s.cmd.ProcessState.UserTime() + s.cmd.ProcessState.SystemTime()
}

// instants are the acceptance instants of the expected messages, in order.
func (s *sink) instants(b *testing.B) []time.Time {
	b.Helper()
	f, err := os.Open(s.out)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var out []time.Time
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		ns, err := strconv.ParseInt(sc.Text(), 10, 64)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, time.Unix(0, ns))
	}
	return out
}

// worker is a running "rappel run".
type worker struct {
	cmd  *exec.Cmd
	done chan error
}

func startWorker(b *testing.B, bin string, env []string, logTo io.Writer) *worker {
	b.Helper()
	w := &worker{cmd: exec.Command(bin, "run"), done: make(chan error, 1)}
	w.cmd.Env = append(os.Environ(), env...)
	w.cmd.Stdout, w.cmd.Stderr = logTo, logTo
	if err := w.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	go func() { w.done <- w.cmd.Wait() }()
	b.Cleanup(func() {
		if w.cmd.ProcessState == nil {
			_ = w.cmd.Process.Kill()
			<-w.done
		}
	})
	return w
}

// peakRSS is the most resident memory the worker has used so far, in
// bytes: VmHWM, read from /proc. The resource usage given at exit will not
// do: for a process started by fork and exec, Linux counts in it the
// memory of the parent at the time of the fork, here the benchmark's own.
func (w *worker) peakRSS(b *testing.B) int64 {
	b.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", w.cmd.Process.Pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return kib * 1024
		}
	}
	b.Fatal("no VmHWM in /proc/PID/status")
	return 0
}

// stop sends SIGTERM, waits for the exit and returns the processor time
// the worker used.
func (w *worker) stop(b *testing.B) time.Duration {
	b.Helper()
	_ = w.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-w.done:
		if err != nil {
			b.Fatalf("rappel run: %v", err)
		}
	case <-time.After(60 * time.Second):
		b.Fatal("rappel run: no exit 60 s after SIGTERM")
	}
	return w.cmd.ProcessState.UserTime() + w.cmd.ProcessState.SystemTime()
}
