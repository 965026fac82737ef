package web

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/token"
)

// Limits on sign-in links: per address (in the database, across
// replicas) and per client (in this replica's memory).
const (
	loginsPerAddressHour = 5
	loginsPerClientHour  = 20
)

// loginForm asks for the member's address (or, when configured, offers
// ProConnect).
func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	s.renderSpace(w, r, http.StatusOK, "space-login", spacePage{Title: "Connexion à l’espace organisateurs", OIDC: s.oidc != nil})
}

// loginRequest notes the request of a sign-in link. Its answer is the
// same, and costs the same, whether the address is a member's or not: the
// link is sent by a worker, to members only.
func (s *Server) loginRequest(w http.ResponseWriter, r *http.Request) {
	if !s.logins.allow(clientAddr(r, s.cfg.TrustedProxies)) {
		s.renderSpace(w, r, http.StatusTooManyRequests, "space-error", spacePage{Title: "Trop de demandes",
			Message: "Trop de liens de connexion ont été demandés depuis votre connexion. Merci de réessayer dans une heure."})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	email := strings.TrimSpace(r.PostFormValue("email"))
	if _, err := store.NormalizeEmail(email); err != nil {
		msg := "Saisissez votre adresse électronique professionnelle, par exemple prenom.nom@ministere.gouv.fr."
		s.renderSpace(w, r, http.StatusBadRequest, "space-login", spacePage{Title: "Connexion à l’espace organisateurs",
			OIDC: s.oidc != nil, Values: map[string]string{"email": email},
			Errors: map[string]string{"email": msg}, ErrorList: []fieldMessage{{"email", msg}}})
		return
	}
	if err := s.store.RequestLogin(r.Context(), email, loginsPerAddressHour); err != nil {
		s.spaceServerError(w, r, err)
		return
	}
	s.renderSpace(w, r, http.StatusOK, "space-login-sent", spacePage{Title: "Vérifiez votre messagerie",
		Values: map[string]string{"email": email}})
}

// loginLinkPage shows the page of a sign-in link: a button signs in, the
// page itself does not, since mail scanners open links.
func (s *Server) loginLinkPage(w http.ResponseWriter, r *http.Request) {
	link, err := s.store.LoginByToken(r.Context(), token.Hash(r.PathValue("token")))
	if errors.Is(err, store.ErrNotFound) {
		s.badLoginLink(w, r)
		return
	}
	if err != nil {
		s.spaceServerError(w, r, err)
		return
	}
	s.renderSpace(w, r, http.StatusOK, "space-login-link", spacePage{Title: "Connexion à l’espace organisateurs",
		Values: map[string]string{"email": link.Email, "until": templates.Clock(link.Expires.In(s.cfg.Location))}})
}

// loginWithLink uses the link and opens the member's session.
func (s *Server) loginWithLink(w http.ResponseWriter, r *http.Request) {
	raw, hash, err := token.NewRandom()
	if err != nil {
		s.spaceServerError(w, r, err)
		return
	}
	csrf, _, err := token.NewRandom()
	if err != nil {
		s.spaceServerError(w, r, err)
		return
	}
	m, err := s.store.Login(r.Context(), token.Hash(r.PathValue("token")),
		store.LoginParams{Hash: hash, CSRF: csrf, Idle: spaceIdle, Absolute: spaceAbsolute})
	if errors.Is(err, store.ErrNotFound) {
		s.badLoginLink(w, r)
		return
	}
	if err != nil {
		s.spaceServerError(w, r, err)
		return
	}
	s.startSpaceSession(w, r, m, raw, "lien par courriel")
}

// startSpaceSession sets the session cookie and opens the dashboard.
func (s *Server) startSpaceSession(w http.ResponseWriter, r *http.Request, m store.Member, raw, how string) {
	http.SetCookie(w, &http.Cookie{Name: s.spaceCookie(), Value: raw, Path: "/", MaxAge: int(spaceAbsolute.Seconds()),
		HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode})
	s.logger.Info("Member signed in.", slog.Int64("member_id", m.ID), slog.Int64("organiser_id", m.OrganiserID), slog.String("how", how))
	http.Redirect(w, r, spacePath+"/", http.StatusSeeOther)
}

func (s *Server) badLoginLink(w http.ResponseWriter, r *http.Request) {
	s.renderSpace(w, r, http.StatusNotFound, "space-error", spacePage{Title: "Lien de connexion inutilisable",
		Message: "Ce lien de connexion a déjà servi, a expiré (il fonctionne 15 minutes) ou est incomplet. Demandez-en un nouveau.",
		Data:    "login"})
}

// logout ends the session, on every replica at once.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(s.spaceCookie()); err == nil {
		if err := s.store.Logout(r.Context(), token.Hash(c.Value)); err != nil {
			s.spaceServerError(w, r, err)
			return
		}
	}
	s.clearSpaceCookie(w)
	http.Redirect(w, r, spacePath+"/connexion", http.StatusSeeOther)
}
