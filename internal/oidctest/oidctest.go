// Package oidctest is a small OpenID Connect provider for tests, served in
// the test process: discovery, the authorization code flow with PKCE
// (S256 only), codes used once, RS256 ID tokens with the nonce, userinfo
// and the keys. It signs in one person, whom a test chooses, without a
// login form: what is tested is the client's side of the protocol, against
// a provider that checks what a real one checks.
package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Person is who the provider signs in.
type Person struct {
	Subject, Email string
	Verified       bool
	// InUserinfo gives the address in userinfo only, not in the ID token,
	// as ProConnect does.
	InUserinfo bool
}

// Provider is the running provider.
type Provider struct {
	URL          string
	ClientID     string
	ClientSecret string

	srv      *httptest.Server
	key      *rsa.PrivateKey
	signer   jose.Signer
	mu       sync.Mutex
	person   Person
	redirect []string
	codes    map[string]*grant
	access   map[string]Person
	// Refusals counts the token requests refused, by reason.
	Refusals map[string]int
}

type grant struct {
	redirect, challenge, nonce string
	person                     Person
	expires                    time.Time
	used                       bool
}

// Start serves a provider until the test ends.
func Start(t testing.TB) *Provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "test"))
	if err != nil {
		t.Fatal(err)
	}
	p := &Provider{ClientID: "rappel", ClientSecret: "secret-de-test", key: key, signer: signer,
		codes: map[string]*grant{}, access: map[string]Person{}, Refusals: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	mux.HandleFunc("GET /userinfo", p.userinfo)
	mux.HandleFunc("GET /jwks", p.jwks)
	p.srv = httptest.NewServer(mux)
	p.URL = p.srv.URL
	t.Cleanup(p.srv.Close)
	return p
}

// SignIn chooses who the provider signs in from now on.
func (p *Provider) SignIn(who Person) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.person = who
}

// AllowRedirect registers a redirect URI of the client.
func (p *Provider) AllowRedirect(uri string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.redirect = append(p.redirect, uri)
}

func (p *Provider) discovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer": p.URL, "authorization_endpoint": p.URL + "/authorize", "token_endpoint": p.URL + "/token",
		"userinfo_endpoint": p.URL + "/userinfo", "jwks_uri": p.URL + "/jwks",
		"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"}, "code_challenge_methods_supported": []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"scopes_supported":                      []string{"openid", "email"}, "claims_supported": []string{"sub", "email", "email_verified"},
	})
}

// authorize checks the request as a provider must, then signs the chosen
// person in and sends the browser back with a code.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p.mu.Lock()
	defer p.mu.Unlock()
	redirect := q.Get("redirect_uri")
	if q.Get("client_id") != p.ClientID || !slices.Contains(p.redirect, redirect) {
		http.Error(w, "unknown client or redirect_uri", http.StatusBadRequest)
		return
	}
	back, _ := url.Parse(redirect)
	fail := func(code string) {
		v := back.Query()
		v.Set("error", code)
		v.Set("state", q.Get("state"))
		back.RawQuery = v.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	}
	switch {
	case q.Get("response_type") != "code":
		fail("unsupported_response_type")
		return
	case !slices.Contains(strings.Fields(q.Get("scope")), "openid"):
		fail("invalid_scope")
		return
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		fail("invalid_request")
		return
	}
	code := random()
	p.codes[code] = &grant{redirect: redirect, challenge: q.Get("code_challenge"), nonce: q.Get("nonce"),
		person: p.person, expires: time.Now().Add(time.Minute)}
	v := back.Query()
	v.Set("code", code)
	v.Set("state", q.Get("state"))
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// token exchanges a code, once, for the client that proves the PKCE
// verifier.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	refuse := func(status int, code string) {
		p.Refusals[code]++
		writeJSON(w, status, map[string]string{"error": code})
	}
	if id != p.ClientID || subtle.ConstantTimeCompare([]byte(secret), []byte(p.ClientSecret)) != 1 {
		refuse(http.StatusUnauthorized, "invalid_client")
		return
	}
	g := p.codes[r.PostForm.Get("code")]
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case r.PostForm.Get("grant_type") != "authorization_code" || g == nil || time.Now().After(g.expires):
		refuse(http.StatusBadRequest, "invalid_grant")
		return
	case g.used:
		refuse(http.StatusBadRequest, "invalid_grant: code already used")
		return
	case g.redirect != r.PostForm.Get("redirect_uri"):
		refuse(http.StatusBadRequest, "invalid_grant: redirect_uri")
		return
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		refuse(http.StatusBadRequest, "invalid_grant: code_verifier")
		return
	}
	g.used = true
	claims := map[string]any{"iss": p.URL, "sub": g.person.Subject, "aud": p.ClientID,
		"iat": time.Now().Unix(), "exp": time.Now().Add(5 * time.Minute).Unix(), "nonce": g.nonce}
	if !g.person.InUserinfo {
		claims["email"], claims["email_verified"] = g.person.Email, g.person.Verified
	}
	idToken, err := jwt.Signed(p.signer).Claims(claims).Serialize()
	if err != nil {
		refuse(http.StatusInternalServerError, "server_error")
		return
	}
	access := random()
	p.access[access] = g.person
	writeJSON(w, http.StatusOK, map[string]any{"access_token": access, "token_type": "Bearer", "expires_in": 300, "id_token": idToken})
}

func (p *Provider) userinfo(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	who, ok := p.access[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	if !ok {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sub": who.Subject, "email": who.Email, "email_verified": who.Verified})
}

func (p *Provider) jwks(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &p.key.PublicKey, KeyID: "test", Algorithm: "RS256", Use: "sig"}}})
}

func random() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
