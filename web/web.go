// Package web is rappel's HTTP side: health and readiness for the
// orchestrator, and the public pages the links in the emails lead to.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/token"
)

// Server serves rappel's HTTP endpoints.
type Server struct {
	store     *store.Store
	tokens    *token.Signer
	templates *templates.Set
	location  *time.Location
	logger    *slog.Logger
}

// New wires the server.
func New(st *store.Store, tokens *token.Signer, tpl *templates.Set, loc *time.Location, logger *slog.Logger) *Server {
	return &Server{store: st, tokens: tokens, templates: tpl, location: loc, logger: logger}
}

// Handler routes the endpoints.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("GET /desinscription/{token}", s.unsubscribePage)
	mux.HandleFunc("POST /desinscription/{token}", s.unsubscribe)
	return securityHeaders(mux)
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
// nothing from elsewhere, cannot be framed, and never leak their address
// (which holds a token) in a Referer.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
