package web

import (
	"cmp"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
)

// The teams' pages are an administrator's: what `rappel organiser` does,
// in the browser. For anyone else they do not exist.

type teamsData struct {
	Teams []store.OrganiserSummary
}

type teamData struct {
	Team    store.OrganiserSummary
	Members []memberView
}

type memberView struct{ Email, Since string }

// adminOnly answers 404 to members of teams that are not administrators.
func (s *Server) adminOnly(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !memberOf(r).IsAdmin {
			s.spaceNotFound(w, r)
			return
		}
		h(w, r)
	}
}

func (s *Server) teams(w http.ResponseWriter, r *http.Request) {
	s.renderTeams(w, r, http.StatusOK, spacePage{})
}

func (s *Server) renderTeams(w http.ResponseWriter, r *http.Request, status int, p spacePage) {
	list, err := s.store.Organisers(r.Context())
	if err != nil {
		s.spaceServerError(w, r, err)
		return
	}
	p.Title, p.Data = "Équipes", teamsData{Teams: list}
	s.renderSpace(w, r, status, "space-teams", p)
}

// createTeam creates a team; an administrators' team only by the command
// line, which the operator runs.
func (s *Server) createTeam(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSpace(plainSpaces(r.PostFormValue("name")))
	org, created, err := s.store.AddOrganiser(r.Context(), name, false)
	if err == nil && !created {
		err = &store.FieldError{Field: "name", Message: "une équipe porte déjà ce nom"}
	}
	if err != nil {
		field, msg, ok := store.Explain(err)
		if !ok {
			s.spaceServerError(w, r, err)
			return
		}
		p := spacePage{Values: map[string]string{"name": name}}
		p.setError(cmp.Or(field, "name"), msg)
		s.renderTeams(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	s.note(r, 0, "création d’une équipe", org.Name)
	http.Redirect(w, r, spacePath+"/equipes/"+strconv.FormatInt(org.ID, 10)+"?fait=equipe", http.StatusSeeOther)
}

func (s *Server) team(w http.ResponseWriter, r *http.Request) {
	s.renderTeam(w, r, http.StatusOK, spacePage{})
}

func (s *Server) renderTeam(w http.ResponseWriter, r *http.Request, status int, p spacePage) {
	id, err := strconv.ParseInt(r.PathValue("team"), 10, 64)
	if err != nil {
		s.spaceNotFound(w, r)
		return
	}
	t, err := s.store.OrganiserByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.spaceNotFound(w, r)
		return
	}
	var members []store.Member
	if err == nil {
		members, err = s.store.Members(r.Context(), id)
	}
	if err != nil {
		s.spaceServerError(w, r, err)
		return
	}
	views := make([]memberView, 0, len(members))
	for _, m := range members {
		views = append(views, memberView{Email: m.Email, Since: templates.Day(m.CreatedAt.In(s.cfg.Location))})
	}
	if p.Values == nil {
		p.Values = map[string]string{"contact": t.Contact}
	}
	p.Title, p.Data = "Équipe « "+t.Name+" »", teamData{Team: t, Members: views}
	s.renderSpace(w, r, status, "space-team", p)
}

// teamChange runs one change of a team's page: its members, its contact.
func (s *Server) teamChange(change func(r *http.Request, t store.OrganiserSummary) (field, done string, err error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("team"), 10, 64)
		if err != nil {
			s.spaceNotFound(w, r)
			return
		}
		t, err := s.store.OrganiserByID(r.Context(), id)
		if errors.Is(err, store.ErrNotFound) {
			s.spaceNotFound(w, r)
			return
		}
		if err != nil {
			s.spaceServerError(w, r, err)
			return
		}
		field, done, err := change(r, t)
		if err != nil {
			f, msg, ok := store.Explain(err)
			switch {
			case errors.Is(err, store.ErrDuplicate):
				f, msg = field, "cette adresse est déjà membre d’une équipe : une personne appartient à une seule équipe"
			case errors.Is(err, store.ErrNotFound):
				s.spaceNotFound(w, r)
				return
			case !ok:
				s.spaceServerError(w, r, err)
				return
			}
			p := spacePage{Values: map[string]string{field: r.PostFormValue(field)}}
			p.setError(cmp.Or(f, field), msg)
			s.renderTeam(w, r, http.StatusUnprocessableEntity, p)
			return
		}
		http.Redirect(w, r, spacePath+"/equipes/"+strconv.FormatInt(id, 10)+"?fait="+done, http.StatusSeeOther)
	}
}

func (s *Server) addTeamMember(r *http.Request, t store.OrganiserSummary) (string, string, error) {
	m, err := s.store.AddMember(r.Context(), t.Name, r.PostFormValue("email"))
	if err == nil {
		s.note(r, 0, "ajout d’un membre", t.Name+" : "+m.Email)
	}
	return "email", "membre", err
}

func (s *Server) removeTeamMember(r *http.Request, t store.OrganiserSummary) (string, string, error) {
	email := r.PostFormValue("email")
	if strings.EqualFold(email, memberOf(r).Email) {
		return "email", "", &store.FieldError{Field: "email", Message: "vous ne pouvez pas vous retirer vous-même : demandez-le à un autre membre de l’administration"}
	}
	err := s.store.RemoveMember(r.Context(), t.Name, email)
	if err == nil {
		s.note(r, 0, "retrait d’un membre", t.Name+" : "+email)
	}
	return "email", "membre-retire", err
}

func (s *Server) setTeamContact(r *http.Request, t store.OrganiserSummary) (string, string, error) {
	contact, err := s.store.SetOrganiserContact(r.Context(), t.Name, plainSpaces(strings.TrimSpace(r.PostFormValue("contact"))))
	if err == nil {
		s.note(r, 0, "contact d’une équipe", t.Name+" : "+cmp.Or(contact, "aucun"))
	}
	return "contact", "contact", err
}
