package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/dinum/rappel/csvimport"
	"github.com/dinum/rappel/store"
)

// pageSize is how many lines a list of the organisers' space shows at a
// time.
const pageSize = 50

// pager says where a page is in a long list, and how to reach the others.
type pager struct {
	Page, Pages, Total int
	First, Last        int
	Prev, Next         string
}

func newPager(r *http.Request, total int) pager {
	p := pager{Total: total, Pages: max(1, (total+pageSize-1)/pageSize)}
	p.Page = min(max(atoiOr(r.URL.Query().Get("page"), 1), 1), p.Pages)
	p.First, p.Last = (p.Page-1)*pageSize+1, min(p.Page*pageSize, total)
	if p.Page > 1 {
		p.Prev = pageLink(r, p.Page-1)
	}
	if p.Page < p.Pages {
		p.Next = pageLink(r, p.Page+1)
	}
	return p
}

// pageLink is the address of page n of the list the request shows.
func pageLink(r *http.Request, n int) string {
	q := r.URL.Query()
	q.Set("page", strconv.Itoa(n))
	q.Del("fait")
	return r.URL.Path + "?" + q.Encode()
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}

func (p pager) offset() int { return (p.Page - 1) * pageSize }

type signupsData struct {
	Session overviewView
	Signups []signupView
	Pager   pager
	Search  string
}

type signupView struct {
	ID                         int64
	Email, Name, Since, Status string
	Source                     string
	Active                     bool
}

var signupStatuses = map[string]string{
	"confirmed": "Inscrite", "pending": "En attente de confirmation", "unsubscribed": "Désinscrite",
	"waitlisted": "Sur liste d’attente", "offered": "Place offerte",
}

var signupSources = map[string]string{
	"web": "Formulaire public", "import": "Import de liste", "api": "API", "cli": "Ligne de commande",
	"backoffice": "Espace organisateurs",
}

// signupList shows a page of the session's sign-ups, newest first, or
// those whose address contains what was searched.
func (s *Server) signupList(w http.ResponseWriter, r *http.Request, o store.SessionOverview) {
	s.renderSignups(w, r, o, http.StatusOK, spacePage{})
}

func (s *Server) renderSignups(w http.ResponseWriter, r *http.Request, o store.SessionOverview, status int, p spacePage) {
	search := strings.TrimSpace(r.URL.Query().Get("q"))
	q := store.SignupQuery{SessionID: o.ID, Search: search, Limit: pageSize}
	total, err := s.store.CountSignups(r.Context(), q)
	if err != nil {
		s.spaceServerError(w, r, err)
		return
	}
	pg := newPager(r, total)
	q.Offset = pg.offset()
	list, err := s.store.SignupPage(r.Context(), q)
	if err != nil {
		s.spaceServerError(w, r, err)
		return
	}
	d := signupsData{Session: s.overviewView(o), Pager: pg, Search: search}
	for _, g := range list {
		v := signupView{ID: g.ID, Email: g.Email, Name: g.Name,
			Since: s.at(g.CreatedAt, o.Timezone), Status: signupStatuses[g.Status], Source: signupSources[g.Source],
			Active: g.Status != "unsubscribed"}
		if g.UnsubscribedAt != nil {
			v.Status += " le " + s.at(*g.UnsubscribedAt, o.Timezone)
		}
		d.Signups = append(d.Signups, v)
	}
	p.Title, p.Data = "Inscriptions – "+o.Title, d
	s.renderSpace(w, r, status, "space-signups", p)
}

// addSignup signs one person up, confirmed, as an organiser does.
func (s *Server) addSignup(w http.ResponseWriter, r *http.Request, o store.SessionOverview) {
	values := map[string]string{"email": strings.TrimSpace(r.PostFormValue("email")), "name": plainSpaces(strings.TrimSpace(r.PostFormValue("name")))}
	g, _, err := s.store.Subscribe(r.Context(), store.SubscribeParams{SessionID: o.ID, Email: values["email"],
		Name: values["name"], Source: "backoffice"})
	if err != nil {
		field, msg, ok := store.Explain(err)
		if !ok {
			s.spaceServerError(w, r, err)
			return
		}
		if field == "email" {
			var ferr *store.FieldError
			if errors.As(err, &ferr) {
				msg = "Saisissez une adresse électronique valide, par exemple nom@domaine.fr"
			}
		}
		p := spacePage{Values: values}
		p.setError(field, msg)
		s.renderSignups(w, r, o, http.StatusUnprocessableEntity, p)
		return
	}
	s.note(r, o.ID, "ajout d’une inscription", fmt.Sprintf("inscription n° %d", g.ID))
	http.Redirect(w, r, s.signupsURL(o.ID, "ajoutee"), http.StatusSeeOther)
}

func (s *Server) signupsURL(id int64, done string) string {
	u := spacePath + "/sessions/" + strconv.FormatInt(id, 10) + "/inscriptions"
	if done != "" {
		u += "?fait=" + url.QueryEscape(done)
	}
	return u
}

// removeSignup ends a sign-up of the session: its reminders stop at once.
func (s *Server) removeSignup(w http.ResponseWriter, r *http.Request, o store.SessionOverview) {
	id, err := strconv.ParseInt(r.PathValue("signup"), 10, 64)
	if err != nil {
		s.spaceNotFound(w, r)
		return
	}
	g, err := s.store.SignupByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || err == nil && g.SessionID != o.ID {
		s.spaceNotFound(w, r)
		return
	}
	if err != nil {
		s.spaceServerError(w, r, err)
		return
	}
	if _, _, err := s.store.Unsubscribe(r.Context(), id); err != nil {
		s.spaceServerError(w, r, err)
		return
	}
	s.note(r, o.ID, "retrait d’une inscription", fmt.Sprintf("inscription n° %d", id))
	http.Redirect(w, r, s.signupsURL(o.ID, "retiree"), http.StatusSeeOther)
}

// exportSignups sends every sign-up of the session as a CSV that French
// Excel opens with its accents, no cell read as a formula.
func (s *Server) exportSignups(w http.ResponseWriter, r *http.Request, o store.SessionOverview) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="inscriptions-session-`+strconv.FormatInt(o.ID, 10)+`.csv"`)
	cw, err := csvimport.NewWriter(w)
	if err != nil {
		return
	}
	_ = cw.Write("Adresse électronique", "Nom", "Statut", "Inscrite depuis le", "Origine")
	err = s.store.EachSignup(r.Context(), o.ID, func(g store.Signup) error {
		return cw.Write(g.Email, g.Name, signupStatuses[g.Status], g.CreatedAt.In(s.cfg.Location).Format("02/01/2006 15:04"), signupSources[g.Source])
	})
	if err == nil {
		err = cw.Flush()
	}
	if err != nil {
		s.logger.Error("Sign-ups export failed.", "session_id", o.ID, "error", err)
	}
}
