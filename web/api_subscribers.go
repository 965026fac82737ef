package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/dinum/rappel/csvimport"
	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/store"
)

type subscriberInput struct {
	Email string `json:"email"`
	Name  string `json:"name"`
}

type signupJSON struct {
	ID      int64  `json:"id"`
	Email   string `json:"email"`
	Name    string `json:"name"`
	Status  string `json:"status"`
	Created bool   `json:"created"`
}

// apiAddSubscriber signs one address up, confirmed, as an organiser does.
func (s *Server) apiAddSubscriber(w http.ResponseWriter, r *http.Request, sess store.Session) {
	var in subscriberInput
	if !readJSON(w, r, &in) {
		return
	}
	g, created, err := s.store.Subscribe(r.Context(), store.SubscribeParams{SessionID: sess.ID, Email: in.Email, Name: in.Name, Source: "api"})
	if err != nil {
		s.storeError(w, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, signupJSON{ID: g.ID, Email: g.Email, Name: g.Name, Status: g.Status, Created: created})
}

// importJSON is the report of an import.
type importJSON struct {
	Added        int        `json:"added"`
	Invited      int        `json:"invited"`
	Present      int        `json:"already_present"`
	Limited      []lineJSON `json:"limited"`
	Waitlisted   []lineJSON `json:"waitlisted"`
	Unsubscribed []lineJSON `json:"unsubscribed"`
	Duplicates   []lineJSON `json:"duplicates"`
	Rejected     []lineJSON `json:"rejected"`
}

type lineJSON struct {
	Line   int    `json:"line"`
	Email  string `json:"email,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// apiImport signs up a CSV list sent as the body; with ?confirm=true each
// new address is sent the double opt-in request instead.
func (s *Server) apiImport(w http.ResponseWriter, r *http.Request, sess store.Session) {
	r.Body = http.MaxBytesReader(w, r.Body, maxCSVBody)
	parsed, err := csvimport.Parse(r.Body)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		apiError(w, http.StatusRequestEntityTooLarge, "", fmt.Sprintf("fichier trop gros (%d Mio au plus)", maxCSVBody>>20))
		return
	case err != nil:
		apiError(w, http.StatusUnprocessableEntity, "", err.Error())
		return
	}
	var res store.ImportResult
	if r.URL.Query().Get("confirm") == "true" {
		res, err = s.store.ImportRequests(r.Context(), sess.ID, parsed.Rows, s.cfg.ConfirmsPerDay)
	} else {
		res, err = s.store.ImportSignups(r.Context(), sess.ID, parsed.Rows)
	}
	if err != nil {
		s.storeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, importReport(parsed, res))
}

func importReport(parsed csvimport.Result, res store.ImportResult) importJSON {
	out := importJSON{Added: len(res.Added), Invited: len(res.Invited), Present: len(res.Present),
		Limited: rows(res.Limited), Unsubscribed: rows(res.Unsubscribed), Waitlisted: rows(res.Waitlisted),
		Duplicates: []lineJSON{}, Rejected: []lineJSON{}}
	for _, d := range parsed.Duplicates {
		out.Duplicates = append(out.Duplicates, lineJSON{Line: d.Line, Reason: d.Reason})
	}
	for _, d := range parsed.Rejected {
		out.Rejected = append(out.Rejected, lineJSON{Line: d.Line, Reason: d.Reason})
	}
	return out
}

func rows(in []store.ImportRow) []lineJSON {
	out := make([]lineJSON, 0, len(in))
	for _, r := range in {
		out = append(out, lineJSON{Line: r.Line, Email: r.Email})
	}
	return out
}

// deliveryJSON is one message of the report: who, what, when, outcome.
type deliveryJSON struct {
	Email      string        `json:"email"`
	Kind       kind.Message  `json:"kind"`
	DueAt      time.Time     `json:"due_at"`
	Status     string        `json:"status"`
	SentAt     *time.Time    `json:"sent_at"`
	SkipReason *string       `json:"skip_reason"`
	LastError  *string       `json:"last_error"`
	Attempts   []attemptJSON `json:"attempts"`
}

type attemptJSON struct {
	At       time.Time `json:"at"`
	Outcome  string    `json:"outcome"`
	SMTPCode *int      `json:"smtp_code,omitempty"`
	Error    *string   `json:"error,omitempty"`
}

func (s *Server) apiDeliveries(w http.ResponseWriter, r *http.Request, sess store.Session) {
	reports, err := s.store.SessionDeliveries(r.Context(), sess.ID)
	if err != nil {
		s.apiServerError(w, err)
		return
	}
	out := make([]deliveryJSON, 0, len(reports))
	for _, d := range reports {
		j := deliveryJSON{Email: d.Email, Kind: d.Kind, DueAt: d.DueAt, Status: d.Status, SentAt: d.SentAt,
			SkipReason: d.SkipReason, LastError: d.LastError, Attempts: []attemptJSON{}}
		for _, a := range d.History {
			j.Attempts = append(j.Attempts, attemptJSON{At: a.At, Outcome: a.Outcome, SMTPCode: a.SMTPCode, Error: a.Error})
		}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, out)
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

// signupListJSON is a sign-up as the API lists it: who, where it stands,
// since when, and when the person left.
type signupListJSON struct {
	ID             int64      `json:"id"`
	Email          string     `json:"email"`
	Name           string     `json:"name"`
	Status         string     `json:"status"`
	Source         string     `json:"source"`
	CreatedAt      time.Time  `json:"created_at"`
	ConfirmedAt    *time.Time `json:"confirmed_at"`
	UnsubscribedAt *time.Time `json:"unsubscribed_at"`
}

// apiSignups lists the session's sign-ups.
func (s *Server) apiSignups(w http.ResponseWriter, r *http.Request, sess store.Session) {
	list, err := s.store.Signups(r.Context(), sess.ID)
	if err != nil {
		s.apiServerError(w, err)
		return
	}
	out := make([]signupListJSON, 0, len(list))
	for _, g := range list {
		out = append(out, signupListJSON{ID: g.ID, Email: g.Email, Name: g.Name, Status: g.Status, Source: g.Source,
			CreatedAt: g.CreatedAt, ConfirmedAt: g.ConfirmedAt, UnsubscribedAt: g.UnsubscribedAt})
	}
	writeJSON(w, http.StatusOK, out)
}
