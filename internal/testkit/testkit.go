// Package testkit holds the small helpers the tests of several packages
// share, so that they are written once: the zone of the fixtures, and a
// poll with a deadline. It imports nothing of rappel's, so that any
// package's own tests may use it; only tests import it.
package testkit

import (
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// Paris is Europe/Paris, the zone of the fixtures and the default one.
func Paris(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// WaitFor polls cond every 20 ms until it holds, and fails the test when
// it still does not after timeout: for what another goroutine or process
// does, never as a measure of speed.
func WaitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still not %s after %s", what, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// CheckLeaks runs a package's tests, then fails them if any goroutine is
// left running (goleak): a test that leaves a server, a connection or a
// loop behind would hide the same bug in the service. Idle HTTP
// connections of the default client are closed first: they are the
// client's to keep, not a leak.
func CheckLeaks(m *testing.M) {
	code := m.Run()
	http.DefaultClient.CloseIdleConnections()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}
