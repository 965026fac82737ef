package scheduler

import (
	"strings"
	"testing"
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/store"
)

func TestDecide(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	h1 := candidate{Due: start.Add(-time.Hour), Start: start, MaxLate: 15 * time.Minute, Current: true, SignupOpen: true}
	tests := []struct {
		name       string
		now        time.Time
		c          func(candidate) candidate
		wantSend   bool
		wantReason string
	}{
		{"OnTime", h1.Due, nil, true, ""},
		{"LateWithinLimit", h1.Due.Add(14 * time.Minute), nil, true, ""},
		{"TooLate", h1.Due.Add(16 * time.Minute), nil, false, store.ReasonTooLate},
		{"RetryPastTheLimit", h1.Due.Add(40 * time.Minute), func(c candidate) candidate { c.Tried = true; return c }, true, ""},
		{"Started", start, nil, false, store.ReasonSessionStarted},
		{"Cancelled", h1.Due, func(c candidate) candidate { c.Cancelled = true; return c }, false, store.ReasonSessionChanged},
		{"Moved", h1.Due, func(c candidate) candidate { c.Current = false; return c }, false, store.ReasonSessionChanged},
		{"Unsubscribed", h1.Due, func(c candidate) candidate { c.SignupOpen = false; return c }, false, store.ReasonUnsubscribed},
		{"LaterOneDue", h1.Due, func(c candidate) candidate { c.LaterDue = true; return c }, false, store.ReasonSuperseded},
		{"StartedWinsOverLateness", start.Add(time.Hour), nil, false, store.ReasonSessionStarted},
		// An offer of a freed place leaves while it runs, never after the
		// start nor once it ended.
		{"Offer", start.Add(-3 * time.Hour), func(c candidate) candidate {
			c.Notice, c.SignupStatus, c.OfferOpen = kind.Offer, store.SignupOffered, true
			return c
		}, true, ""},
		{"OfferAfterStart", start, func(c candidate) candidate {
			c.Notice, c.SignupStatus, c.OfferOpen = kind.Offer, store.SignupOffered, true
			return c
		}, false, store.ReasonSessionStarted},
		{"OfferEnded", start.Add(-3 * time.Hour), func(c candidate) candidate {
			c.Notice, c.SignupStatus = kind.Offer, store.SignupOffered
			return c
		}, false, store.ReasonOfferEnded},
		{"OfferTaken", start.Add(-3 * time.Hour), func(c candidate) candidate {
			c.Notice, c.SignupStatus, c.OfferOpen = kind.Offer, store.SignupConfirmed, true
			return c
		}, false, store.ReasonOfferEnded},
		{"WaitlistedGotAPlace", start.Add(-3 * time.Hour), func(c candidate) candidate {
			c.Notice, c.SignupStatus = kind.Waitlisted, store.SignupOffered
			return c
		}, false, store.ReasonSuperseded},
		{"Waitlisted", start.Add(-3 * time.Hour), func(c candidate) candidate {
			c.Notice, c.SignupStatus = kind.Waitlisted, store.SignupWaitlisted
			return c
		}, true, ""},
		{"CancellationNotice", start.Add(-time.Minute), func(c candidate) candidate {
			c.Notice, c.Cancelled, c.Current = kind.Cancellation, true, true
			return c
		}, true, ""},
		{"CancellationAfterStart", start, func(c candidate) candidate {
			c.Notice, c.Cancelled = kind.Cancellation, true
			return c
		}, false, store.ReasonSessionStarted},
		{"CancellationToUnsubscribed", h1.Due, func(c candidate) candidate {
			c.Notice, c.Cancelled, c.SignupOpen = kind.Cancellation, true, false
			return c
		}, false, store.ReasonUnsubscribed},
		{"RescheduleNotice", h1.Due.Add(-48 * time.Hour), func(c candidate) candidate { c.Notice = kind.Reschedule; return c }, true, ""},
		{"RescheduleMovedAgain", h1.Due, func(c candidate) candidate {
			c.Notice, c.Current = kind.Reschedule, false
			return c
		}, false, store.ReasonSessionChanged},
		{"RescheduleThenCancelled", h1.Due, func(c candidate) candidate {
			c.Notice, c.Cancelled = kind.Reschedule, true
			return c
		}, false, store.ReasonSessionChanged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := h1
			if tt.c != nil {
				c = tt.c(c)
			}
			send, reason := decide(tt.now, c)
			if send != tt.wantSend || reason != tt.wantReason {
				t.Errorf("decide = %v, %q; want %v, %q", send, reason, tt.wantSend, tt.wantReason)
			}
		})
	}
}

func TestOneShot(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 1, 9, 0, 0, 500_000_000, time.UTC)
	o := oneShot{at: at}
	if got := o.Next(at.Add(-time.Millisecond)); !got.Equal(at) {
		t.Errorf("Next before = %s, want the exact instant %s", got, at)
	}
	if got := o.Next(at); !got.IsZero() {
		t.Errorf("Next at = %s, want zero (never again)", got)
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	p := RetryPolicy{}
	p.setDefaults()
	nominal := p.Base
	for n := 1; n <= 12; n++ {
		d := p.backoff(n)
		if d < nominal*8/10 || d > nominal*12/10 {
			t.Errorf("backoff(%d) = %s, want %s ± 20 %%", n, d, nominal)
		}
		nominal = min(nominal*2, p.Max)
	}
}

func TestChunkBySession(t *testing.T) {
	t.Parallel()
	claimed := []store.Claimed{{ID: 1, SessionID: 7}, {ID: 2, SessionID: 8}, {ID: 3, SessionID: 7}, {ID: 4, SessionID: 7}}
	got := chunkBySession("t", claimed, 2)
	if len(got) != 3 || got[0].sessionID != 7 || len(got[0].ids) != 2 || got[1].sessionID != 8 || got[2].ids[0] != 4 {
		t.Errorf("chunks = %+v", got)
	}
}

func TestMaskAddresses(t *testing.T) {
	t.Parallel()
	in := `sending SMTP RCPT TO command: 550 5.1.1 <Marie.Dupont@example.gouv.fr>: unknown, affected recipient(s): <marie.dupont@example.gouv.fr>`
	got := maskAddresses(in)
	if strings.Contains(got, "marie") || strings.Contains(got, "Marie") || !strings.Contains(got, "<…@example.gouv.fr>") {
		t.Errorf("masked = %q", got)
	}
}
