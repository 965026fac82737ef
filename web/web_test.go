package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dinum/rappel/notify"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/store/storetest"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/token"
	"github.com/dinum/rappel/web"
	"github.com/dinum/rappel/when"
)

type testBundle struct {
	st     *store.Store
	srv    *httptest.Server
	signer *token.Signer
	signup store.Signup
}

func setup(t testing.TB) *testBundle {
	t.Helper()
	return setupWith(t, 1000)
}

// setupWith serves with a limit of sign-ups per client and hour.
func setupWith(t testing.TB, perHour int) *testBundle {
	t.Helper()
	st, _ := storetest.NewStore(t)
	return serveWith(t, st, perHour)
}

func serve(t testing.TB, st *store.Store) *testBundle {
	t.Helper()
	return serveWith(t, st, 1000)
}

func serveWith(t testing.TB, st *store.Store, perHour int) *testBundle {
	t.Helper()
	tpl, err := templates.Load()
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := token.NewSigner([][]byte{[]byte(strings.Repeat("k", 32))})
	loc, _ := time.LoadLocation("Europe/Paris")
	public, _ := url.Parse("https://rappel.example.gouv.fr")
	composer, err := notify.NewComposer(notify.ComposerConfig{From: &mail.Address{Name: "DINUM", Address: "rappels@example.gouv.fr"},
		PublicURL: public, Location: loc, Templates: tpl, Tokens: signer})
	if err != nil {
		t.Fatal(err)
	}
	reminders, _ := when.ParseReminders(when.DefaultReminders)
	srv := httptest.NewServer(web.New(web.Config{
		Store: st, Tokens: signer, Templates: tpl, Location: loc, Logger: slog.New(slog.DiscardHandler),
		Reminders: "des rappels la veille, puis une heure avant", SignupsPerHour: perHour,
		Preview: &notify.Previewer{Composer: composer, Reminders: reminders, Location: loc},
	}).Handler())
	t.Cleanup(srv.Close)
	b := &testBundle{st: st, srv: srv, signer: signer}
	return b
}

func (b *testBundle) signUp(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	s, err := b.st.CreateSession(ctx, store.SessionParams{Kind: "atelier", Title: "Travail en mode hybride, et maintenant ?", StartsAt: time.Now().Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	b.signup, _, err = b.st.Subscribe(ctx, store.SubscribeParams{SessionID: s.ID, Email: "marie@example.gouv.fr", Source: "cli"})
	if err != nil {
		t.Fatal(err)
	}
}

func (b *testBundle) link() string {
	return b.srv.URL + "/desinscription/" + b.signer.Sign(token.Unsubscribe, b.signup.ID)
}

func get(t *testing.T, u string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

func (b *testBundle) status(t *testing.T) string {
	t.Helper()
	g, err := b.st.SignupByID(context.Background(), b.signup.ID)
	if err != nil {
		t.Fatal(err)
	}
	return g.Status
}

func TestHealth(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if code, body, _ := get(t, b.srv.URL+"/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("healthz = %d %q", code, body)
	}
	if code, _, _ := get(t, b.srv.URL+"/readyz"); code != 200 {
		t.Errorf("readyz = %d", code)
	}

	t.Run("NotReadyWithoutSchema", func(t *testing.T) {
		t.Parallel()
		st, err := store.Open(context.Background(), storetest.NewEmptyDatabase(t), 2)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		nb := serve(t, st)
		if code, body, _ := get(t, nb.srv.URL+"/readyz"); code != 503 || !strings.Contains(body, "rappel migrate") {
			t.Errorf("readyz = %d %q", code, body)
		}
		if code, _, _ := get(t, nb.srv.URL+"/healthz"); code != 200 {
			t.Errorf("healthz = %d: alive even when the database is not ready", code)
		}
	})
}

func TestUnsubscribe(t *testing.T) {
	t.Parallel()

	t.Run("GetChangesNothing", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.signUp(t)
		code, body, h := get(t, b.link())
		if code != 200 || !strings.Contains(body, `<html lang="fr"`) || !strings.Contains(body, "<button") ||
			!strings.Contains(body, "Travail en mode hybride") || strings.Contains(body, "marie@") {
			t.Errorf("page = %d:\n%s", code, body)
		}
		if h.Get("Referrer-Policy") != "no-referrer" || !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Errorf("headers = %v", h)
		}
		if st := b.status(t); st != store.SignupConfirmed {
			t.Errorf("status after GET = %s", st)
		}
	})

	t.Run("OneClickPost", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.signUp(t)
		resp, err := http.PostForm(b.link(), url.Values{"List-Unsubscribe": {"One-Click"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("one-click = %d", resp.StatusCode)
		}
		if st := b.status(t); st != store.SignupUnsubscribed {
			t.Errorf("status = %s", st)
		}
		// Again: still fine, nothing more to do.
		resp, _ = http.PostForm(b.link(), url.Values{"List-Unsubscribe": {"One-Click"}})
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("second one-click = %d", resp.StatusCode)
		}
		if code, body, _ := get(t, b.link()); code != 200 || !strings.Contains(body, "Inscription annulée") {
			t.Errorf("page after unsubscribing = %d", code)
		}
	})

	t.Run("FormButton", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.signUp(t)
		resp, err := http.PostForm(b.link(), url.Values{"confirmer": {"1"}})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), "Inscription annulée") || b.status(t) != store.SignupUnsubscribed {
			t.Errorf("form = %d, status %s", resp.StatusCode, b.status(t))
		}
	})

	t.Run("BadTokens", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.signUp(t)
		other, _ := token.NewSigner([][]byte{[]byte(strings.Repeat("o", 32))})
		for _, tok := range []string{"abc", other.Sign(token.Unsubscribe, b.signup.ID), b.signer.Sign(token.Unsubscribe, 999999)} {
			code, body, _ := get(t, b.srv.URL+"/desinscription/"+tok)
			if code != 404 || !strings.Contains(body, "Lien invalide") {
				t.Errorf("token %q: %d", tok, code)
			}
			resp, _ := http.PostForm(b.srv.URL+"/desinscription/"+tok, url.Values{"List-Unsubscribe": {"One-Click"}})
			resp.Body.Close()
			if resp.StatusCode != 404 {
				t.Errorf("POST with token %q: %d", tok, resp.StatusCode)
			}
		}
		if st := b.status(t); st != store.SignupConfirmed {
			t.Errorf("status = %s after bad tokens", st)
		}
	})
}

// TestReadyFollowsTheDatabase: while PostgreSQL is stopped the replica is
// not ready (but alive); it is ready again once the database is back.
func TestReadyFollowsTheDatabase(t *testing.T) {
	t.Parallel()
	cluster := storetest.NewCluster(t)
	b := serve(t, cluster.Store())
	if code, _, _ := get(t, b.srv.URL+"/readyz"); code != 200 {
		t.Fatalf("readyz = %d", code)
	}
	cluster.Stop()
	if code, body, _ := get(t, b.srv.URL+"/readyz"); code != 503 || !strings.Contains(body, "injoignable") {
		t.Errorf("readyz with the database stopped = %d %q", code, body)
	}
	if code, _, _ := get(t, b.srv.URL+"/healthz"); code != 200 {
		t.Errorf("healthz with the database stopped = %d", code)
	}
	cluster.Start()
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, _, _ := get(t, b.srv.URL+"/readyz")
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("readyz = %d after the database came back", code)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
