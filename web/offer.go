package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/when"
)

// offerPage shows the place offered to a person of the waiting list and its
// deadline, with two buttons: take it, or leave it to the next person (a
// GET changes nothing).
func (s *Server) offerPage(w http.ResponseWriter, r *http.Request) {
	signup, row, ok := s.signupAndSession(w, r)
	if !ok {
		return
	}
	sess := s.words(row)
	offer, err := s.store.OfferOf(r.Context(), signup.ID)
	if errors.Is(err, store.ErrNotFound) {
		s.offerGone(w, signup, sess)
		return
	}
	if err != nil {
		s.serverError(w, err)
		return
	}
	until := offer.ExpiresAt.In(when.Zone(row.Timezone, s.cfg.Location))
	s.render(w, http.StatusOK, "offer", templates.Page{Title: "Une place s’est libérée", Session: sess, Action: r.URL.Path,
		Validity: templates.DayNoYear(until) + " à " + templates.Clock(until)})
}

// offerAnswer takes the place (« Je prends la place ») or leaves it.
func (s *Server) offerAnswer(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, http.StatusBadRequest, "Demande invalide", "La demande n’a pas pu être lue.")
		return
	}
	signup, sess, ok := s.signupOf(w, r)
	if !ok {
		return
	}
	if r.PostForm.Get("reponse") == "laisser" {
		if _, err := s.store.OfferOf(r.Context(), signup.ID); errors.Is(err, store.ErrNotFound) {
			s.offerGone(w, signup, sess)
			return
		}
		if _, _, err := s.store.Unsubscribe(r.Context(), signup.ID); err != nil {
			s.serverError(w, err)
			return
		}
		s.logger.Info("Offer left.", slog.Int64("signup_id", signup.ID), slog.Int64("session_id", signup.SessionID))
		s.render(w, http.StatusOK, "unsubscribed", templates.Page{Title: "Place laissée", Session: sess,
			Message: "Merci : la place est proposée à la personne suivante."})
		return
	}
	if _, err := s.store.TakeOffer(r.Context(), signup.ID); errors.Is(err, store.ErrNotFound) {
		s.offerGone(w, signup, sess)
		return
	} else if err != nil {
		s.serverError(w, err)
		return
	}
	s.logger.Info("Offer taken.", slog.Int64("signup_id", signup.ID), slog.Int64("session_id", signup.SessionID))
	s.render(w, http.StatusOK, "confirmed", templates.Page{Title: "Inscription confirmée", Session: sess, Reminders: s.cfg.Reminders})
}

// offerGone says why the offer cannot be answered any more.
func (s *Server) offerGone(w http.ResponseWriter, signup store.Signup, sess templates.Session) {
	msg := "Cette offre a pris fin : le délai pour répondre est passé, ou la session a commencé. La place a été proposée à la personne suivante."
	if signup.Status == store.SignupConfirmed {
		msg = "Vous avez déjà pris cette place : votre inscription est confirmée."
	}
	s.render(w, http.StatusGone, "error", templates.Page{Title: "Offre terminée", Session: sess, Message: msg})
}
