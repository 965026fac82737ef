package web_test

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dinum/rappel/internal/oidctest"
	"github.com/dinum/rappel/store/storetest"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/token"
	"github.com/dinum/rappel/web"
)

// oidcBundle serves rappel with sign-in through the in-process provider.
func oidcBundle(t *testing.T) (*testBundle, *oidctest.Provider) {
	t.Helper()
	st, _ := storetest.NewStore(t)
	idp := oidctest.Start(t)
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	t.Cleanup(srv.Close)
	public, _ := url.Parse(srv.URL)
	tpl, err := templates.Load()
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := token.NewSigner([][]byte{[]byte(strings.Repeat("k", 32))})
	loc, _ := time.LoadLocation("Europe/Paris")
	srv.Config.Handler = web.New(web.Config{Store: st, Tokens: signer, Templates: tpl, Location: loc,
		Logger: slog.New(slog.DiscardHandler), PublicURL: public,
		OIDC: &web.OIDCConfig{Issuer: idp.URL, ClientID: idp.ClientID, ClientSecret: idp.ClientSecret, Scopes: []string{"openid", "email"}},
	}).Handler()
	idp.AllowRedirect(srv.URL + "/organisateurs/connexion-proconnect/retour")
	return &testBundle{st: st, srv: srv, signer: signer}, idp
}

// stopAt is a browser that follows redirects up to the callback, and
// stops there, so that a test may bring the answer itself.
func stopAt(t *testing.T, b *testBundle) *member {
	jar, _ := cookiejar.New(nil)
	m := &member{t: t, b: b, client: &http.Client{Jar: jar}}
	m.client.CheckRedirect = func(req *http.Request, _ []*http.Request) error {
		if strings.HasSuffix(req.URL.Path, "/connexion-proconnect/retour") {
			return http.ErrUseLastResponse
		}
		return nil
	}
	return m
}

// callback starts a sign-in and returns the provider's answer, not yet
// brought to rappel.
func (m *member) callback(t *testing.T) string {
	t.Helper()
	m.t = t
	resp, err := m.client.Get(m.b.srv.URL + "/organisateurs/connexion-proconnect")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.Contains(loc, "/connexion-proconnect/retour?") {
		t.Fatalf("the provider did not answer: %d %s", resp.StatusCode, loc)
	}
	return loc
}

// TestSpaceOIDC signs in through an OpenID Connect provider: the member
// of the verified address; a wrong state, a replayed answer, an
// unverified address and a stranger are refused.
func TestSpaceOIDC(t *testing.T) {
	t.Parallel()
	b, idp := oidcBundle(t)
	b.team(t, "DINUM", "marie@numerique.gouv.fr", false)

	t.Run("member", func(t *testing.T) {
		idp.SignIn(oidctest.Person{Subject: "1", Email: "Marie@numerique.gouv.fr", Verified: true})
		m := b.browser(t)
		if p := m.get("/organisateurs/connexion"); !strings.Contains(p.body, "Se connecter avec ProConnect") {
			t.Fatal("no ProConnect button")
		}
		if p := m.get("/organisateurs/connexion-proconnect"); p.url != "/organisateurs/" || !strings.Contains(p.body, "Vos sessions") {
			t.Fatalf("sign in: %d %s", p.code, p.url)
		}
	})
	t.Run("address in userinfo", func(t *testing.T) {
		idp.SignIn(oidctest.Person{Subject: "1", Email: "marie@numerique.gouv.fr", Verified: true, InUserinfo: true})
		if p := b.browser(t).get("/organisateurs/connexion-proconnect"); p.url != "/organisateurs/" {
			t.Fatalf("sign in with userinfo: %d %s", p.code, p.body)
		}
	})
	t.Run("wrong state", func(t *testing.T) {
		idp.SignIn(oidctest.Person{Subject: "1", Email: "marie@numerique.gouv.fr", Verified: true})
		m := stopAt(t, b)
		answer, _ := url.Parse(m.callback(t))
		q := answer.Query()
		q.Set("state", "un-autre-etat")
		answer.RawQuery = q.Encode()
		if p := m.get(answer.RequestURI()); p.code != 403 || !strings.Contains(p.body, "ne correspond pas") {
			t.Errorf("wrong state: %d", p.code)
		}
		// Another browser bringing a good answer (login CSRF) is refused too.
		if p := stopAt(t, b).get(strings.TrimPrefix(m.callback(t), b.srv.URL)); p.code != 403 {
			t.Errorf("answer brought by another browser: %d", p.code)
		}
	})
	t.Run("replayed answer", func(t *testing.T) {
		idp.SignIn(oidctest.Person{Subject: "1", Email: "marie@numerique.gouv.fr", Verified: true})
		m := stopAt(t, b)
		answer := strings.TrimPrefix(m.callback(t), b.srv.URL)
		state, _ := url.Parse(answer)
		if p := m.get(answer); p.code != 200 || !strings.Contains(p.body, "Vos sessions") {
			t.Fatalf("first use: %d %s", p.code, p.body)
		}
		// The same answer again, with the state cookie put back.
		u, _ := url.Parse(b.srv.URL + "/organisateurs/connexion-proconnect")
		m.client.Jar.SetCookies(u, []*http.Cookie{{Name: "rappel_oidc_state", Value: state.Query().Get("state"), Path: "/organisateurs/connexion-proconnect"}})
		if p := m.get(answer); p.code != 403 || !strings.Contains(p.body, "déjà servi") {
			t.Errorf("replayed answer: %d", p.code)
		}
	})
	t.Run("replayed code", func(t *testing.T) {
		idp.SignIn(oidctest.Person{Subject: "1", Email: "marie@numerique.gouv.fr", Verified: true})
		first := stopAt(t, b)
		used := first.callback(t)
		first.get(strings.TrimPrefix(used, b.srv.URL))
		// A fresh sign-in whose answer carries the code already used.
		m := stopAt(t, b)
		answer, _ := url.Parse(m.callback(t))
		usedURL, _ := url.Parse(used)
		q := answer.Query()
		q.Set("code", usedURL.Query().Get("code"))
		answer.RawQuery = q.Encode()
		before := idp.Refusals["invalid_grant: code already used"]
		if p := m.get(answer.RequestURI()); p.code != 403 || idp.Refusals["invalid_grant: code already used"] <= before {
			t.Errorf("replayed code: %d, refusals %v", p.code, idp.Refusals)
		}
	})
	t.Run("unverified address", func(t *testing.T) {
		idp.SignIn(oidctest.Person{Subject: "2", Email: "marie@numerique.gouv.fr", Verified: false})
		if p := b.browser(t).get("/organisateurs/connexion-proconnect"); p.code != 403 || !strings.Contains(p.body, "vérifiée") {
			t.Errorf("unverified address: %d", p.code)
		}
	})
	t.Run("stranger", func(t *testing.T) {
		idp.SignIn(oidctest.Person{Subject: "3", Email: "inconnu@numerique.gouv.fr", Verified: true})
		if p := b.browser(t).get("/organisateurs/connexion-proconnect"); p.code != 403 || !strings.Contains(p.body, "n’est membre d’aucune équipe") {
			t.Errorf("stranger: %d", p.code)
		}
	})
	var left int
	if err := b.st.DB().Get(&left, `SELECT count(*) FROM member_sessions`); err != nil || left != 4 {
		t.Errorf("%d sessions opened, want 4: %v", left, errors.Join(err))
	}
}
