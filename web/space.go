package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/token"
)

// spacePath is where the organisers' space lives.
const spacePath = "/organisateurs"

// How long a member stays signed in: spaceIdle without a request,
// spaceAbsolute in all, whatever they do.
const (
	spaceIdle     = 2 * time.Hour
	spaceAbsolute = 12 * time.Hour
)

// spacePage is what every page of the organisers' space gets.
type spacePage struct {
	Title string
	Site  templates.Site
	// Member is who is signed in (nil on the sign-in pages); CSRF the
	// secret every form of theirs carries.
	Member *store.Member
	CSRF   string
	// Notice is what the last action did, shown at the top.
	Notice string
	// Errors are the fields at fault and what is wrong, by field name;
	// ErrorList the same in the order of the form, for the summary.
	Errors    map[string]string
	ErrorList []fieldMessage
	Values    map[string]string
	Message   string
	OIDC      bool
	Data      any
}

type fieldMessage struct{ Field, Message string }

type memberKey struct{}

// memberOf is the signed-in member of a request of the space.
func memberOf(r *http.Request) store.MemberSession {
	m, _ := r.Context().Value(memberKey{}).(store.MemberSession)
	return m
}

// space routes the organisers' space. Pages other than signing in need a
// live session; every form carries its CSRF secret, on top of the
// cross-origin protection of the whole server.
func (s *Server) space(cop *http.CrossOriginProtection) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+spacePath+"/connexion", s.loginForm)
	mux.Handle("POST "+spacePath+"/connexion", cop.Handler(http.HandlerFunc(s.loginRequest)))
	mux.HandleFunc("GET "+spacePath+"/connexion/{token}", s.loginLinkPage)
	mux.Handle("POST "+spacePath+"/connexion/{token}", cop.Handler(http.HandlerFunc(s.loginWithLink)))
	if s.oidc != nil {
		mux.HandleFunc("GET "+spacePath+"/connexion-proconnect", s.oidcStart)
		mux.HandleFunc("GET "+spacePath+"/connexion-proconnect/retour", s.oidcCallback)
	}
	in := func(h http.HandlerFunc) http.Handler { return s.signedIn(h) }
	post := func(h http.HandlerFunc) http.Handler { return cop.Handler(s.signedIn(s.checkCSRF(h))) }
	mux.Handle("POST "+spacePath+"/deconnexion", post(s.logout))
	mux.Handle("GET "+spacePath+"/{$}", in(s.dashboard))
	mux.Handle("GET "+spacePath+"/sessions/nouvelle", in(s.newSessionForm))
	mux.Handle("POST "+spacePath+"/sessions/nouvelle", post(s.createSession))
	mux.Handle("GET "+spacePath+"/sessions/{id}", in(s.owned(s.sessionOverview)))
	mux.Handle("GET "+spacePath+"/sessions/{id}/modifier", in(s.owned(s.editSessionForm)))
	mux.Handle("POST "+spacePath+"/sessions/{id}/modifier", post(s.owned(s.editSession)))
	mux.Handle("GET "+spacePath+"/sessions/{id}/annuler", in(s.owned(s.cancelSessionForm)))
	mux.Handle("POST "+spacePath+"/sessions/{id}/annuler", post(s.owned(s.cancelSession)))
	mux.Handle("GET "+spacePath+"/sessions/{id}/inscriptions", in(s.owned(s.signupList)))
	mux.Handle("POST "+spacePath+"/sessions/{id}/inscriptions", post(s.owned(s.addSignup)))
	mux.Handle("POST "+spacePath+"/sessions/{id}/inscriptions/{signup}/retirer", post(s.owned(s.removeSignup)))
	mux.Handle("GET "+spacePath+"/sessions/{id}/inscriptions.csv", in(s.owned(s.exportSignups)))
	mux.Handle("GET "+spacePath+"/sessions/{id}/envois", in(s.owned(s.deliveryList)))
	mux.Handle("GET "+spacePath+"/sessions/{id}/import", in(s.owned(s.listImportForm)))
	mux.Handle("POST "+spacePath+"/sessions/{id}/import", post(s.owned(s.importList)))
	mux.Handle("POST "+spacePath+"/sessions/{id}/import/rejets", post(s.owned(s.rejectedLines)))
	mux.Handle("GET "+spacePath+"/sessions/{id}/apercu", in(s.owned(s.preview)))
	mux.Handle("GET "+spacePath+"/sessions/{id}/apercu.html", in(s.owned(s.previewHTML)))
	mux.Handle("POST "+spacePath+"/sessions/{id}/apercu", post(s.owned(s.sendTest)))
	mux.Handle("GET "+spacePath+"/modele-liste.csv", in(s.listModel))
	mux.Handle("GET "+spacePath+"/programme", in(s.programmeForm))
	mux.Handle("POST "+spacePath+"/programme", post(s.programmeDryRun))
	mux.Handle("POST "+spacePath+"/programme/appliquer", post(s.programmeApply))
	mux.Handle("GET "+spacePath+"/journal", in(s.journal))
	mux.Handle("GET "+spacePath+"/equipes", in(s.adminOnly(s.teams)))
	mux.Handle("POST "+spacePath+"/equipes", post(s.adminOnly(s.createTeam)))
	mux.Handle("GET "+spacePath+"/equipes/{team}", in(s.adminOnly(s.team)))
	mux.Handle("POST "+spacePath+"/equipes/{team}/membres", post(s.adminOnly(s.teamChange(s.addTeamMember))))
	mux.Handle("POST "+spacePath+"/equipes/{team}/membres/retirer", post(s.adminOnly(s.teamChange(s.removeTeamMember))))
	mux.Handle("POST "+spacePath+"/equipes/{team}/contact", post(s.adminOnly(s.teamChange(s.setTeamContact))))
	mux.Handle(spacePath+"/", in(func(w http.ResponseWriter, r *http.Request) { s.spaceNotFound(w, r) }))
	return mux
}

// spaceCookie is the name of the session cookie: with the __Host- prefix
// over https, which browsers keep to this host and to secure connections.
func (s *Server) spaceCookie() string {
	if s.secure() {
		return "__Host-rappel_organisateur"
	}
	return "rappel_organisateur"
}

func (s *Server) secure() bool {
	return s.cfg.PublicURL != nil && s.cfg.PublicURL.Scheme == "https"
}

// signedIn finds the member of the session cookie, or sends the visitor
// to the sign-in page. A session idle too long, over, or whose member was
// removed from the team is no more, at once and on every replica.
func (s *Server) signedIn(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(s.spaceCookie())
		if err != nil || c.Value == "" {
			s.toLogin(w, r)
			return
		}
		m, err := s.store.SessionMember(r.Context(), token.Hash(c.Value), spaceIdle)
		if errors.Is(err, store.ErrNotFound) {
			s.clearSpaceCookie(w)
			s.toLogin(w, r)
			return
		}
		if err != nil {
			s.spaceServerError(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), memberKey{}, m)))
	})
}

func (s *Server) toLogin(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		s.renderSpace(w, r, http.StatusForbidden, "space-error", spacePage{Title: "Session expirée",
			Message: "Votre session a expiré ou a été fermée. Reconnectez-vous, puis recommencez."})
		return
	}
	http.Redirect(w, r, spacePath+"/connexion", http.StatusSeeOther)
}

// checkCSRF refuses a form that does not carry the session's secret.
func (s *Server) checkCSRF(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxCSVBody+64<<10)
		got := r.FormValue("csrf")
		if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(memberOf(r).CSRF)) != 1 {
			s.renderSpace(w, r, http.StatusForbidden, "space-error", spacePage{Title: "Formulaire refusé",
				Message: "Ce formulaire n’a pas été envoyé depuis votre espace, ou il est trop ancien. Rechargez la page et recommencez."})
			return
		}
		next(w, r)
	}
}

// owned reads the session of the address and checks the member's team may
// reach it: another team's session answers 404, as one that does not
// exist.
func (s *Server) owned(h func(http.ResponseWriter, *http.Request, store.SessionOverview)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			s.spaceNotFound(w, r)
			return
		}
		o, err := s.store.Overview(r.Context(), id)
		team := memberOf(r).Team()
		switch {
		case errors.Is(err, store.ErrNotFound),
			err == nil && !team.IsAdmin && (o.OrganiserID == nil || *o.OrganiserID != team.ID):
			s.spaceNotFound(w, r)
			return
		case err != nil:
			s.spaceServerError(w, r, err)
			return
		}
		h(w, r, o)
	}
}

// note writes an action in the team's journal; a failure is logged, never
// shown: the action itself is done.
func (s *Server) note(r *http.Request, sessionID int64, action, detail string) {
	m := memberOf(r)
	e := store.JournalEntry{OrganiserID: m.OrganiserID, MemberEmail: m.Email, Action: action, Detail: detail}
	if sessionID != 0 {
		e.SessionID = &sessionID
	}
	if err := s.store.Note(context.WithoutCancel(r.Context()), e); err != nil {
		s.logger.Error("Journal not written.", slog.Int64("member_id", m.ID), slog.String("action", action), slog.Any("error", err))
	}
}

func (s *Server) renderSpace(w http.ResponseWriter, r *http.Request, status int, name string, p spacePage) {
	p.Site = s.cfg.Site
	if m := memberOf(r); m.ID != 0 {
		p.Member, p.CSRF = &m.Member, m.CSRF
	}
	if p.Notice == "" {
		p.Notice = notices[r.URL.Query().Get("fait")]
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := s.cfg.Templates.RenderBackoffice(w, name, p); err != nil {
		s.logger.Error("Page could not be rendered.", slog.String("page", name), slog.Any("error", err))
	}
}

// notices are what a page says after the action that led to it
// (?fait=…), so that a reload does not redo it.
var notices = map[string]string{
	"creee":         "La session est créée. Elle apparaît sur la page publique des événements.",
	"modifiee":      "Les modifications sont enregistrées.",
	"annulee":       "La session est annulée : les personnes inscrites reçoivent un avis d’annulation par courriel.",
	"ajoutee":       "La personne est inscrite. Elle recevra les rappels.",
	"retiree":       "L’inscription est retirée : cette personne ne recevra plus de message pour cette session.",
	"equipe":        "L’équipe est créée. Ajoutez-lui ses membres.",
	"membre":        "Le membre est ajouté : il se connecte avec son adresse.",
	"membre-retire": "Le membre est retiré : ses connexions ouvertes sont fermées.",
	"contact":       "Le contact de l’équipe est enregistré.",
	"essai":         "Le message d’essai part vers votre adresse : il arrive d’ici une minute.",
	"trop-essais":   "Vous avez envoyé beaucoup d’essais depuis une heure : réessayez un peu plus tard.",
}

func (s *Server) spaceNotFound(w http.ResponseWriter, r *http.Request) {
	s.renderSpace(w, r, http.StatusNotFound, "space-error", spacePage{Title: "Page introuvable",
		Message: "Cette page n’existe pas, ou elle ne concerne pas votre équipe."})
}

func (s *Server) spaceServerError(w http.ResponseWriter, r *http.Request, err error) {
	s.logger.Error("Organisers' space request failed.", slog.String("path", r.URL.Path), slog.Any("error", err))
	s.renderSpace(w, r, http.StatusInternalServerError, "space-error", spacePage{Title: "Erreur du service",
		Message: "Le service a rencontré une erreur. Réessayez dans quelques instants."})
}

func (s *Server) clearSpaceCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.spaceCookie(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode})
}
