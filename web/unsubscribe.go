package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/token"
)

// unsubscribePage shows the button. A GET never changes anything: mail
// scanners follow links.
func (s *Server) unsubscribePage(w http.ResponseWriter, r *http.Request) {
	signup, sess, ok := s.signupOf(w, r)
	if !ok {
		return
	}
	if signup.Status == store.SignupUnsubscribed {
		s.render(w, http.StatusOK, "unsubscribed", templates.Page{Title: "Désinscription confirmée", Session: sess})
		return
	}
	s.render(w, http.StatusOK, "unsubscribe", templates.Page{Title: "Se désinscrire", Session: sess, Action: r.URL.Path})
}

// unsubscribe ends the sign-up: from the page's button, or from a mail
// client's one-click POST (RFC 8058), whose answer nobody reads.
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, http.StatusBadRequest, "Demande invalide", "La demande n’a pas pu être lue.")
		return
	}
	signup, sess, ok := s.signupOf(w, r)
	if !ok {
		return
	}
	if _, changed, err := s.store.Unsubscribe(r.Context(), signup.ID); err != nil {
		s.logger.Error("Unsubscribe failed.", slog.Int64("signup_id", signup.ID), slog.Any("error", err))
		s.renderError(w, http.StatusInternalServerError, "Erreur", "La désinscription n’a pas pu être enregistrée. Merci de réessayer dans quelques instants.")
		return
	} else if changed {
		s.logger.Info("Sign-up unsubscribed.", slog.Int64("signup_id", signup.ID), slog.Int64("session_id", signup.SessionID),
			slog.Bool("one_click", r.PostForm.Get("List-Unsubscribe") == "One-Click"))
	}
	s.render(w, http.StatusOK, "unsubscribed", templates.Page{Title: "Désinscription confirmée", Session: sess})
}

// signupOf reads the sign-up a link's token names, or answers 404.
func (s *Server) signupOf(w http.ResponseWriter, r *http.Request) (store.Signup, templates.Session, bool) {
	id, err := s.tokens.Verify(token.Unsubscribe, r.PathValue("token"))
	if err == nil {
		var signup store.Signup
		signup, err = s.store.SignupByID(r.Context(), id)
		if err == nil {
			var sess store.Session
			sess, err = s.store.SessionByID(r.Context(), signup.SessionID)
			if err == nil {
				return signup, templates.NewSession(sessionInput(sess), s.location), true
			}
		}
	}
	if errors.Is(err, token.ErrInvalid) || errors.Is(err, store.ErrNotFound) {
		s.renderError(w, http.StatusNotFound, "Lien invalide",
			"Ce lien de désinscription n’est pas valable. Vérifiez qu’il a été copié en entier depuis le message reçu.")
	} else {
		s.logger.Error("Unsubscribe link could not be read.", slog.Any("error", err))
		s.renderError(w, http.StatusInternalServerError, "Erreur", "Le service est momentanément indisponible. Merci de réessayer dans quelques instants.")
	}
	return store.Signup{}, templates.Session{}, false
}

func sessionInput(s store.Session) templates.SessionInput {
	return templates.SessionInput{
		ID: s.ID, Kind: s.Kind, Title: s.Title, Description: s.Description,
		Location: s.Location, URL: s.URL, StartsAt: s.StartsAt, EndsAt: s.EndsAt,
	}
}

func (s *Server) renderError(w http.ResponseWriter, status int, title, message string) {
	s.render(w, status, "error", templates.Page{Title: title, Message: message})
}

func (s *Server) render(w http.ResponseWriter, status int, name string, p templates.Page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := s.templates.RenderPage(w, name, p); err != nil {
		s.logger.Error("Page could not be rendered.", slog.String("page", name), slog.Any("error", err))
	}
}
