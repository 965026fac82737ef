package scheduler_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dinum/rappel/internal/testkit"
	"github.com/dinum/rappel/notify"
	"github.com/dinum/rappel/notify/mailview"
	"github.com/dinum/rappel/notify/notifytest"
	"github.com/dinum/rappel/notify/smtptest"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/token"
	"github.com/dinum/rappel/when"
)

// onTime is how late a reminder may arrive in these tests: DESIGN.md aims
// at under a second, and a loaded CI machine must still keep it.
const onTime = time.Second

// checkOnTime fails for a message accepted before its due instant or more
// than onTime after it.
func checkOnTime(t *testing.T, m smtptest.Message, due time.Time) {
	t.Helper()
	late := m.At.Sub(due)
	if late < -5*time.Millisecond || late > onTime {
		t.Errorf("message to %v accepted %s after its due time, want within [0, %s]", m.To, late, onTime)
	}
}

func TestH1SentAtItsDueTime(t *testing.T) {
	t.Parallel()
	b := setup(t)
	start := time.Now().Add(time.Hour + 3*time.Second).Truncate(time.Millisecond)
	s := b.session(t, start)
	b.subscribe(t, s.ID, "marie@example.gouv.fr", "jean@example.gouv.fr", "lea@example.gouv.fr")
	b.startWorker(t, workerOpts{})

	msgs := b.smtp.Wait(t, 3, 20*time.Second)
	due := start.Add(-time.Hour)
	ids := map[string]bool{}
	for _, m := range msgs {
		checkOnTime(t, m, due)
		p, err := m.Parse()
		if err != nil {
			t.Fatal(err)
		}
		h := p.Header
		if h.Get("X-Rappel-Kind") != "h1" || h.Get("X-Rappel-Session") != fmt.Sprint(s.ID) ||
			h.Get("Auto-Submitted") != "auto-generated" || h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" ||
			!strings.HasPrefix(h.Get("List-Unsubscribe"), "<https://rappel.example.gouv.fr/desinscription/") ||
			!strings.HasSuffix(h.Get("List-Id"), fmt.Sprintf("<session-%d.rappel.example.gouv.fr>", s.ID)) ||
			p.ContentType != "multipart/alternative" || p.Parts["text/calendar"] != "" {
			t.Errorf("headers: %v", h)
		}
		ids[h.Get("Message-Id")] = true
		if !strings.Contains(p.Parts["text/plain"], "commence dans une heure") || !strings.Contains(p.Parts["text/html"], `lang="fr"`) {
			t.Errorf("content:\n%s", p.Parts["text/plain"])
		}
	}
	if len(ids) != 3 {
		t.Errorf("%d distinct Message-IDs for 3 deliveries", len(ids))
	}
	time.Sleep(500 * time.Millisecond)
	if n := len(b.smtp.Messages()); n != 3 {
		t.Errorf("%d messages, want exactly 3", n)
	}
	// The J-1 was due a day before: already past at sign-up, never sent.
	if got := b.deliveries(t, s.ID); got["h1 sent"] != 3 || got["j1 skipped:past_at_signup"] != 3 || len(got) != 2 {
		t.Errorf("deliveries = %v", got)
	}
}

func TestJ1SentTheDayBeforeAtTheSameTime(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// The J-1 falls due in three seconds: the session is tomorrow at the
	// same Paris wall-clock time, whatever DST does in between.
	due := time.Now().Add(3 * time.Second).Truncate(time.Millisecond)
	local := due.In(b.loc)
	start := when.WallClock(b.loc, local.Year(), local.Month(), local.Day()+1, local.Hour(), local.Minute(), local.Second(), local.Nanosecond())
	s := b.session(t, start)
	b.subscribe(t, s.ID, "marie@example.gouv.fr")
	b.startWorker(t, workerOpts{})

	m := b.smtp.Wait(t, 1, 20*time.Second)[0]
	checkOnTime(t, m, due)
	p, _ := m.Parse()
	if p.Header.Get("X-Rappel-Kind") != "j1" || !strings.Contains(p.Subject(), "webinaire demain à ") {
		t.Errorf("kind %s, subject %q", p.Header.Get("X-Rappel-Kind"), p.Subject())
	}
	rows, _ := b.st.SessionDeliveries(b.ctx, s.ID)
	for _, r := range rows {
		if r.Kind == "h1" && (r.Status != store.DeliveryPending || !r.DueAt.Equal(start.Add(-time.Hour))) {
			t.Errorf("h1 = %+v, want pending at %s", r, start.Add(-time.Hour))
		}
	}
}

func TestCancelledAndUnsubscribedGetNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	start := time.Now().Add(time.Hour + 2*time.Second)
	open := b.session(t, start)
	gone := b.subscribe(t, open.ID, "reste@example.gouv.fr", "parti@example.gouv.fr")[1]
	cancelled := b.session(t, start)
	b.subscribe(t, cancelled.ID, "annule@example.gouv.fr")
	b.startWorker(t, workerOpts{})
	// Once planned, the deliveries are dropped by the changes.
	testkit.WaitFor(t, 10*time.Second, "planned", func() bool {
		return b.deliveries(t, open.ID)["h1 pending"] == 2 && b.deliveries(t, cancelled.ID)["h1 pending"] == 1
	})
	if _, _, err := b.st.Unsubscribe(b.ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.st.CancelSession(b.ctx, cancelled.ID); err != nil {
		t.Fatal(err)
	}

	b.smtp.Wait(t, 2, 20*time.Second)
	time.Sleep(time.Second)
	got := map[string]string{}
	for _, m := range b.smtp.Messages() {
		p, _ := m.Parse()
		got[m.To[0]] += p.Header.Get("X-Rappel-Kind") + " "
	}
	// The cancelled session's sign-up is told of the cancellation, and
	// gets no reminder; the unsubscribed address gets nothing at all.
	if len(got) != 2 || got["reste@example.gouv.fr"] != "h1 " || got["annule@example.gouv.fr"] != "cancellation " {
		t.Fatalf("messages = %v", got)
	}
	if got := b.deliveries(t, open.ID); got["h1 skipped:unsubscribed"] != 1 || got["h1 sent"] != 1 {
		t.Errorf("open session: %v", got)
	}
	if got := b.deliveries(t, cancelled.ID); got["h1 skipped:session_cancelled"] != 1 || got["cancellation sent"] != 1 || got["h1 sent"] != 0 {
		t.Errorf("cancelled session: %v", got)
	}
}

func TestTwoWorkersSendEachReminderOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	start := time.Now().Add(time.Hour + 3*time.Second)
	s := b.session(t, start)
	b.subscribeMany(t, s.ID, emails(120, "example.gouv.fr"))
	b.startWorker(t, workerOpts{})
	b.startWorker(t, workerOpts{})

	b.smtp.Wait(t, 120, 30*time.Second)
	time.Sleep(time.Second)
	msgs := b.smtp.Messages()
	seen := map[string]int{}
	for _, m := range msgs {
		seen[m.To[0]]++
	}
	for to, n := range seen {
		if n != 1 {
			t.Errorf("%s received %d messages", to, n)
		}
	}
	if len(msgs) != 120 || len(seen) != 120 {
		t.Errorf("%d messages to %d addresses, want 120 to 120", len(msgs), len(seen))
	}
	if got := b.deliveries(t, s.ID); got["h1 sent"] != 120 {
		t.Errorf("deliveries = %v", got)
	}
}

// TestCatchUpAfterDowntime starts a worker after reminders fell due: late
// ones are sent if the session has not started and within their lateness
// limit, only the latest of several, with the true time left.
func TestCatchUpAfterDowntime(t *testing.T) {
	t.Parallel()
	b := setup(t)
	now := time.Now()
	lateH1 := b.session(t, now.Add(40*time.Minute))  // H-1 due 20 min ago, J-1 23 h 20 ago
	lateJ1 := b.session(t, now.Add(20*time.Hour))    // J-1 due 4 h ago
	staleJ1 := b.session(t, now.Add(5*time.Hour))    // J-1 due 19 h ago
	tooLate := b.session(t, now.Add(10*time.Minute)) // H-1 due 50 min ago
	started := b.session(t, now.Add(10*time.Second)) // started by the time the worker runs
	all := []store.Session{lateH1, lateJ1, staleJ1, tooLate, started}
	for _, s := range all {
		b.subscribe(t, s.ID, fmt.Sprintf("agent-%d@example.gouv.fr", s.ID))
	}
	// The sessions were created and the sign-ups confirmed two days ago,
	// while no worker ran.
	for _, q := range []string{
		`UPDATE signups SET confirmed_at = now() - interval '2 days'`,
		`UPDATE sessions SET schedule_changed_at = now() - interval '2 days'`,
		fmt.Sprintf(`UPDATE sessions SET starts_at = now() - interval '1 minute' WHERE id = %d`, started.ID),
	} {
		if _, err := b.st.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	b.startWorker(t, workerOpts{MaxLate: "1h=45m"})

	msgs := b.smtp.Wait(t, 2, 20*time.Second)
	time.Sleep(time.Second)
	if n := len(b.smtp.Messages()); n != 2 {
		t.Errorf("%d messages, want 2", n)
	}
	for _, m := range msgs {
		p, _ := m.Parse()
		text := p.Parts["text/plain"]
		switch p.Header.Get("X-Rappel-Kind") {
		case "h1":
			if !strings.Contains(text, "commence dans 40 minutes") {
				t.Errorf("late H-1 says:\n%s", text)
			}
		case "j1":
			if !strings.Contains(p.Subject(), " à ") || strings.Contains(text, "dans une heure") {
				t.Errorf("late J-1 says %q:\n%s", p.Subject(), text)
			}
		}
	}
	for _, c := range []struct {
		s    store.Session
		want map[string]int
	}{
		{lateH1, map[string]int{"h1 sent": 1, "j1 skipped:superseded": 1}},
		{lateJ1, map[string]int{"j1 sent": 1, "h1 pending": 1}},
		{staleJ1, map[string]int{"j1 skipped:too_late": 1, "h1 pending": 1}},
		{tooLate, map[string]int{"h1 skipped:too_late": 1, "j1 skipped:superseded": 1}},
		{started, map[string]int{}},
	} {
		got := b.deliveries(t, c.s.ID)
		if len(got) != len(c.want) {
			t.Errorf("session %d: %v, want %v", c.s.ID, got, c.want)
			continue
		}
		for k, n := range c.want {
			if got[k] != n {
				t.Errorf("session %d: %v, want %v", c.s.ID, got, c.want)
				break
			}
		}
	}
}

// TestReactsToChanges checks that a running worker follows a move and a
// cancellation at once, through LISTEN/NOTIFY rather than the sweep.
func TestReactsToChanges(t *testing.T) {
	t.Parallel()
	b := setup(t)
	moved := b.session(t, time.Now().Add(3*time.Hour))
	b.subscribe(t, moved.ID, "deplace@example.gouv.fr")
	cancelled := b.session(t, time.Now().Add(time.Hour+3*time.Second))
	b.subscribe(t, cancelled.ID, "annule@example.gouv.fr")
	b.startWorker(t, workerOpts{})
	time.Sleep(500 * time.Millisecond)

	if _, err := b.st.CancelSession(b.ctx, cancelled.ID); err != nil {
		t.Fatal(err)
	}
	newStart := time.Now().Add(time.Hour + 2*time.Second).Truncate(time.Millisecond)
	if _, _, err := b.st.UpdateSession(b.ctx, moved.ID, store.SessionChanges{StartsAt: &newStart}); err != nil {
		t.Fatal(err)
	}
	// At once: the notices of the cancellation and the move; then the H-1
	// at the new time.
	msgs := b.smtp.Wait(t, 3, 15*time.Second)
	kinds := map[string]string{}
	for _, m := range msgs {
		p, _ := m.Parse()
		kind := p.Header.Get("X-Rappel-Kind")
		kinds[m.To[0]+" "+kind] = kind
		switch kind {
		case "h1":
			checkOnTime(t, m, newStart.Add(-time.Hour))
		case "reschedule":
			if !strings.Contains(p.Parts["text/plain"], "initial") || m.At.After(newStart.Add(-time.Hour)) {
				t.Errorf("reschedule notice at %s:\n%s", m.At, p.Parts["text/plain"])
			}
		}
	}
	if kinds["deplace@example.gouv.fr h1"] == "" || kinds["deplace@example.gouv.fr reschedule"] == "" || kinds["annule@example.gouv.fr cancellation"] == "" {
		t.Errorf("messages = %v", kinds)
	}
	time.Sleep(2 * time.Second)
	if n := len(b.smtp.Messages()); n != 3 {
		t.Errorf("%d messages, want 3 (no reminder for the cancelled session)", n)
	}
}

// TestPlanAcrossDSTChanges plans sessions of the next spring and autumn
// changes: the J-1 keeps the Paris wall-clock time, 23 h and 25 h before.
func TestPlanAcrossDSTChanges(t *testing.T) {
	t.Parallel()
	b := setup(t)
	spring := time.Date(2027, 3, 28, 10, 0, 0, 0, b.loc)
	autumn := time.Date(2027, 10, 31, 10, 0, 0, 0, b.loc)
	want := map[int64]time.Duration{}
	for start, gap := range map[time.Time]time.Duration{spring: 23 * time.Hour, autumn: 25 * time.Hour} {
		s := b.session(t, start)
		b.subscribe(t, s.ID, "agent@example.gouv.fr")
		want[s.ID] = gap
	}
	b.startWorker(t, workerOpts{})
	for id, gap := range want {
		testkit.WaitFor(t, 10*time.Second, "planned", func() bool { return b.deliveries(t, id)["j1 pending"] == 1 })
		s, _ := b.st.SessionByID(b.ctx, id)
		rows, _ := b.st.SessionDeliveries(b.ctx, id)
		for _, r := range rows {
			wantGap := map[string]time.Duration{"j1": gap, "h1": time.Hour}[string(r.Kind)]
			if got := s.StartsAt.Sub(r.DueAt); got != wantGap {
				t.Errorf("session of %s: %s due %s before, want %s", s.StartsAt.In(b.loc), r.Kind, got, wantGap)
			}
			if r.Kind == "j1" && r.DueAt.In(b.loc).Format("15:04") != "10:00" {
				t.Errorf("J-1 at %s Paris time, want 10:00", r.DueAt.In(b.loc))
			}
		}
	}
}

// TestDoubleOptInMessages: a sign-up asked on the public page gets a
// confirmation request whose link works once; once confirmed, an
// acknowledgement with the calendar file.
func TestDoubleOptInMessages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.session(t, time.Now().Add(48*time.Hour))
	if _, err := b.st.RequestSignup(b.ctx, store.RequestParams{SessionID: s.ID, Email: "lea@example.gouv.fr", MaxPerDay: 3}); err != nil {
		t.Fatal(err)
	}
	b.startWorker(t, workerOpts{})
	m := b.smtp.Wait(t, 1, 15*time.Second)[0]
	p, _ := m.Parse()
	text := p.Parts["text/plain"]
	if p.Header.Get("X-Rappel-Kind") != "confirmation" || p.Parts["text/calendar"] != "" {
		t.Fatalf("first message: %s", p.Header.Get("X-Rappel-Kind"))
	}
	i := strings.Index(text, "https://rappel.example.gouv.fr/confirmation/")
	if i < 0 {
		t.Fatalf("no confirmation link:\n%s", text)
	}
	link := strings.Fields(text[i:])[0]
	raw := strings.TrimPrefix(link, "https://rappel.example.gouv.fr/confirmation/")
	if _, err := b.st.ConfirmSignup(b.ctx, token.Hash(raw)); err != nil {
		t.Fatalf("the link of the message does not confirm: %v", err)
	}
	ack := b.smtp.Wait(t, 2, 15*time.Second)[1]
	pa, _ := ack.Parse()
	if pa.Header.Get("X-Rappel-Kind") != "confirmed" || pa.Parts["text/calendar"] == "" || !strings.Contains(pa.Parts["text/plain"], "est confirmée") {
		t.Errorf("acknowledgement: %s\n%s", pa.Header.Get("X-Rappel-Kind"), pa.Parts["text/plain"])
	}
	testkit.WaitFor(t, 10*time.Second, "planned", func() bool { return b.deliveries(t, s.ID)["j1 pending"] == 1 })
}

// TestRetentionJob: the worker's maintenance deletes, at start and every
// hour, the sign-ups of sessions over for longer than the retention period.
func TestRetentionJob(t *testing.T) {
	t.Parallel()
	b := setup(t)
	old := b.session(t, time.Now().Add(time.Hour))
	b.subscribe(t, old.ID, "ancien@example.gouv.fr")
	recent := b.session(t, time.Now().Add(time.Hour))
	b.subscribe(t, recent.ID, "recent@example.gouv.fr")
	if _, err := b.st.DB().Exec(`UPDATE sessions SET starts_at = now() - interval '100 days', ends_at = NULL WHERE id = $1`, old.ID); err != nil {
		t.Fatal(err)
	}
	b.startWorker(t, workerOpts{})
	testkit.WaitFor(t, 10*time.Second, "purged", func() bool {
		gs, _ := b.st.Signups(b.ctx, old.ID)
		return len(gs) == 0
	})
	if gs, _ := b.st.Signups(b.ctx, recent.ID); len(gs) != 1 {
		t.Errorf("the recent session lost its sign-ups: %v", gs)
	}
}

// TestLoginLinksSent: a worker sends the sign-in link a member asked for,
// through SMTP, at once, and nothing to a stranger, whose request is
// forgotten; the link in the message opens a session.
func TestLoginLinksSent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if _, _, err := b.st.AddOrganiser(b.ctx, "DINUM", false); err != nil {
		t.Fatal(err)
	}
	if _, err := b.st.AddMember(b.ctx, "DINUM", "marie@numerique.gouv.fr"); err != nil {
		t.Fatal(err)
	}
	b.startWorker(t, workerOpts{})
	for _, email := range []string{"inconnu@numerique.gouv.fr", "marie@numerique.gouv.fr"} {
		if err := b.st.RequestLogin(b.ctx, email, 5); err != nil {
			t.Fatal(err)
		}
	}
	m := b.smtp.Wait(t, 1, 15*time.Second)[0]
	p, _ := m.Parse()
	text := p.Parts["text/plain"]
	if p.Header.Get("X-Rappel-Kind") != "login" || len(m.To) != 1 || m.To[0] != "marie@numerique.gouv.fr" ||
		!strings.Contains(text, "fonctionne pendant 15 minutes") || p.Parts["text/html"] == "" {
		t.Fatalf("login message to %v: %s\n%s", m.To, p.Header.Get("X-Rappel-Kind"), text)
	}
	i := strings.Index(text, "https://rappel.example.gouv.fr/organisateurs/connexion/")
	if i < 0 {
		t.Fatalf("no link:\n%s", text)
	}
	raw := strings.TrimPrefix(strings.Fields(text[i:])[0], "https://rappel.example.gouv.fr/organisateurs/connexion/")
	if _, err := b.st.Login(b.ctx, token.Hash(raw), store.LoginParams{Hash: []byte("session"), CSRF: "x", Idle: time.Hour, Absolute: time.Hour}); err != nil {
		t.Errorf("the link of the message does not sign in: %v", err)
	}
	testkit.WaitFor(t, 10*time.Second, "stranger forgotten", func() bool {
		var n int
		_ = b.st.DB().Get(&n, `SELECT count(*) FROM login_requests WHERE email = 'inconnu@numerique.gouv.fr'`)
		return n == 0
	})
	time.Sleep(500 * time.Millisecond)
	if n := len(b.smtp.Messages()); n != 1 {
		t.Errorf("%d messages sent, want 1", n)
	}
}

// TestTestSendsSent: a test a member asked for in the organisers' space
// leaves through SMTP to their address, marked as a test, once.
func TestTestSendsSent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.session(t, time.Now().Add(48*time.Hour))
	b.startWorker(t, workerOpts{})
	if err := b.st.RequestTestSend(b.ctx, s.ID, "j1", "marie@numerique.gouv.fr", 10); err != nil {
		t.Fatal(err)
	}
	m := b.smtp.Wait(t, 1, 15*time.Second)[0]
	p, _ := m.Parse()
	if len(m.To) != 1 || m.To[0] != "marie@numerique.gouv.fr" || p.Header.Get("X-Rappel-Kind") != "j1" || p.Header.Get("X-Rappel-Test") == "" ||
		!strings.Contains(p.Parts["text/plain"], "Bonjour Camille Exemple,") {
		t.Fatalf("test message to %v: %v\n%s", m.To, p.Header, p.Parts["text/plain"])
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(b.smtp.Messages()); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
}

// TestWaitingListPath: a full session; the next person waits and is told
// so; a cancellation frees the place, which is offered to them; they take
// it, get the acknowledgement, then the H-1 at its time. The person who
// left gets nothing more.
func TestWaitingListPath(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.st.SetOfferPolicy(store.OfferPolicy{TTL: time.Hour, EndsBefore: 5 * time.Second, MinWindow: 5 * time.Second})
	one := 1
	start := time.Now().Add(time.Hour + 15*time.Second).Truncate(time.Second)
	s, err := b.st.CreateSession(b.ctx, store.SessionParams{Kind: "atelier", Title: "Atelier de vingt chaises",
		StartsAt: start, Location: "Lieu de la transformation publique, 77 avenue de Ségur, 75015 Paris", Capacity: &one})
	if err != nil {
		t.Fatal(err)
	}
	g := b.subscribe(t, s.ID, "lea@example.gouv.fr", "marc@example.gouv.fr")
	if g[1].Status != store.SignupWaitlisted {
		t.Fatalf("second: %s", g[1].Status)
	}
	b.startWorker(t, workerOpts{})
	kinds := func(to string) []string {
		var out []string
		for _, m := range b.smtp.Messages() {
			if p, err := m.Parse(); err == nil && len(m.To) == 1 && m.To[0] == to {
				out = append(out, p.Header.Get("X-Rappel-Kind"))
			}
		}
		return out
	}
	testkit.WaitFor(t, 15*time.Second, "waiting-list message", func() bool { return len(kinds("marc@example.gouv.fr")) == 1 })
	if m := b.smtp.Messages()[0]; !strings.Contains(mustText(t, m), "en position 1") {
		t.Errorf("the waiting-list message does not say the position:\n%s", mustText(t, m))
	}
	if _, _, err := b.st.Unsubscribe(b.ctx, g[0].ID); err != nil {
		t.Fatal(err)
	}
	testkit.WaitFor(t, 15*time.Second, "offer", func() bool { return len(kinds("marc@example.gouv.fr")) == 2 })
	if _, err := b.st.TakeOffer(b.ctx, g[1].ID); err != nil {
		t.Fatal(err)
	}
	testkit.WaitFor(t, 40*time.Second, "acknowledgement and H-1", func() bool { return len(kinds("marc@example.gouv.fr")) == 4 })
	if got := fmt.Sprint(kinds("marc@example.gouv.fr")); got != "[waitlisted offer confirmed h1]" {
		t.Errorf("messages to the person who waited: %s", got)
	}
	if got := kinds("lea@example.gouv.fr"); len(got) != 0 {
		t.Errorf("the person who left got %v", got)
	}
}

func mustText(t *testing.T, m smtptest.Message) string {
	t.Helper()
	p, err := m.Parse()
	if err != nil {
		t.Fatal(err)
	}
	return p.Parts["text/plain"]
}

// TestSessionReminders: a session's own reminders are planned in place of
// the configured ones; changing them plans the new set, drops what was
// still to come of the old one, and keeps what was sent (never sent again).
func TestSessionReminders(t *testing.T) {
	t.Parallel()
	b := setup(t)
	start := time.Now().Add(time.Hour + 8*time.Second).Truncate(time.Second)
	s, err := b.st.CreateSession(b.ctx, store.SessionParams{Kind: "webinaire", Title: "Un webinaire court",
		StartsAt: start, Reminders: "1h,30m"})
	if err != nil {
		t.Fatal(err)
	}
	b.subscribe(t, s.ID, "lea@example.gouv.fr")
	b.startWorker(t, workerOpts{})
	testkit.WaitFor(t, 30*time.Second, "H-1 sent", func() bool { return b.deliveries(t, s.ID)["h1 sent"] == 1 })
	if got := b.deliveries(t, s.ID); got["reminder-30m pending"] != 1 || got["j1 pending"] != 0 {
		t.Fatalf("planned with the session's set: %v", got)
	}
	set := "1h,15m"
	if _, _, err := b.st.UpdateSession(b.ctx, s.ID, store.SessionChanges{Reminders: &set}); err != nil {
		t.Fatal(err)
	}
	// The H-1 of the new set is the one already sent: skipped, whichever
	// rule says it first (its time passed, or it was sent).
	testkit.WaitFor(t, 15*time.Second, "re-planned", func() bool {
		got := b.deliveries(t, s.ID)
		return got["reminder-15m pending"] == 1 && got["reminder-30m skipped:rescheduled"] == 1 &&
			got["h1 skipped:past_at_signup"]+got["h1 skipped:already_sent"] == 1
	})
	if got := b.deliveries(t, s.ID); got["h1 sent"] != 1 {
		t.Errorf("what was sent: %v", got)
	}
	if n := len(b.smtp.Messages()); n != 1 {
		t.Errorf("%d messages, want the H-1 only", n)
	}
}

// TestWorkingDaysPlanning: with REMINDERS_WORKING_DAYS, a Monday session's
// J-1 is planned the Friday before at the same time, and its words, built
// then, say « lundi », not « demain ».
func TestWorkingDaysPlanning(t *testing.T) {
	t.Parallel()
	b := setup(t)
	monday := time.Date(2031, time.March, 17, 18, 0, 0, 0, b.loc)
	s := b.session(t, monday)
	b.subscribe(t, s.ID, "lea@example.gouv.fr")
	days, err := when.NewWorkingDays(when.CalendarFrance)
	if err != nil {
		t.Fatal(err)
	}
	b.startWorker(t, workerOpts{WorkingDays: days})
	testkit.WaitFor(t, 15*time.Second, "planned", func() bool { return b.deliveries(t, s.ID)["j1 pending"] == 1 })
	rows, err := b.st.SessionDeliveries(b.ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Kind == "j1" && !r.DueAt.Equal(time.Date(2031, time.March, 14, 18, 0, 0, 0, b.loc)) {
			t.Errorf("J-1 due %s, want Friday 14 March at 18 h", r.DueAt.In(b.loc))
		}
	}
	p := &notify.Previewer{Composer: notifytest.Composer(t, b.loc), Reminders: []when.Reminder{{Days: 1}}, Location: b.loc, WorkingDays: days}
	e, err := p.Build(s.TemplateInput(), s.ScheduleVersion, "j1", notify.SampleRecipient)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := mailview.Read(e.Data)
	if subject := msg.Subject(); !strings.Contains(subject, "le lundi 17 mars à 18\u00a0h") || strings.Contains(msg.Parts["text/plain"], "demain") {
		t.Errorf("the Friday's J-1 says: %s\n%s", subject, msg.Parts["text/plain"])
	}
}
