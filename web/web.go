// Package web is rappel's HTTP side: health and readiness for the
// orchestrator, the public pages (sessions, sign-up with double opt-in,
// confirmation, unsubscription) in the French State's design system, and
// the organisers' JSON API.
package web

import (
	"cmp"
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dinum/rappel/metrics"
	"github.com/dinum/rappel/notify"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/token"
)

//go:embed static
var staticFiles embed.FS

// Config is what the server needs.
type Config struct {
	Store     *store.Store
	Tokens    *token.Signer
	Templates *templates.Set
	Location  *time.Location
	Logger    *slog.Logger
	// Reminders says which reminders a sign-up brings, « des rappels la
	// veille, puis une heure avant », for the pages that tell it.
	Reminders string
	// ConfirmValidity says how long a confirmation link works, « 48 heures ».
	ConfirmValidity string
	// ConfirmsPerDay is the most confirmation requests an address gets in
	// 24 hours; default 3.
	ConfirmsPerDay int
	// SignupsPerHour is the most sign-ups one client may ask for in an
	// hour; default 20.
	SignupsPerHour int
	// TrustedProxies is the number of reverse proxies in front of rappel
	// that append the client's address to X-Forwarded-For; 0 reads the
	// connection's address. Only the addresses they wrote are read.
	TrustedProxies int
	// Metrics, when set, is served on /metrics.
	Metrics *metrics.Metrics
	// OpsOnly serves health, readiness and metrics only: the HTTP side of
	// a worker-only replica.
	OpsOnly bool
	// Site is what every page says of the service (footer, notices); its
	// empty pages default to rappel's own.
	Site templates.Site
	// PublicURL is the service's address: over https, the organisers'
	// session cookie is Secure.
	PublicURL *url.URL
	// OIDC, when set, offers signing in to the organisers' space through
	// an OpenID Connect provider (ProConnect).
	OIDC *OIDCConfig
	// Preview builds a session's messages as they will leave, for the
	// organisers' space; nil offers no preview.
	Preview *notify.Previewer
}

// Server serves rappel's HTTP endpoints.
type Server struct {
	cfg     Config
	store   *store.Store
	logger  *slog.Logger
	clients *limiter
	logins  *limiter
	oidc    *oidcClient
}

// New wires the server.
func New(cfg Config) *Server {
	cfg.ConfirmsPerDay = cmp.Or(cfg.ConfirmsPerDay, 3)
	cfg.SignupsPerHour = cmp.Or(cfg.SignupsPerHour, 20)
	cfg.Site.Controller = cmp.Or(cfg.Site.Controller, "l’administration qui publie ce service")
	cfg.Site.Accessibility = cmp.Or(cfg.Site.Accessibility, "non conforme")
	cfg.Site.AccessibilityURL = cmp.Or(cfg.Site.AccessibilityURL, "/accessibilite")
	cfg.Site.LegalURL = cmp.Or(cfg.Site.LegalURL, "/mentions-legales")
	cfg.Site.PrivacyURL = cmp.Or(cfg.Site.PrivacyURL, "/donnees-personnelles")
	cfg.Site.Retention = cmp.Or(cfg.Site.Retention, "90 jours")
	cfg.Site.Pending = cmp.Or(cfg.Site.Pending, "72 heures")
	cfg.ConfirmValidity = cmp.Or(cfg.ConfirmValidity, "48 heures")
	s := &Server{cfg: cfg, store: cfg.Store, logger: cfg.Logger, clients: newLimiter(cfg.SignupsPerHour, maxClients),
		logins: newLimiter(loginsPerClientHour, maxClients)}
	if cfg.OIDC != nil && cfg.PublicURL != nil {
		redirect := *cfg.PublicURL
		redirect.Path = strings.TrimSuffix(redirect.Path, "/") + spacePath + "/connexion-proconnect/retour"
		s.oidc = &oidcClient{cfg: *cfg.OIDC, redirect: redirect.String()}
	}
	return s
}

// Handler routes the endpoints. Forms are protected against cross-site
// requests by the standard library's cross-origin protection (Sec-Fetch-Site
// and Origin); mail clients' one-click unsubscriptions, which send neither,
// pass.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	if s.cfg.Metrics != nil {
		mux.Handle("GET /metrics", s.cfg.Metrics.Handler())
	}
	if s.cfg.OpsOnly {
		return securityHeaders(mux)
	}
	mux.Handle("GET /static/", s.static())
	mux.HandleFunc("GET /{$}", s.sessionList)
	mux.HandleFunc("GET /sessions/{id}", s.sessionPage)
	mux.HandleFunc("GET /sessions/{id}/agenda/{service}", s.calendarLink)
	mux.Handle("POST /sessions/{id}", cop.Handler(http.HandlerFunc(s.signup)))
	mux.HandleFunc("GET /confirmation/{token}", s.confirmPage)
	mux.Handle("POST /confirmation/{token}", cop.Handler(http.HandlerFunc(s.confirm)))
	mux.HandleFunc("GET /desinscription/{token}", s.unsubscribePage(scopeChoice))
	mux.Handle("POST /desinscription/{token}", cop.Handler(s.unsubscribeScope(scopeChoice)))
	mux.HandleFunc("GET /annulation/{token}", s.unsubscribePage(scopeSession))
	mux.Handle("POST /annulation/{token}", cop.Handler(s.unsubscribeScope(scopeSession)))
	mux.HandleFunc("GET /desabonnement/{token}", s.unsubscribePage(scopeAll))
	mux.Handle("POST /desabonnement/{token}", cop.Handler(s.unsubscribeScope(scopeAll)))
	mux.HandleFunc("GET /place/{token}", s.offerPage)
	mux.Handle("POST /place/{token}", cop.Handler(http.HandlerFunc(s.offerAnswer)))
	mux.HandleFunc("GET /accessibilite", s.sitePage("accessibility", "Accessibilité"))
	mux.HandleFunc("GET /mentions-legales", s.sitePage("legal", "Mentions légales"))
	mux.HandleFunc("GET /donnees-personnelles", s.sitePage("privacy", "Données personnelles"))
	mux.Handle("/api/", s.api())
	mux.Handle(spacePath+"/", s.space(cop))
	mux.HandleFunc("/", s.notFound)
	return securityHeaders(mux)
}

// static serves the embedded design system and rappel's own styles.
func (s *Server) static() http.Handler {
	sub, _ := fs.Sub(staticFiles, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	})
}

// healthz says the process is alive; it checks nothing else, so that a
// database outage does not make the orchestrator restart every replica.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz says whether this replica can work: database reachable and schema
// current.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	err := s.store.Ping(ctx)
	if err == nil {
		err = s.store.CheckSchema(ctx)
	}
	if err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		msg := "base de données injoignable\n"
		if errors.Is(err, store.ErrSchemaOutdated) {
			msg = "schéma de la base pas à jour : lancez « rappel migrate »\n"
		}
		_, _ = w.Write([]byte(msg))
		return
	}
	_, _ = w.Write([]byte("prêt\n"))
}

// securityHeaders sets strict headers on every answer: the pages load
// nothing from elsewhere, run no script, cannot be framed, and never leak
// their address (which may hold a token) in a Referer.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		if h.Get("Cache-Control") == "" {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}
