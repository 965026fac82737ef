package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dinum/rappel/internal/testkit"
	"github.com/dinum/rappel/notify/smtptest"
)

// outcomes reads what "rappel plan" foresees, or what "rappel deliveries"
// says was done, as "address / message" → "envoyé" or "exclu, <reason>".
func planOutcomes(out string) map[string]string {
	got := map[string]string{}
	email := ""
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "    "):
			label, what, _ := strings.Cut(strings.TrimSpace(line), " : ")
			if strings.HasPrefix(what, "sera envoyé") || strings.HasPrefix(what, "envoyé") {
				what = "envoyé"
			}
			got[email+" / "+label] = what
		case strings.HasPrefix(line, "  ") && !strings.Contains(line, " : "):
			email = strings.TrimSpace(line)
		}
	}
	return got
}

func deliveryOutcomes(out string) map[string]string {
	got := map[string]string{}
	email := ""
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "  ") && strings.Contains(line, ", prévu le "):
			label, rest, _ := strings.Cut(strings.TrimSpace(line), ", prévu le ")
			_, what, _ := strings.Cut(rest, " : ")
			switch {
			case strings.HasPrefix(what, "envoyé le"):
				what = "envoyé"
			case strings.HasPrefix(what, "non envoyé : "):
				what, _, _ = strings.Cut("exclu, "+strings.TrimPrefix(what, "non envoyé : "), " (")
			}
			got[email+" / "+label] = what
		case line != "" && !strings.HasPrefix(line, " ") && strings.Contains(line, "@"):
			email = line
		}
	}
	return got
}

// TestPlanForecastsWhatTheWorkerDoes: "rappel plan" is asked about tricky
// cases while no worker runs, then the worker runs; every reminder plan
// said would leave left, and every one it excluded was not sent, for the
// reason it gave.
func TestPlanForecastsWhatTheWorkerDoes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	srv := smtptest.Start(t, smtptest.Options{})
	b.env = append(b.env, serviceEnv(t, freeAddr(t))...)
	b.env = append(b.env, "SMTP_HOST="+srv.Host, "SMTP_PORT="+strconv.Itoa(srv.Port), "SMTP_TLS=none",
		"REMINDERS=1h,1m") // 1m may be 15 s late at most, 1h 15 min
	t0 := time.Now()
	at := func(d time.Duration) string { return t0.Add(d).Format(time.RFC3339Nano) }
	sessions := map[string]string{}
	for name, start := range map[string]time.Duration{
		"a-lheure":   time.Minute + 25*time.Second, // 1m due after the worker starts; 1h due before the sign-up
		"trop-tard":  time.Minute + time.Second,    // 1m due 17 s before the worker starts
		"en-retard":  time.Minute + 10*time.Second, // 1m due 8 s before: still within 15 s
		"annulee":    time.Minute + 30*time.Second,
		"deja-envoi": time.Minute + 40*time.Second,
	} {
		id := strings.TrimSpace(b.ok(t, "session", "add", "--kind", "atelier", "--title", name, "--start", at(start)))
		b.ok(t, "subscribe", "--session", id, "--email", name+"@example.gouv.fr")
		sessions[name] = id
	}
	b.ok(t, "session", "cancel", sessions["annulee"])

	from := t0.Add(-2 * time.Hour).Format(time.RFC3339)
	foresee := func(ids ...string) map[string]map[string]string {
		t.Helper()
		out := map[string]map[string]string{}
		for _, id := range ids {
			out[id] = planOutcomes(b.ok(t, "plan", "--session", id, "--from", from, "--to", time.Now().Add(40*time.Second).Format(time.RFC3339)))
			if len(out[id]) == 0 {
				t.Fatalf("plan of session %s foresees nothing", id)
			}
		}
		return out
	}
	// runAndCompare runs the worker until every message foreseen is
	// decided, and compares.
	runAndCompare := func(forecasts map[string]map[string]string) {
		t.Helper()
		_, stop := b.serve(t)
		done := map[string]map[string]string{}
		testkit.WaitFor(t, 30*time.Second, "messages decided", func() bool {
			for id, forecast := range forecasts {
				done[id] = deliveryOutcomes(b.ok(t, "deliveries", "--session", id))
				for k, want := range forecast {
					got, ok := done[id][k]
					if (want == "envoyé" && got != want) || (ok && strings.HasPrefix(got, "en attente")) {
						return false
					}
				}
			}
			return true
		})
		stop()
		for id, forecast := range forecasts {
			t.Logf("session %s: foreseen %v, done %v", id, forecast, done[id])
			for k, want := range forecast {
				got, ok := done[id][k]
				if !ok && strings.HasPrefix(want, "exclu") {
					continue // never planned: not sent, as said
				}
				if got != want {
					t.Errorf("session %s, %s: plan said %q, the worker did %q", id, k, want, got)
				}
			}
		}
	}

	// The first cases are foreseen once the too-late reminder is past its
	// limit, before any worker ran.
	time.Sleep(time.Until(t0.Add(18 * time.Second)))
	runAndCompare(foresee(sessions["a-lheure"], sessions["trop-tard"], sessions["en-retard"], sessions["annulee"]))

	// Already sent: the reminder leaves for the first schedule; the session
	// then moves 20 s later, less than the offset: it is not sent again.
	id := sessions["deja-envoi"]
	_, stop := b.serve(t)
	testkit.WaitFor(t, 60*time.Second, "first reminder sent", func() bool {
		return strings.Contains(b.ok(t, "deliveries", "--session", id), "envoyé le")
	})
	stop()
	b.ok(t, "session", "update", id, "--start", at(2*time.Minute))
	forecast := foresee(id)
	if !strings.Contains(forecast[id]["deja-envoi@example.gouv.fr / rappel 1\u00a0min avant"], "déjà envoyé") {
		t.Errorf("the reminder sent for the old time is not foreseen as such: %v", forecast)
	}
	runAndCompare(forecast)
}
