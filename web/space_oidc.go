package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/token"
)

// OIDCConfig is the OpenID Connect provider organisers may sign in with
// (ProConnect, the State's identity federation for public agents).
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// Scopes are asked for; "openid" and "email" at least.
	Scopes []string
}

// oidcCookie binds a sign-in under way to the browser that started it: a
// provider's answer brought by another browser (a link sent to a victim,
// to sign them in as someone else) does not match it.
const oidcCookie = "rappel_oidc_state"

// oidcClient is the provider, found on first use and then kept: rappel
// starts even when the provider is away, and its page then says so.
type oidcClient struct {
	cfg      OIDCConfig
	redirect string
	mu       sync.Mutex
	provider *oidc.Provider
}

func (c *oidcClient) get(ctx context.Context) (*oidc.Provider, *oauth2.Config, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider == nil {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		p, err := oidc.NewProvider(ctx, c.cfg.Issuer)
		if err != nil {
			return nil, nil, fmt.Errorf("discover OIDC provider: %w", err)
		}
		c.provider = p
	}
	return c.provider, &oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret,
		Endpoint: c.provider.Endpoint(), RedirectURL: c.redirect, Scopes: c.cfg.Scopes}, nil
}

// oidcStart sends the person to the provider: authorization code flow,
// with a state, a nonce and a PKCE verifier kept in the database for any
// replica, the state also in a cookie of this browser.
func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request) {
	_, oc, err := s.oidc.get(r.Context())
	if err != nil {
		s.oidcUnavailable(w, r, err)
		return
	}
	state, stateHash, err := token.NewRandom()
	if err != nil {
		s.spaceServerError(w, r, err)
		return
	}
	nonce, _, err := token.NewRandom()
	if err != nil {
		s.spaceServerError(w, r, err)
		return
	}
	verifier := oauth2.GenerateVerifier()
	if err := s.store.StartOIDC(r.Context(), stateHash, store.OIDCRequest{Nonce: nonce, Verifier: verifier}); err != nil {
		s.spaceServerError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: state, Path: spacePath + "/connexion-proconnect", MaxAge: 600,
		HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, oc.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusFound)
}

// oidcCallback checks the provider's answer (state of this browser, used
// once; the ID token's signature, audience, expiry and nonce; a verified
// address) and signs the member of that address in.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		s.oidcRefused(w, r, "ProConnect n’a pas autorisé la connexion ("+e+").", nil)
		return
	}
	c, err := r.Cookie(oidcCookie)
	state := q.Get("state")
	if err != nil || state == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(state)) != 1 {
		s.oidcRefused(w, r, "Cette réponse de ProConnect ne correspond pas à une connexion commencée dans ce navigateur.", nil)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: spacePath + "/connexion-proconnect", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode})
	req, err := s.store.FinishOIDC(r.Context(), token.Hash(state))
	if errors.Is(err, store.ErrNotFound) {
		s.oidcRefused(w, r, "Cette connexion a déjà servi ou a expiré.", nil)
		return
	}
	if err != nil {
		s.spaceServerError(w, r, err)
		return
	}
	email, err := s.oidcEmail(r.Context(), q.Get("code"), req)
	if err != nil {
		s.oidcRefused(w, r, "ProConnect n’a pas confirmé votre identité.", err)
		return
	}
	if email == "" {
		s.oidcRefused(w, r, "ProConnect n’a pas donné d’adresse électronique vérifiée : rappel ne peut pas savoir qui vous êtes.", nil)
		return
	}
	raw, hash, err := token.NewRandom()
	csrf, _, err2 := token.NewRandom()
	if err = errors.Join(err, err2); err != nil {
		s.spaceServerError(w, r, err)
		return
	}
	m, err := s.store.LoginMember(r.Context(), email, store.LoginParams{Hash: hash, CSRF: csrf, Idle: spaceIdle, Absolute: spaceAbsolute})
	if errors.Is(err, store.ErrNotFound) {
		s.oidcRefused(w, r, "L’adresse "+email+" n’est membre d’aucune équipe organisatrice. Demandez à la personne qui administre Rappel de l’ajouter.", nil)
		return
	}
	if err != nil {
		s.spaceServerError(w, r, err)
		return
	}
	s.startSpaceSession(w, r, m, raw, "OIDC")
}

// oidcEmail exchanges the code and reads the person's verified address:
// from the ID token, else from the userinfo endpoint (ProConnect gives it
// there); "" when the provider does not vouch for one.
func (s *Server) oidcEmail(ctx context.Context, code string, req store.OIDCRequest) (string, error) {
	provider, oc, err := s.oidc.get(ctx)
	if err != nil {
		return "", err
	}
	tok, err := oc.Exchange(ctx, code, oauth2.VerifierOption(req.Verifier))
	if err != nil {
		return "", fmt.Errorf("exchange code: %w", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		return "", errors.New("no id_token in the token response")
	}
	idToken, err := provider.Verifier(&oidc.Config{ClientID: oc.ClientID}).Verify(ctx, raw)
	if err != nil {
		return "", fmt.Errorf("verify id_token: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(idToken.Nonce), []byte(req.Nonce)) != 1 {
		return "", errors.New("id_token nonce does not match")
	}
	var claims struct {
		Email    string `json:"email"`
		Verified *bool  `json:"email_verified"`
	}
	if err := idToken.Claims(&claims); err != nil {
		return "", fmt.Errorf("read id_token claims: %w", err)
	}
	if claims.Email == "" || claims.Verified == nil {
		info, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return "", fmt.Errorf("read userinfo: %w", err)
		}
		if info.Subject != idToken.Subject {
			return "", errors.New("userinfo is about another subject")
		}
		claims.Email, claims.Verified = info.Email, &info.EmailVerified
	}
	if claims.Verified == nil || !*claims.Verified {
		return "", nil
	}
	return claims.Email, nil
}

func (s *Server) oidcRefused(w http.ResponseWriter, r *http.Request, msg string, err error) {
	if err != nil {
		s.logger.Warn("OIDC sign-in refused.", slog.Any("error", err))
	}
	s.renderSpace(w, r, http.StatusForbidden, "space-error", spacePage{Title: "Connexion refusée", Message: msg, Data: "login"})
}

func (s *Server) oidcUnavailable(w http.ResponseWriter, r *http.Request, err error) {
	s.logger.Error("OIDC provider unavailable.", slog.Any("error", err))
	s.renderSpace(w, r, http.StatusServiceUnavailable, "space-error", spacePage{Title: "ProConnect indisponible",
		Message: "ProConnect ne répond pas pour le moment. Réessayez dans quelques minutes, ou connectez-vous par un lien reçu par courriel.",
		Data:    "login"})
}
