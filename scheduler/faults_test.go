package scheduler_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/dinum/rappel/internal/testkit"
	"github.com/dinum/rappel/notify/smtptest"
	"github.com/dinum/rappel/scheduler"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/store/storetest"
)

// fastRetry keeps the retries of a test within seconds.
var fastRetry = scheduler.RetryPolicy{MaxAttempts: 10, Base: 50 * time.Millisecond, Max: 500 * time.Millisecond}

// countBy counts accepted messages per recipient.
func countBy(msgs []smtptest.Message) map[string]int {
	out := map[string]int{}
	for _, m := range msgs {
		out[m.To[0]]++
	}
	return out
}

// TestTemporaryAndPermanentFailures: a relay that answers 421 to a third of
// the messages and drops the connection after the data of some others.
// Every message is eventually accepted once, but for those dropped after
// their data (the relay had them, the worker could not know: counted); the
// address refused with 550 is not retried and does not hold up the others.
func TestTemporaryAndPermanentFailures(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	seen := map[string]int{}
	rcptRefusals := 0
	b := setupWith(t, smtptest.Options{
		OnRcpt: func(to string) error {
			if strings.HasPrefix(to, "inconnu") {
				mu.Lock()
				rcptRefusals++
				mu.Unlock()
				return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Adresse inconnue"}
			}
			return nil
		},
		OnData: func(m smtptest.Message) error {
			mu.Lock()
			defer mu.Unlock()
			id := m.MessageID()
			seen[id]++
			n := len(seen)
			switch {
			case seen[id] == 1 && n%3 == 0:
				return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Essayez plus tard"}
			case seen[id] == 1 && n%10 == 1:
				return smtptest.ErrDrop
			}
			return nil
		},
	})
	start := time.Now().Add(time.Hour + 2*time.Second)
	s := b.session(t, start)
	addrs := emails(60, "example.gouv.fr")
	b.subscribeMany(t, s.ID, append(addrs, "inconnu@example.gouv.fr"))
	b.startWorker(t, workerOpts{Retry: fastRetry})

	testkit.WaitFor(t, 30*time.Second, "delivered", func() bool { return len(countBy(b.smtp.Messages())) == 60 })
	time.Sleep(time.Second)
	counts := countBy(b.smtp.Messages())
	dropped := b.smtp.Dropped()
	duplicates := len(b.smtp.Messages()) - len(counts)
	for _, a := range addrs {
		if counts[a] < 1 {
			t.Errorf("%s got nothing", a)
		}
	}
	if counts["inconnu@example.gouv.fr"] != 0 || rcptRefusals != 1 {
		t.Errorf("the refused address: %d messages, %d RCPT refusals; want 0 and 1 (no retry)", counts["inconnu@example.gouv.fr"], rcptRefusals)
	}
	// A message dropped after its data is the only kind sent twice: the
	// relay took it but never said so.
	if duplicates != 0 {
		t.Errorf("%d duplicate acceptances, want 0", duplicates)
	}
	if len(dropped) == 0 {
		t.Error("the test dropped no connection")
	}
	t.Logf("60 recipients: %d accepted, %d received twice by the relay (dropped after data, then resent), 0 lost",
		len(b.smtp.Messages()), len(dropped))

	got := b.deliveries(t, s.ID)
	if got["h1 sent"] != 60 || got["h1 failed"] != 1 {
		t.Errorf("deliveries = %v", got)
	}
	rows, _ := b.st.SessionDeliveries(b.ctx, s.ID)
	for _, r := range rows {
		if r.Email == "inconnu@example.gouv.fr" && r.Kind == "h1" && (r.Attempts != 1 || len(r.History) != 1 || r.History[0].Outcome != store.AttemptRejected ||
			r.History[0].SMTPCode == nil || *r.History[0].SMTPCode != 550 || r.LastError == nil || strings.Contains(*r.LastError, "inconnu@")) {
			t.Errorf("refused delivery = %+v, history %+v", r, r.History)
		}
	}
}

// TestSMTPDownThenUp: the relay is away for 30 s when reminders fall due;
// nothing is lost, everything leaves once it is back, once.
func TestSMTPDownThenUp(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.smtp.Stop()
	start := time.Now().Add(time.Hour + time.Second)
	s := b.session(t, start)
	b.subscribeMany(t, s.ID, emails(40, "example.gouv.fr"))
	b.startWorker(t, workerOpts{Retry: scheduler.RetryPolicy{MaxAttempts: 3, Base: 50 * time.Millisecond}})
	time.Sleep(31 * time.Second)
	if got := b.deliveries(t, s.ID); got["h1 pending"] != 40 {
		t.Fatalf("while the relay is down: %v", got)
	}
	b.smtp.Restart()
	testkit.WaitFor(t, 40*time.Second, "delivered", func() bool { return len(b.smtp.Messages()) >= 40 })
	time.Sleep(time.Second)
	if n, u := len(b.smtp.Messages()), len(countBy(b.smtp.Messages())); n != 40 || u != 40 {
		t.Errorf("%d messages to %d recipients, want 40 to 40", n, u)
	}
	// While the relay was away, sending paused after the first failure:
	// only the messages being sent at that moment record the attempt.
	rows, _ := b.st.SessionDeliveries(b.ctx, s.ID)
	unreachable := 0
	for _, r := range rows {
		if r.Kind == "h1" && r.Status != store.DeliverySent {
			t.Errorf("delivery = %+v", r)
		}
		for _, a := range r.History {
			if a.Outcome == store.AttemptUnreachable {
				unreachable++
			}
		}
	}
	if unreachable == 0 || unreachable > 40 {
		t.Errorf("%d attempts found the relay unreachable", unreachable)
	}
	t.Logf("relay down 31 s: %d attempts found it unreachable, 40 sent once when it came back", unreachable)
}

// TestPostgresRestart stops the database under a running worker and starts
// it again: the worker recovers by itself, its LISTEN connection too, and
// what fell due meanwhile is sent once.
func TestPostgresRestart(t *testing.T) {
	t.Parallel()
	cluster := storetest.NewCluster(t)
	b := setup(t)
	b.st, b.dsn = cluster.Store(), cluster.DSN()
	s := b.session(t, time.Now().Add(time.Hour+4*time.Second))
	b.subscribe(t, s.ID, "pendant@example.gouv.fr")
	b.startWorker(t, workerOpts{})
	testkit.WaitFor(t, 10*time.Second, "planned", func() bool { return b.deliveries(t, s.ID)["h1 pending"] == 1 })

	cluster.Stop()
	time.Sleep(6 * time.Second) // the H-1 falls due while the database is down
	cluster.Start()

	m := b.smtp.Wait(t, 1, 30*time.Second)[0]
	if m.To[0] != "pendant@example.gouv.fr" {
		t.Errorf("message to %v", m.To)
	}
	// The notifications work again: a new sign-up is planned and sent at once.
	later := b.session(t, time.Now().Add(time.Hour+2*time.Second))
	b.subscribe(t, later.ID, "apres@example.gouv.fr")
	b.smtp.Wait(t, 2, 20*time.Second)
	time.Sleep(time.Second)
	if n := len(b.smtp.Messages()); n != 2 {
		t.Errorf("%d messages, want 2", n)
	}
	if got := b.deliveries(t, s.ID); got["h1 sent"] != 1 {
		t.Errorf("deliveries = %v", got)
	}
}

// TestGracefulStop stops a worker in the middle of a batch: it returns
// quickly, gives back what it had not sent, and the next worker sends the
// rest, with no message twice.
func TestGracefulStop(t *testing.T) {
	t.Parallel()
	b := setupWith(t, smtptest.Options{Delay: 20 * time.Millisecond})
	s := b.session(t, time.Now().Add(time.Hour+2*time.Second))
	b.subscribeMany(t, s.ID, emails(200, "example.gouv.fr"))
	stop := b.startWorker(t, workerOpts{})
	testkit.WaitFor(t, 20*time.Second, "sending", func() bool { return len(b.smtp.Messages()) >= 40 })
	if took := stop(); took > 10*time.Second {
		t.Errorf("stop took %s", took)
	}
	sentBefore := len(b.smtp.Messages())
	if sentBefore >= 200 {
		t.Fatalf("all %d sent before the stop: the test proves nothing", sentBefore)
	}
	if got := b.deliveries(t, s.ID); got["h1 sent"] != sentBefore {
		t.Errorf("after the stop, %v recorded for %d accepted", got, sentBefore)
	}
	b.startWorker(t, workerOpts{})
	testkit.WaitFor(t, 30*time.Second, "all sent", func() bool { return len(b.smtp.Messages()) >= 200 })
	time.Sleep(500 * time.Millisecond)
	if n, u := len(b.smtp.Messages()), len(countBy(b.smtp.Messages())); n != 200 || u != 200 {
		t.Errorf("%d messages to %d recipients, want 200 to 200", n, u)
	}
	t.Logf("stopped after %d of 200, the next worker sent the rest, no duplicate", sentBefore)
}

// TestSlowReplicaKeepsItsClaim: a chunk takes longer than the lease; the
// lease is renewed, so a second replica does not take the work over.
func TestSlowReplicaKeepsItsClaim(t *testing.T) {
	t.Parallel()
	b := setupWith(t, smtptest.Options{Delay: 40 * time.Millisecond})
	s := b.session(t, time.Now().Add(time.Hour+2*time.Second))
	b.subscribeMany(t, s.ID, emails(120, "example.gouv.fr"))
	opts := workerOpts{Lease: time.Second, ChunkSize: 120}
	b.startWorker(t, opts)
	b.startWorker(t, opts)
	testkit.WaitFor(t, 30*time.Second, "all sent", func() bool { return len(b.smtp.Messages()) >= 120 })
	time.Sleep(2 * time.Second)
	if n, u := len(b.smtp.Messages()), len(countBy(b.smtp.Messages())); n != 120 || u != 120 {
		t.Errorf("%d messages to %d recipients, want 120 to 120", n, u)
	}
}

// changeDuringBatch starts a slow batch of 300 reminders, applies change
// once 50 are accepted, and returns when change returned and the session.
func changeDuringBatch(t *testing.T, b *testBundle, change func(s store.Session)) (store.Session, time.Time) {
	t.Helper()
	s := b.session(t, time.Now().Add(time.Hour+2*time.Second))
	b.subscribeMany(t, s.ID, emails(300, "example.gouv.fr"))
	b.startWorker(t, workerOpts{})
	testkit.WaitFor(t, 20*time.Second, "sending", func() bool { return len(b.smtp.Messages()) >= 50 })
	change(s)
	return s, time.Now()
}

// h1After counts the H-1 accepted after an instant.
func h1After(t *testing.T, msgs []smtptest.Message, after time.Time) (before, late int) {
	t.Helper()
	for _, m := range msgs {
		p, _ := m.Parse()
		if p.Header.Get("X-Rappel-Kind") != "h1" {
			continue
		}
		if m.At.After(after) {
			late++
		} else {
			before++
		}
	}
	return before, late
}

// TestCancelDuringBatch cancels a session while its reminders are being
// sent: once the cancellation has committed, not one more reminder leaves;
// everyone signed up is told of the cancellation.
func TestCancelDuringBatch(t *testing.T) {
	t.Parallel()
	b := setupWith(t, smtptest.Options{Delay: 20 * time.Millisecond})
	s, committed := changeDuringBatch(t, b, func(s store.Session) {
		if _, err := b.st.CancelSession(b.ctx, s.ID); err != nil {
			t.Fatal(err)
		}
	})
	testkit.WaitFor(t, 60*time.Second, "notices sent", func() bool { return b.deliveries(t, s.ID)["cancellation sent"] == 300 })
	time.Sleep(500 * time.Millisecond)
	sent, late := h1After(t, b.smtp.Messages(), committed)
	if late != 0 {
		t.Errorf("%d reminders accepted after the cancellation committed", late)
	}
	got := b.deliveries(t, s.ID)
	if got["h1 sent"] != sent || got["h1 skipped:session_cancelled"] != 300-sent {
		t.Errorf("deliveries = %v for %d reminders sent", got, sent)
	}
	t.Logf("%d reminders sent before the cancel, %d dropped, 0 after, 300 notices", sent, 300-sent)
}

// TestRescheduleDuringBatch moves a session while its reminders are being
// sent: no reminder for the old time leaves after the move commits; every
// sign-up gets a notice with both times, and the reminders of the new time
// are planned.
func TestRescheduleDuringBatch(t *testing.T) {
	t.Parallel()
	b := setupWith(t, smtptest.Options{Delay: 20 * time.Millisecond})
	var newStart time.Time
	s, committed := changeDuringBatch(t, b, func(s store.Session) {
		newStart = s.StartsAt.Add(24 * time.Hour)
		if _, _, err := b.st.UpdateSession(b.ctx, s.ID, store.SessionChanges{StartsAt: &newStart}); err != nil {
			t.Fatal(err)
		}
	})
	testkit.WaitFor(t, 60*time.Second, "notices sent", func() bool { return b.deliveries(t, s.ID)["reschedule sent"] == 300 })
	time.Sleep(500 * time.Millisecond)
	sent, late := h1After(t, b.smtp.Messages(), committed)
	if late != 0 {
		t.Errorf("%d reminders for the old time accepted after the move committed", late)
	}
	got := b.deliveries(t, s.ID)
	if got["h1 sent"] != sent || got["h1 skipped:rescheduled"] != 300-sent || got["h1 pending"] != 300 || got["j1 pending"] != 300 {
		t.Errorf("deliveries = %v for %d reminders sent", got, sent)
	}
	for _, m := range b.smtp.Messages() {
		p, _ := m.Parse()
		if p.Header.Get("X-Rappel-Kind") == "reschedule" {
			if text := p.Parts["text/plain"]; !strings.Contains(text, "est déplacé") || !strings.Contains(text, "initial") {
				t.Errorf("notice:\n%s", text)
			}
			break
		}
	}
	t.Logf("%d reminders sent before the move, 0 after; 300 notices; J-1 and H-1 planned for %s", sent, newStart.In(b.loc))
}
