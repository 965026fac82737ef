package web

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/token"
)

// timeNow is the clock of the pages.
var timeNow = time.Now

// confirmPage shows what is about to be confirmed, with a button: a GET
// changes nothing, since mail scanners follow the links of every message
// they inspect and would otherwise confirm sign-ups nobody asked for.
func (s *Server) confirmPage(w http.ResponseWriter, r *http.Request) {
	g, ok := s.pendingOf(w, r)
	if !ok {
		return
	}
	sess, err := s.store.SessionByID(r.Context(), g.SessionID)
	if err != nil {
		s.serverError(w, err)
		return
	}
	s.render(w, http.StatusOK, "confirm", templates.Page{Title: "Confirmer votre inscription", Session: s.words(sess), Action: r.URL.Path})
}

// confirm uses the token: the sign-up is confirmed and the token dies.
func (s *Server) confirm(w http.ResponseWriter, r *http.Request) {
	g, err := s.store.ConfirmSignup(r.Context(), token.Hash(r.PathValue("token")))
	if errors.Is(err, store.ErrNotFound) {
		s.invalidConfirmation(w)
		return
	}
	if err != nil {
		s.serverError(w, err)
		return
	}
	sess, err := s.store.SessionByID(r.Context(), g.SessionID)
	if err != nil {
		s.serverError(w, err)
		return
	}
	s.logger.Info("Sign-up confirmed.", slog.Int64("signup_id", g.ID), slog.Int64("session_id", g.SessionID), slog.String("status", g.Status))
	if g.Status == store.SignupWaitlisted {
		pos, err := s.store.WaitingPosition(r.Context(), g.ID)
		if err != nil {
			s.serverError(w, err)
			return
		}
		s.render(w, http.StatusOK, "waitlisted", templates.Page{Title: "Vous êtes sur la liste d’attente", Session: s.words(sess),
			Position: pos})
		return
	}
	s.render(w, http.StatusOK, "confirmed", templates.Page{Title: "Inscription confirmée", Session: s.words(sess), Reminders: s.cfg.Reminders})
}

func (s *Server) pendingOf(w http.ResponseWriter, r *http.Request) (store.Signup, bool) {
	g, err := s.store.SignupByConfirmToken(r.Context(), token.Hash(r.PathValue("token")))
	if errors.Is(err, store.ErrNotFound) {
		s.invalidConfirmation(w)
		return g, false
	}
	if err != nil {
		s.serverError(w, err)
		return g, false
	}
	return g, true
}

func (s *Server) invalidConfirmation(w http.ResponseWriter) {
	s.renderError(w, http.StatusNotFound, "Lien expiré ou déjà utilisé",
		"Ce lien de confirmation n’est plus valable : il a déjà servi, ou il a expiré. Vous pouvez recommencer l’inscription depuis la page de la session.")
}
