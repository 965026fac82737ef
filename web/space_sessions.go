package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/when"
)

// overviewView is a session as the organisers' pages show it: its words
// already written in French.
type overviewView struct {
	ID                              int64
	Title, Kind, When, Zone, Status string
	Cancelled, Over                 bool
	Confirmed, Pending, Sent        int
	Failed                          int
	Next                            string
	Location, JoinURL, PageURL      string
	Contact, Description            string
	Accessible                      bool
	Imported                        bool
	// Places says how the places stand: « 18 places sur 20 prises », ""
	// without a limit; Waiting how many people wait for one.
	Places  string
	Waiting int
}

func (s *Server) overviewView(o store.SessionOverview) overviewView {
	words := templates.NewSession(o.TemplateInput(), s.cfg.Location)
	v := overviewView{
		ID: o.ID, Title: o.Title, Kind: words.Kind.Label, When: words.When, Zone: words.TimeZone,
		Cancelled: o.Status == store.SessionCancelled, Confirmed: o.Confirmed, Pending: o.Pending,
		Sent: o.Sent, Failed: o.Failed, Location: o.Location, JoinURL: o.JoinURL, PageURL: o.PageURL,
		Contact: o.EffectiveContact(), Description: o.Description, Accessible: o.Accessible,
		Imported: o.AgendaSource != nil, Waiting: o.Waiting,
	}
	if o.Capacity != nil {
		v.Places = templates.Plural(o.Confirmed+o.Offered, "place prise", "places prises") + " sur " + strconv.Itoa(*o.Capacity)
		if o.Offered > 0 {
			v.Places += " (dont " + templates.Plural(o.Offered, "offerte", "offertes") + " en attente de réponse)"
		}
	}
	end := o.StartsAt
	if o.EndsAt != nil {
		end = *o.EndsAt
	}
	v.Over = !end.After(timeNow())
	switch {
	case v.Cancelled:
		v.Status = "Annulée"
	case v.Over:
		v.Status = "Terminée"
	case !o.StartsAt.After(timeNow()):
		v.Status = "En cours"
	default:
		v.Status = "À venir"
	}
	if o.NextDue != nil && o.NextKind != nil {
		v.Next = templates.MessageLabel(*o.NextKind) + ", " + s.at(*o.NextDue, o.Timezone) + " (" + templates.Plural(o.NextCount, "message", "messages") + ")"
	}
	return v
}

// at writes an instant the way the organisers' pages do: « lundi 15
// novembre 2021 à 18 h », in the session's zone.
func (s *Server) at(t time.Time, zone string) string {
	t = t.In(when.Zone(zone, s.cfg.Location))
	return templates.Day(t) + " à " + templates.Clock(t)
}

// dashboard lists the team's sessions not over yet (an administrator's:
// every team's), with what was sent and what comes next.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	team := memberOf(r).Team()
	var org *int64
	if !team.IsAdmin {
		org = &team.ID
	}
	past := r.URL.Query().Get("passees") == "1"
	list, err := s.store.Overviews(r.Context(), org, past)
	if err != nil {
		s.spaceServerError(w, r, err)
		return
	}
	views := make([]overviewView, 0, len(list))
	for _, o := range list {
		views = append(views, s.overviewView(o))
	}
	s.renderSpace(w, r, http.StatusOK, "space-dashboard", spacePage{Title: "Vos sessions",
		Data: dashboardData{Sessions: views, Past: past}})
}

type dashboardData struct {
	Sessions []overviewView
	Past     bool
}

func (s *Server) sessionOverview(w http.ResponseWriter, r *http.Request, o store.SessionOverview) {
	v := s.overviewView(o)
	s.renderSpace(w, r, http.StatusOK, "space-session", spacePage{Title: o.Title, Data: v})
}

// sessionFields are the fields of the session form, in its order.
var sessionFields = []string{"kind", "title", "description", "starts_at", "ends_at", "timezone", "location",
	"accessible", "capacity", "join_url", "page_url", "contact", "reminders"}

// formData is what the session form needs besides its values.
type formData struct {
	Session *overviewView
	Kinds   []option
	Zones   []option
}

type option struct{ Value, Label string }

func (s *Server) sessionFormData(v *overviewView) formData {
	d := formData{Session: v}
	for _, k := range kind.Sessions {
		d.Kinds = append(d.Kinds, option{string(k.Kind), templates.Words(k.Kind).Label})
	}
	d.Zones = append(d.Zones, option{"", "Celle du service (" + templates.ZoneName(s.cfg.Location) + ")"})
	for _, z := range templates.Zones() {
		d.Zones = append(d.Zones, option{z, strings.TrimPrefix(templates.ZoneName(when.Zone(z, time.UTC)), "heure de ")})
	}
	return d
}

func (s *Server) newSessionForm(w http.ResponseWriter, r *http.Request) {
	s.renderSpace(w, r, http.StatusOK, "space-session-form", spacePage{Title: "Nouvelle session",
		Values: map[string]string{"kind": string(kind.Atelier)}, Data: s.sessionFormData(nil)})
}

func (s *Server) editSessionForm(w http.ResponseWriter, r *http.Request, o store.SessionOverview) {
	v := s.overviewView(o)
	if v.Cancelled {
		s.renderSpace(w, r, http.StatusConflict, "space-error", spacePage{Title: "Session annulée",
			Message: "Cette session est annulée : elle ne peut plus être modifiée."})
		return
	}
	s.renderSpace(w, r, http.StatusOK, "space-session-form", spacePage{Title: "Modifier la session",
		Values: s.sessionValues(o.Session), Data: s.sessionFormData(&v)})
}

// sessionValues fills the form with a session, its times on its own clock.
func (s *Server) sessionValues(sess store.Session) map[string]string {
	loc := when.Zone(sess.Timezone, s.cfg.Location)
	v := map[string]string{
		"kind": string(sess.Kind), "title": sess.Title, "description": sess.Description,
		"starts_at": sess.StartsAt.In(loc).Format("2006-01-02T15:04"), "timezone": sess.Timezone,
		"location": sess.Location, "join_url": sess.JoinURL, "page_url": sess.PageURL, "contact": sess.Contact,
		"reminders": sess.Reminders,
	}
	if sess.EndsAt != nil {
		v["ends_at"] = sess.EndsAt.In(loc).Format("2006-01-02T15:04")
	}
	if sess.Accessible {
		v["accessible"] = "on"
	}
	if sess.Capacity != nil {
		v["capacity"] = strconv.Itoa(*sess.Capacity)
	}
	return v
}

// formChanges reads the session form: every field, as the API would take
// them, the times read on the session's clock. It returns every problem
// of the form at once, by field, in the form's order.
func (s *Server) formChanges(r *http.Request, organiserID int64) (map[string]string, store.SessionChanges, []*store.FieldError) {
	values := map[string]string{}
	for _, f := range sessionFields {
		values[f] = plainSpaces(r.PostFormValue(f))
	}
	str := func(name string) *string { v := values[name]; return &v }
	k := kind.Session(values["kind"])
	accessible := values["accessible"] != ""
	in := sessionInput{Kind: &k, Title: str("title"), Description: str("description"), Location: str("location"),
		JoinURL: str("join_url"), PageURL: str("page_url"), Contact: str("contact"), Timezone: str("timezone"),
		Accessible: &accessible, Reminders: str("reminders")}
	c, _ := readChanges(in, s.cfg.Location)
	loc := when.Zone(strings.TrimSpace(values["timezone"]), s.cfg.Location)
	var problems []*store.FieldError
	zero := 0
	c.Capacity = &zero // an empty field: no limit
	if raw := strings.TrimSpace(values["capacity"]); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			problems = append(problems, &store.FieldError{Field: "capacity", Message: "indiquez un nombre de places (1 ou plus), ou laissez vide pour ne pas limiter"})
		} else {
			c.Capacity = &n
		}
	}
	for _, f := range []struct {
		name string
		dst  **time.Time
	}{{"starts_at", &c.StartsAt}, {"ends_at", &c.EndsAt}} {
		raw := strings.TrimSpace(values[f.name])
		if raw == "" {
			continue
		}
		t, err := when.Parse(raw, loc)
		if err != nil {
			problems = append(problems, &store.FieldError{Field: f.name, Message: err.Error()})
			continue
		}
		*f.dst = &t
	}
	p := newSessionParams(c, organiserID, true)
	p.Normalize()
	for _, pr := range p.Problems() {
		field := formField(pr.Field)
		if !hasProblem(problems, field) {
			problems = append(problems, &store.FieldError{Field: field, Message: pr.Message})
		}
	}
	slices.SortStableFunc(problems, func(a, b *store.FieldError) int {
		return slices.Index(sessionFields, a.Field) - slices.Index(sessionFields, b.Field)
	})
	return values, c, problems
}

// formField is the form's name of a field the store names.
func formField(f string) string {
	switch f {
	case "start":
		return "starts_at"
	case "end":
		return "ends_at"
	}
	return f
}

func hasProblem(ps []*store.FieldError, field string) bool {
	return slices.ContainsFunc(ps, func(p *store.FieldError) bool { return p.Field == field })
}

// plainSpaces undoes the French spaces a page's typography put in a value
// sent back: what the person typed is stored as typed.
func plainSpaces(v string) string {
	return strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(v)
}

func (s *Server) createSession(w http.ResponseWriter, r *http.Request) {
	values, c, problems := s.formChanges(r, memberOf(r).OrganiserID)
	var sess store.Session
	var err error
	if len(problems) == 0 {
		sess, err = s.store.CreateSession(r.Context(), newSessionParams(c, memberOf(r).OrganiserID, false))
	}
	if s.formFailed(w, r, "Nouvelle session", values, problems, err, nil) {
		return
	}
	s.note(r, sess.ID, "création", sess.Title)
	http.Redirect(w, r, spacePath+"/sessions/"+strconv.FormatInt(sess.ID, 10)+"?fait=creee", http.StatusSeeOther)
}

func (s *Server) editSession(w http.ResponseWriter, r *http.Request, o store.SessionOverview) {
	values, c, problems := s.formChanges(r, 0)
	var moved bool
	var err error
	if len(problems) == 0 {
		_, moved, err = s.store.UpdateSession(r.Context(), o.ID, c)
	}
	v := s.overviewView(o)
	if s.formFailed(w, r, "Modifier la session", values, problems, err, &v) {
		return
	}
	detail := "informations"
	if moved {
		detail = "horaire changé : " + values["starts_at"]
	}
	s.note(r, o.ID, "modification", detail)
	http.Redirect(w, r, spacePath+"/sessions/"+strconv.FormatInt(o.ID, 10)+"?fait=modifiee", http.StatusSeeOther)
}

// formFailed shows the form again, with what is wrong next to each field
// at fault and in a summary at the top, when the form or the store
// refused it.
func (s *Server) formFailed(w http.ResponseWriter, r *http.Request, title string, values map[string]string,
	problems []*store.FieldError, err error, v *overviewView) bool {
	if len(problems) == 0 && err == nil {
		return false
	}
	if err != nil {
		field, msg, ok := store.Explain(err)
		if !ok {
			s.spaceServerError(w, r, err)
			return true
		}
		problems = append(problems, &store.FieldError{Field: formField(field), Message: msg})
	}
	p := spacePage{Title: title, Values: values, Data: s.sessionFormData(v)}
	for _, pr := range problems {
		p.setError(pr.Field, pr.Message)
	}
	s.renderSpace(w, r, http.StatusUnprocessableEntity, "space-session-form", p)
	return true
}

// setError puts one error on the page: next to its field, or in the
// summary only when no field is at fault.
func (p *spacePage) setError(field, msg string) {
	msg = capitalize(msg)
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	if field == "" {
		field = "_"
	}
	p.Errors[field] = msg
	p.ErrorList = append(p.ErrorList, fieldMessage{Field: field, Message: msg})
}

func capitalize(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

func (s *Server) cancelSessionForm(w http.ResponseWriter, r *http.Request, o store.SessionOverview) {
	v := s.overviewView(o)
	if v.Cancelled {
		http.Redirect(w, r, spacePath+"/sessions/"+strconv.FormatInt(o.ID, 10), http.StatusSeeOther)
		return
	}
	s.renderSpace(w, r, http.StatusOK, "space-cancel", spacePage{Title: "Annuler la session", Data: v})
}

func (s *Server) cancelSession(w http.ResponseWriter, r *http.Request, o store.SessionOverview) {
	_, err := s.store.CancelSession(r.Context(), o.ID)
	if err != nil && !errors.Is(err, store.ErrCancelled) {
		s.spaceServerError(w, r, err)
		return
	}
	if err == nil {
		s.note(r, o.ID, "annulation", templates.Plural(o.Confirmed, "personne prévenue", "personnes prévenues"))
	}
	http.Redirect(w, r, spacePath+"/sessions/"+strconv.FormatInt(o.ID, 10)+"?fait=annulee", http.StatusSeeOther)
}
