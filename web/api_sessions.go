package web

import (
	"cmp"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/when"
)

// sessionJSON is a session as the API shows it.
type sessionJSON struct {
	ID              int64        `json:"id"`
	Kind            kind.Session `json:"kind"`
	Title           string       `json:"title"`
	Description     string       `json:"description"`
	Location        string       `json:"location"`
	JoinURL         string       `json:"join_url"`
	URL             string       `json:"url"` // join_url's former name, kept for clients
	PageURL         string       `json:"page_url"`
	Contact         string       `json:"contact"`
	Timezone        string       `json:"timezone"`
	StartsAt        time.Time    `json:"starts_at"`
	EndsAt          *time.Time   `json:"ends_at"`
	Accessible      bool         `json:"accessible"`
	Capacity        *int         `json:"capacity"`
	Reminders       string       `json:"reminders"`
	Status          string       `json:"status"`
	ScheduleVersion int          `json:"schedule_version"`
}

func toJSON(s store.Session) sessionJSON {
	return sessionJSON{
		ID: s.ID, Kind: s.Kind, Title: s.Title, Description: s.Description, Location: s.Location, JoinURL: s.JoinURL, URL: s.JoinURL,
		PageURL: s.PageURL, Contact: s.Contact, Timezone: s.Timezone,
		StartsAt: s.StartsAt, EndsAt: s.EndsAt, Accessible: s.Accessible, Capacity: s.Capacity, Reminders: s.Reminders, Status: s.Status, ScheduleVersion: s.ScheduleVersion,
	}
}

// sessionInput is what a client sends to create or change a session;
// absent fields are left as they are. Times are RFC 3339, or local times
// ("2021-11-17 17:00") read in the configured zone.
type sessionInput struct {
	Kind        *kind.Session `json:"kind"`
	Title       *string       `json:"title"`
	Description *string       `json:"description"`
	Location    *string       `json:"location"`
	JoinURL     *string       `json:"join_url"`
	URL         *string       `json:"url"` // join_url's former name
	PageURL     *string       `json:"page_url"`
	Contact     *string       `json:"contact"`
	Timezone    *string       `json:"timezone"`
	StartsAt    *string       `json:"starts_at"`
	EndsAt      *string       `json:"ends_at"`
	Accessible  *bool         `json:"accessible"`
	// Capacity is a number of places; 0 removes the limit.
	Capacity *int `json:"capacity"`
	// Reminders is the session's own set ("7d,1d,1h"); "" for REMINDERS.
	Reminders *string `json:"reminders"`
}

// changes reads the input, or answers 422 naming the field.
func (s *Server) changes(w http.ResponseWriter, in sessionInput) (store.SessionChanges, bool) {
	c, ferr := readChanges(in, s.cfg.Location)
	if ferr != nil {
		apiError(w, http.StatusUnprocessableEntity, ferr.Field, ferr.Message)
		return c, false
	}
	return c, true
}

// readChanges reads what a client sends for a session, times read in loc
// when they have no offset; the store checks the rest.
func readChanges(in sessionInput, loc *time.Location) (store.SessionChanges, *store.FieldError) {
	c := store.SessionChanges{Kind: in.Kind, Title: in.Title, Description: in.Description,
		Location: in.Location, JoinURL: cmp.Or(in.JoinURL, in.URL), PageURL: in.PageURL, Contact: in.Contact,
		Timezone: in.Timezone, Accessible: in.Accessible, Capacity: in.Capacity, Reminders: in.Reminders}
	for _, f := range []struct {
		name string
		raw  *string
		dst  **time.Time
	}{{"starts_at", in.StartsAt, &c.StartsAt}, {"ends_at", in.EndsAt, &c.EndsAt}} {
		if f.raw == nil {
			continue
		}
		t, err := when.Parse(*f.raw, loc)
		if err != nil {
			return c, &store.FieldError{Field: f.name, Message: err.Error()}
		}
		*f.dst = &t
	}
	for _, p := range []*string{c.Title, c.Description, c.Location, c.JoinURL, c.PageURL, c.Contact, c.Timezone, c.Reminders} {
		if p != nil {
			*p = strings.TrimSpace(*p)
		}
	}
	if c.Kind != nil {
		*c.Kind = kind.Session(strings.TrimSpace(string(*c.Kind)))
	}
	return c, nil
}

func (s *Server) apiSessions(w http.ResponseWriter, r *http.Request) {
	org := organiserOf(r)
	f := store.SessionFilter{IncludePast: r.URL.Query().Get("all") == "true"}
	if !org.IsAdmin {
		f.OrganiserID = &org.ID
	}
	sessions, err := s.store.Sessions(r.Context(), f)
	if err != nil {
		s.apiServerError(w, err)
		return
	}
	out := make([]sessionJSON, 0, len(sessions))
	for _, sess := range sessions {
		out = append(out, toJSON(sess))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiCreateSession(w http.ResponseWriter, r *http.Request) {
	var in sessionInput
	if !readJSON(w, r, &in) {
		return
	}
	c, ok := s.changes(w, in)
	if !ok {
		return
	}
	for name, missing := range map[string]bool{"kind": c.Kind == nil, "title": c.Title == nil, "starts_at": c.StartsAt == nil} {
		if missing {
			apiError(w, http.StatusUnprocessableEntity, name, "champ obligatoire absent : "+name)
			return
		}
	}
	org := organiserOf(r)
	sess, err := s.store.CreateSession(r.Context(), newSessionParams(c, org.ID, false))
	if err != nil {
		s.storeError(w, err)
		return
	}
	s.logger.Info("Session created through the API.", slog.Int64("session_id", sess.ID), slog.Int64("organiser_id", org.ID))
	w.Header().Set("Location", "/api/sessions/"+itoa(sess.ID))
	writeJSON(w, http.StatusCreated, toJSON(sess))
}

func (s *Server) apiSession(w http.ResponseWriter, _ *http.Request, sess store.Session) {
	writeJSON(w, http.StatusOK, toJSON(sess))
}

func (s *Server) apiUpdateSession(w http.ResponseWriter, r *http.Request, sess store.Session) {
	var in sessionInput
	if !readJSON(w, r, &in) {
		return
	}
	c, ok := s.changes(w, in)
	if !ok {
		return
	}
	updated, _, err := s.store.UpdateSession(r.Context(), sess.ID, c)
	if err != nil {
		s.storeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, toJSON(updated))
}

func (s *Server) apiCancelSession(w http.ResponseWriter, r *http.Request, sess store.Session) {
	cancelled, err := s.store.CancelSession(r.Context(), sess.ID)
	if err != nil {
		s.storeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, toJSON(cancelled))
}

// newSessionParams is the session of an organiser that changes describe;
// kind, title and start are given, but for a partial one (a form being
// checked), whose start may be missing.
func newSessionParams(c store.SessionChanges, organiserID int64, partial bool) store.SessionParams {
	var start time.Time
	if c.StartsAt != nil || !partial {
		start = *c.StartsAt
	}
	return store.SessionParams{
		Kind: *c.Kind, Title: *c.Title, StartsAt: start, EndsAt: c.EndsAt,
		Description: deref(c.Description), Location: deref(c.Location), JoinURL: deref(c.JoinURL),
		PageURL: deref(c.PageURL), Contact: deref(c.Contact), Timezone: deref(c.Timezone),
		Accessible: c.Accessible != nil && *c.Accessible, OrganiserID: &organiserID, Capacity: store.NoLimit(c.Capacity), Reminders: deref(c.Reminders),
	}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
