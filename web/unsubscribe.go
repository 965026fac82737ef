package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/token"
)

// The three pages a message's links lead to, each with a button (a GET
// never changes anything: mail scanners follow links):
//   - /annulation/{token}: « Annulez votre inscription », that session only;
//   - /desabonnement/{token}: « Ne plus recevoir aucun message de rappel »;
//   - /desinscription/{token}: List-Unsubscribe's link, that session, with
//     the choice of everything; its one-click POST (RFC 8058) ends that
//     session's sign-up.
const (
	scopeChoice  = ""
	scopeSession = "session"
	scopeAll     = "all"
)

// unsubscribePage shows the button of a scope.
func (s *Server) unsubscribePage(scope string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		signup, sess, ok := s.signupOf(w, r)
		if !ok {
			return
		}
		page := templates.Page{Title: "Annuler votre inscription", Session: sess, Action: r.URL.Path, Choice: scope == scopeChoice}
		if scope == scopeAll {
			page.Title, page.All = "Ne plus recevoir aucun message de rappel", true
		} else if signup.Status == store.SignupWaitlisted || signup.Status == store.SignupOffered {
			page.Title, page.Position = "Quitter la liste d’attente", 1
		} else if signup.Status == store.SignupUnsubscribed {
			s.render(w, http.StatusOK, "unsubscribed", templates.Page{Title: "Inscription annulée", Session: sess})
			return
		}
		s.render(w, http.StatusOK, "unsubscribe", page)
	}
}

// unsubscribe carries out a scope's button: the sign-up ends, or every
// sign-up of the address.
func (s *Server) unsubscribeScope(scope string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.unsubscribe(w, r, scope)
	}
}

// unsubscribe ends the sign-up, or every sign-up of the address when the
// scope or the person's choice ("tout") says so: from a page's button, or
// from a mail client's one-click POST (RFC 8058), whose answer nobody
// reads.
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request, scope string) {
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, http.StatusBadRequest, "Demande invalide", "La demande n’a pas pu être lue.")
		return
	}
	signup, sess, ok := s.signupOf(w, r)
	if !ok {
		return
	}
	all := scope == scopeAll || (scope == scopeChoice && r.PostForm.Get("tout") == "1")
	var err error
	if all {
		err = s.store.OptOut(r.Context(), signup.ID)
	} else {
		_, _, err = s.store.Unsubscribe(r.Context(), signup.ID)
	}
	if err != nil {
		s.logger.Error("Unsubscribe failed.", slog.Int64("signup_id", signup.ID), slog.Any("error", err))
		s.renderError(w, http.StatusInternalServerError, "Erreur", "La désinscription n’a pas pu être enregistrée. Merci de réessayer dans quelques instants.")
		return
	}
	s.logger.Info("Unsubscribed.", slog.Int64("signup_id", signup.ID), slog.Int64("session_id", signup.SessionID),
		slog.Bool("all_sessions", all), slog.Bool("one_click", r.PostForm.Get("List-Unsubscribe") == "One-Click"))
	title := "Inscription annulée"
	if all {
		title = "Vous ne recevrez plus aucun message"
	}
	s.render(w, http.StatusOK, "unsubscribed", templates.Page{Title: title, Session: sess, All: all})
}

// signupOf reads the sign-up a link's token names, or answers 404.
func (s *Server) signupOf(w http.ResponseWriter, r *http.Request) (store.Signup, templates.Session, bool) {
	signup, sess, ok := s.signupAndSession(w, r)
	return signup, s.words(sess), ok
}

// signupAndSession reads the sign-up a link's token names and its session,
// or answers 404.
func (s *Server) signupAndSession(w http.ResponseWriter, r *http.Request) (store.Signup, store.Session, bool) {
	id, err := s.cfg.Tokens.Verify(token.Unsubscribe, r.PathValue("token"))
	if err == nil {
		var signup store.Signup
		signup, err = s.store.SignupByID(r.Context(), id)
		if err == nil {
			var sess store.Session
			sess, err = s.store.SessionByID(r.Context(), signup.SessionID)
			if err == nil {
				return signup, sess, true
			}
		}
	}
	if errors.Is(err, token.ErrInvalid) || errors.Is(err, store.ErrNotFound) {
		s.renderError(w, http.StatusNotFound, "Lien invalide",
			"Ce lien de désinscription n’est pas valable. Vérifiez qu’il a été copié en entier depuis le message reçu.")
	} else {
		s.serverError(w, err)
	}
	return store.Signup{}, store.Session{}, false
}
