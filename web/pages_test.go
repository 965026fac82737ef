package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/token"
)

// newSession creates a session starting in two days.
func (b *testBundle) newSession(t *testing.T, opts ...func(*store.SessionParams)) store.Session {
	t.Helper()
	p := store.SessionParams{Kind: "webinaire", Title: "Numérique écoresponsable", StartsAt: time.Now().Add(48 * time.Hour),
		Description: "Le numérique s’est imposé massivement.\n\nNous présenterons les travaux entamés."}
	for _, o := range opts {
		o(&p)
	}
	s, err := b.st.CreateSession(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func post(t *testing.T, u string, form url.Values, header map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (b *testBundle) confirmations(t *testing.T, sessionID int64) int {
	t.Helper()
	var n int
	if err := b.st.DB().Get(&n, `SELECT count(*) FROM deliveries WHERE session_id = $1 AND kind = 'confirmation'`, sessionID); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPublicPages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.newSession(t)
	b.newSession(t, func(p *store.SessionParams) { p.Title = "Session annulée" })
	sessions, _ := b.st.Sessions(context.Background(), store.SessionFilter{})
	if _, err := b.st.CancelSession(context.Background(), sessions[1].ID); err != nil {
		t.Fatal(err)
	}

	code, body, h := get(t, b.srv.URL+"/")
	if code != 200 || !strings.Contains(body, "Numérique écoresponsable") || strings.Contains(body, "Session annulée") ||
		!strings.Contains(body, `href="/static/dsfr/dsfr.min.css"`) {
		t.Errorf("list = %d\n%s", code, body)
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe") {
		t.Errorf("CSP = %q", csp)
	}
	code, body, _ = get(t, b.srv.URL+"/sessions/"+itoa(s.ID))
	for _, want := range []string{"<h1>Numérique écoresponsable</h1>", `name="email"`, `autocomplete="email"`, "<p>Nous présenterons", "M’inscrire au webinaire"} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("session page lacks %q", want)
		}
	}
	if code, _, _ := get(t, b.srv.URL+"/sessions/999999"); code != 404 {
		t.Errorf("missing session = %d", code)
	}
	if code, body, _ := get(t, b.srv.URL+"/sessions/"+itoa(sessions[1].ID)); code != 200 || !strings.Contains(body, "Inscriptions closes") || strings.Contains(body, `name="email"`) {
		t.Errorf("cancelled session page = %d", code)
	}
	if code, _, h := get(t, b.srv.URL+"/static/dsfr/dsfr.min.css"); code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/css") {
		t.Errorf("DSFR = %d %s", code, h.Get("Content-Type"))
	}
	if code, _, _ := get(t, b.srv.URL+"/static/dsfr/fonts/Marianne-Regular.woff2"); code != 200 {
		t.Errorf("font = %d", code)
	}
	if code, body, _ := get(t, b.srv.URL+"/nulle-part"); code != 404 || !strings.Contains(body, "Page introuvable") {
		t.Errorf("404 page = %d", code)
	}
}

func TestSignup(t *testing.T) {
	t.Parallel()

	t.Run("SameAnswerWhateverTheAddress", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		s := b.newSession(t)
		b.signUpTo(t, s.ID, "deja@example.gouv.fr") // confirmed by an organiser
		u := b.srv.URL + "/sessions/" + itoa(s.ID)
		_, fresh := post(t, u, url.Values{"email": {"Nouvelle@Example.gouv.fr"}, "nom": {"Nouvelle"}}, nil)
		_, known := post(t, u, url.Values{"email": {"deja@example.gouv.fr"}, "nom": {"Nouvelle"}}, nil)
		// The page echoes the address typed, and nothing else differs.
		if !strings.Contains(fresh, "<strong>Nouvelle@Example.gouv.fr</strong>") || !strings.Contains(fresh, "valable 48") {
			t.Errorf("the answer does not echo the address and the validity:\n%s", fresh)
		}
		fresh = strings.Replace(fresh, "Nouvelle@Example.gouv.fr", "deja@example.gouv.fr", 1)
		if !strings.Contains(fresh, "Vérifiez votre messagerie") || fresh != known {
			t.Errorf("answers differ:\n%s\n---\n%s", fresh, known)
		}
		if n := b.confirmations(t, s.ID); n != 1 {
			t.Errorf("%d confirmation requests, want 1 (none for the address already signed up)", n)
		}
	})

	t.Run("BadAddress", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		s := b.newSession(t)
		code, body := post(t, b.srv.URL+"/sessions/"+itoa(s.ID), url.Values{"email": {"pas-une-adresse"}}, nil)
		if code != 400 || !strings.Contains(body, "fr-input-group--error") || !strings.Contains(body, `aria-invalid="true"`) ||
			!strings.Contains(body, `value="pas-une-adresse"`) || !strings.Contains(body, "<title>Erreur\u00a0: ") {
			t.Errorf("bad address = %d\n%s", code, body)
		}
		if n := b.confirmations(t, s.ID); n != 0 {
			t.Errorf("%d confirmation requests after a rejected form", n)
		}
	})

	t.Run("StartedOrFinished", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		started := b.newSession(t, func(p *store.SessionParams) {
			p.StartsAt = time.Now().Add(-time.Hour)
			end := time.Now().Add(time.Hour)
			p.EndsAt = &end
		})
		finished := b.newSession(t, func(p *store.SessionParams) {
			p.StartsAt = time.Now().Add(-3 * time.Hour)
			end := time.Now().Add(-2 * time.Hour)
			p.EndsAt = &end
		})
		for s, want := range map[int64]string{started.ID: "a déjà commencé", finished.ID: "est terminée"} {
			if _, body, _ := get(t, b.srv.URL+"/sessions/"+itoa(s)); !strings.Contains(body, want) || strings.Contains(body, "<form") {
				t.Errorf("session %d: want « %s » and no form", s, want)
			}
		}
	})

	t.Run("ThreeRequestsADayPerAddress", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		s1, s2 := b.newSession(t), b.newSession(t)
		for i := range 5 {
			id := []int64{s1.ID, s2.ID}[i%2]
			if code, _ := post(t, b.srv.URL+"/sessions/"+itoa(id), url.Values{"email": {"cible@example.gouv.fr"}}, nil); code != 200 {
				t.Fatalf("request %d = %d", i, code)
			}
		}
		if n := b.confirmations(t, s1.ID) + b.confirmations(t, s2.ID); n != 3 {
			t.Errorf("%d confirmation requests for one address in a day, want 3", n)
		}
	})

	t.Run("CrossSiteFormRefused", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		s := b.newSession(t)
		code, _ := post(t, b.srv.URL+"/sessions/"+itoa(s.ID), url.Values{"email": {"a@example.gouv.fr"}},
			map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://malveillant.example"})
		if code != http.StatusForbidden || b.confirmations(t, s.ID) != 0 {
			t.Errorf("cross-site POST = %d", code)
		}
	})

	t.Run("RateLimitPerClient", func(t *testing.T) {
		t.Parallel()
		b := setupWith(t, 5)
		s := b.newSession(t)
		codes := map[int]int{}
		for i := range 8 {
			code, _ := post(t, b.srv.URL+"/sessions/"+itoa(s.ID), url.Values{"email": {"agent" + itoa(int64(i)) + "@example.gouv.fr"}}, nil)
			codes[code]++
		}
		if codes[200] != 5 || codes[http.StatusTooManyRequests] != 3 {
			t.Errorf("codes = %v, want 5 accepted then 3 refused", codes)
		}
	})
}

func TestConfirmation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.newSession(t)
	ctx := context.Background()
	if _, err := b.st.RequestSignup(ctx, store.RequestParams{SessionID: s.ID, Email: "marie@example.gouv.fr", MaxPerDay: 3}); err != nil {
		t.Fatal(err)
	}
	g := b.signupOf(t, s.ID, "marie@example.gouv.fr")
	raw, hash, _ := token.NewRandom()
	if err := b.st.SetConfirmToken(ctx, g.ID, hash, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	link := b.srv.URL + "/confirmation/" + raw

	// A GET (a mail scanner) changes nothing.
	if code, body, _ := get(t, link); code != 200 || !strings.Contains(body, "Confirmer mon inscription") {
		t.Errorf("confirm page = %d", code)
	}
	if st := b.signupOf(t, s.ID, "marie@example.gouv.fr").Status; st != store.SignupPending {
		t.Errorf("after GET: %s", st)
	}
	if code, body := post(t, link, url.Values{}, nil); code != 200 || !strings.Contains(body, "Inscription confirmée") {
		t.Errorf("confirm = %d", code)
	}
	if st := b.signupOf(t, s.ID, "marie@example.gouv.fr").Status; st != store.SignupConfirmed {
		t.Errorf("after POST: %s", st)
	}
	// Single use.
	if code, body := post(t, link, url.Values{}, nil); code != 404 || !strings.Contains(body, "déjà utilisé") {
		t.Errorf("second use = %d", code)
	}
	var acknowledged int
	_ = b.st.DB().Get(&acknowledged, `SELECT count(*) FROM deliveries WHERE kind = 'confirmed'`)
	if acknowledged != 1 {
		t.Errorf("%d acknowledgements planned", acknowledged)
	}

	t.Run("Expired", func(t *testing.T) {
		if _, err := b.st.RequestSignup(ctx, store.RequestParams{SessionID: s.ID, Email: "jean@example.gouv.fr", MaxPerDay: 3}); err != nil {
			t.Fatal(err)
		}
		g := b.signupOf(t, s.ID, "jean@example.gouv.fr")
		raw, hash, _ := token.NewRandom()
		_ = b.st.SetConfirmToken(ctx, g.ID, hash, time.Now().Add(-time.Minute))
		if code, _, _ := get(t, b.srv.URL+"/confirmation/"+raw); code != 404 {
			t.Errorf("expired link = %d", code)
		}
		if code, _ := post(t, b.srv.URL+"/confirmation/"+raw, url.Values{}, nil); code != 404 {
			t.Errorf("expired confirm = %d", code)
		}
	})
}

func TestUnsubscribeFromEverything(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s1, s2 := b.newSession(t), b.newSession(t)
	g := b.signUpTo(t, s1.ID, "marie@example.gouv.fr")
	b.signUpTo(t, s2.ID, "marie@example.gouv.fr")
	link := b.srv.URL + "/desinscription/" + b.signer.Sign(token.Unsubscribe, g.ID)
	if code, body := post(t, link, url.Values{"tout": {"1"}}, nil); code != 200 || !strings.Contains(body, "aucune session") {
		t.Fatalf("opt-out = %d\n%s", code, body)
	}
	for _, id := range []int64{s1.ID, s2.ID} {
		if st := b.signupOf(t, id, "marie@example.gouv.fr").Status; st != store.SignupUnsubscribed {
			t.Errorf("session %d: %s", id, st)
		}
	}
	s3 := b.newSession(t)
	if _, _, err := b.st.Subscribe(context.Background(), store.SubscribeParams{SessionID: s3.ID, Email: "marie@example.gouv.fr", Source: "cli"}); err != store.ErrOptedOut && !strings.Contains(err.Error(), "opted out") {
		t.Errorf("organiser re-subscribing an opted-out address: %v", err)
	}
}

func (b *testBundle) signUpTo(t *testing.T, sessionID int64, email string) store.Signup {
	t.Helper()
	g, _, err := b.st.Subscribe(context.Background(), store.SubscribeParams{SessionID: sessionID, Email: email, Source: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func (b *testBundle) signupOf(t *testing.T, sessionID int64, email string) store.Signup {
	t.Helper()
	signups, err := b.st.Signups(context.Background(), sessionID)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range signups {
		if g.Email == email {
			return g
		}
	}
	t.Fatalf("%s not signed up to %d", email, sessionID)
	return store.Signup{}
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

// TestFooterAndNotices: every page carries the footer's mandatory links
// (accessibility status, legal notice, personal data), they lead to pages,
// and the sign-up form says what is done with the address.
func TestFooterAndNotices(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.newSession(t)
	code, body, _ := get(t, b.srv.URL+"/sessions/"+strconv.FormatInt(s.ID, 10))
	for _, want := range []string{`href="/accessibilite">Accessibilité`, `non conforme</a>`, `href="/mentions-legales">Mentions légales</a>`,
		`href="/donnees-personnelles">Données personnelles</a>`, "traite votre adresse pour cette inscription seulement", "En savoir plus sur vos données"} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("session page (%d) lacks %q", code, want)
		}
	}
	for path, want := range map[string]string{
		"/accessibilite": "État de conformité", "/mentions-legales": "Éditeur", "/donnees-personnelles": "Responsable du traitement",
	} {
		if code, body, _ := get(t, b.srv.URL+path); code != 200 || !strings.Contains(body, want) {
			t.Errorf("%s: %d, lacks %q", path, code, want)
		}
	}
}

// TestCalendarLinks: the links of « Ajouter à votre agenda en ligne » send
// the reader to the calendar's form with the session's current times, and
// a cancelled session to its page.
func TestCalendarLinks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	start := time.Date(2030, 3, 12, 9, 30, 0, 0, time.UTC)
	s := b.newSession(t, func(p *store.SessionParams) { p.StartsAt = start; p.Location = "20 avenue de Ségur, 75007 Paris" })
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	follow := func(path string) (int, *url.URL) {
		t.Helper()
		resp, err := client.Get(b.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		u, _ := resp.Location()
		return resp.StatusCode, u
	}
	base := "/sessions/" + itoa(s.ID) + "/agenda/"
	for service, want := range map[string]map[string]string{
		"google":        {"host": "calendar.google.com", "text": "Webinaire – Numérique écoresponsable", "dates": "20300312T093000Z/20300312T103000Z"},
		"outlook":       {"host": "outlook.live.com", "subject": "Webinaire – Numérique écoresponsable", "startdt": "2030-03-12T09:30:00Z"},
		"microsoft-365": {"host": "outlook.office.com", "subject": "Webinaire – Numérique écoresponsable", "enddt": "2030-03-12T10:30:00Z"},
	} {
		code, u := follow(base + service)
		if code != http.StatusSeeOther || u == nil || u.Host != want["host"] {
			t.Errorf("%s: %d %v", service, code, u)
			continue
		}
		q := u.Query()
		for k, v := range want {
			if k != "host" && q.Get(k) != v {
				t.Errorf("%s: %s = %q, want %q", service, k, q.Get(k), v)
			}
		}
		if q.Get("location") != "20 avenue de Ségur, 75007 Paris" || strings.Contains(u.RawQuery, "+") {
			t.Errorf("%s: location %q in %s", service, q.Get("location"), u.RawQuery)
		}
	}
	if code, _ := follow(base + "yahoo"); code != http.StatusNotFound {
		t.Errorf("unknown calendar = %d", code)
	}
	if _, err := b.st.CancelSession(context.Background(), s.ID); err != nil {
		t.Fatal(err)
	}
	if code, u := follow(base + "google"); code != http.StatusSeeOther || u.Path != "/sessions/"+itoa(s.ID) {
		t.Errorf("cancelled session: %d %v", code, u)
	}
}
