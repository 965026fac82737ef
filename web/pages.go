package web

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
)

// sessionList shows the sessions to come that take sign-ups.
func (s *Server) sessionList(w http.ResponseWriter, r *http.Request) {
	sessions, err := s.store.Sessions(r.Context(), store.SessionFilter{ScheduledOnly: true})
	if err != nil {
		s.serverError(w, err)
		return
	}
	page := templates.Page{Title: "Événements à venir"}
	for _, sess := range sessions {
		page.Sessions = append(page.Sessions, s.words(sess))
	}
	s.render(w, http.StatusOK, "sessions", page)
}

// sessionPage shows a session and its sign-up form.
func (s *Server) sessionPage(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.publicSession(w, r)
	if !ok {
		return
	}
	page := s.sessionForm(sess, nil, nil)
	if !s.markFull(w, r, &page) {
		return
	}
	s.render(w, http.StatusOK, "session", page)
}

// markFull says on the page whether the session's places are all taken.
func (s *Server) markFull(w http.ResponseWriter, r *http.Request, page *templates.Page) bool {
	places, err := s.store.PlacesOf(r.Context(), page.Session.ID)
	if err != nil {
		s.serverError(w, err)
		return false
	}
	page.Full = places.Full()
	return true
}

func (s *Server) sessionForm(sess store.Session, values, errs map[string]string) templates.Page {
	page := templates.Page{
		Title: sess.Title, Session: s.words(sess), Action: "/sessions/" + strconv.FormatInt(sess.ID, 10),
		Values: values, Errors: errs, Reminders: s.cfg.Reminders,
	}
	switch {
	case sess.Status == store.SessionCancelled:
		page.Closed, page.Message = true, "Cette session est annulée."
	case sess.EndsAt != nil && !sess.EndsAt.After(timeNow()):
		page.Closed, page.Message = true, "Cette session est terminée."
	case !sess.StartsAt.After(timeNow()):
		page.Closed, page.Message = true, "Cette session a déjà commencé."
	}
	return page
}

// signup records a sign-up from the form and sends the confirmation
// request. The answer is the same whether the address was known, already
// signed up or over its daily limit: nobody can learn who is signed up.
func (s *Server) signup(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.publicSession(w, r)
	if !ok {
		return
	}
	if !s.clients.allow(clientAddr(r, s.cfg.TrustedProxies)) {
		s.renderError(w, http.StatusTooManyRequests, "Trop de demandes",
			"Trop d’inscriptions ont été demandées depuis votre connexion. Merci de réessayer dans une heure.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, http.StatusBadRequest, "Demande invalide", "Le formulaire n’a pas pu être lu.")
		return
	}
	values := map[string]string{"email": r.PostForm.Get("email"), "name": r.PostForm.Get("nom")}
	outcome, err := s.store.RequestSignup(r.Context(), store.RequestParams{
		SessionID: sess.ID, Email: values["email"], Name: values["name"], MaxPerDay: s.cfg.ConfirmsPerDay,
	})
	var ferr *store.FieldError
	switch {
	case errors.As(err, &ferr):
		s.render(w, http.StatusBadRequest, "session", s.sessionForm(sess, values, map[string]string{ferr.Field: formMessage(ferr)}))
		return
	case errors.Is(err, store.ErrSessionClosed):
		s.render(w, http.StatusConflict, "session", s.sessionForm(sess, nil, nil))
		return
	case err != nil:
		s.serverError(w, err)
		return
	}
	s.logger.Info("Sign-up requested.", slog.Int64("session_id", sess.ID), slog.String("outcome", outcome))
	s.render(w, http.StatusOK, "signup-sent", templates.Page{
		Title: "Vérifiez votre messagerie", Session: s.words(sess), Values: values, Validity: s.cfg.ConfirmValidity,
	})
}

// formMessage says what is wrong with a field the way a form says it.
func formMessage(ferr *store.FieldError) string {
	if ferr.Field == "email" {
		return "Saisissez une adresse électronique valide, par exemple nom@domaine.fr."
	}
	return ferr.Message
}

// publicSession reads the session of the address, or answers 404.
func (s *Server) publicSession(w http.ResponseWriter, r *http.Request) (store.Session, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return store.Session{}, false
	}
	sess, err := s.store.SessionByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return store.Session{}, false
	}
	if err != nil {
		s.serverError(w, err)
		return store.Session{}, false
	}
	return sess, true
}

func (s *Server) notFound(w http.ResponseWriter, _ *http.Request) {
	s.renderError(w, http.StatusNotFound, "Page introuvable", "Cette page n’existe pas, ou plus.")
}

func (s *Server) serverError(w http.ResponseWriter, err error) {
	s.logger.Error("Page could not be served.", slog.Any("error", err))
	s.renderError(w, http.StatusInternalServerError, "Service momentanément indisponible",
		"Le service n’a pas pu répondre. Merci de réessayer dans quelques instants.")
}

func (s *Server) words(sess store.Session) templates.Session {
	return templates.NewSession(sess.TemplateInput(), s.cfg.Location)
}

func (s *Server) renderError(w http.ResponseWriter, status int, title, message string) {
	s.render(w, status, "error", templates.Page{Title: title, Message: message})
}

// sitePage serves one of the notices the footer links to.
func (s *Server) sitePage(name, title string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		s.render(w, http.StatusOK, name, templates.Page{Title: title})
	}
}

func (s *Server) render(w http.ResponseWriter, status int, name string, p templates.Page) {
	p.Site = s.cfg.Site
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := s.cfg.Templates.RenderPage(w, name, p); err != nil {
		s.logger.Error("Page could not be rendered.", slog.String("page", name), slog.Any("error", err))
	}
}
