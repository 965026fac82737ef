package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/dinum/rappel/agenda"
)

// agendaReportJSON is what an agenda import did, or would do.
type agendaReportJSON struct {
	Source   string              `json:"source"`
	DryRun   bool                `json:"dry_run"`
	Changes  []agendaChangeJSON  `json:"changes"`
	Problems []agendaProblemJSON `json:"problems"`
	Notes    []agendaProblemJSON `json:"notes"`
}

type agendaChangeJSON struct {
	Action    string     `json:"action"`
	SessionID int64      `json:"session_id,omitempty"`
	Block     int        `json:"block,omitempty"`
	Title     string     `json:"title"`
	StartsAt  time.Time  `json:"starts_at"`
	EndsAt    *time.Time `json:"ends_at"`
	Fields    []string   `json:"fields,omitempty"`
	From      *time.Time `json:"previous_starts_at,omitempty"`
}

type agendaProblemJSON struct {
	Block   int    `json:"block"`
	Heading string `json:"heading"`
	Message string `json:"message"`
}

// apiAgendaImport imports an agenda post, or an iCalendar feed when the
// body is text/calendar, as the command "rappel agenda import" does; the
// sessions created belong to the organiser. ?dry_run=true says what would
// change; ?source= names the programme (required for a feed); ?kind= is
// the kind of a feed's events that give none.
func (s *Server) apiAgendaImport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCSVBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		apiError(w, http.StatusRequestEntityTooLarge, "", fmt.Sprintf("programme trop gros (%d Mio au plus)", maxCSVBody>>20))
		return
	case err != nil:
		apiError(w, http.StatusBadRequest, "", "corps de la requête illisible")
		return
	}
	source := strings.TrimSpace(q.Get("source"))
	var prog agenda.Programme
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "text/calendar" {
		if source == "" {
			apiError(w, http.StatusUnprocessableEntity, "source", "il faut nommer le calendrier (?source=…) pour le retrouver à l'import suivant")
			return
		}
		prog, err = agenda.ParseICS(bytes.NewReader(data), source, s.cfg.Location, q.Get("kind"))
	} else {
		prog, err = agenda.ParsePost(data, s.cfg.Location)
	}
	if err != nil {
		apiError(w, http.StatusUnprocessableEntity, "", err.Error())
		return
	}
	if source != "" {
		prog.Source = source
	}
	if prog.Source == "" {
		apiError(w, http.StatusUnprocessableEntity, "source", "l'article n'a pas de titre : nommer le programme (?source=…)")
		return
	}
	org := organiserOf(r)
	im := agenda.Importer{Store: s.store, OrganiserID: &org.ID}
	rep, err := im.Import(r.Context(), prog, agenda.Options{DryRun: q.Get("dry_run") == "true"})
	if err != nil {
		s.apiServerError(w, err)
		return
	}
	s.logger.Info("Agenda imported.", "organiser_id", org.ID, "created", rep.Count(agenda.Create),
		"rescheduled", rep.Count(agenda.Reschedule), "problems", len(rep.Problems), "dry_run", rep.DryRun)
	writeJSON(w, http.StatusOK, agendaReport(rep))
}

func agendaReport(rep agenda.Report) agendaReportJSON {
	out := agendaReportJSON{Source: rep.Source, DryRun: rep.DryRun, Changes: []agendaChangeJSON{},
		Problems: problemsJSON(rep.Problems), Notes: problemsJSON(rep.Notes)}
	for _, c := range rep.Changes {
		j := agendaChangeJSON{Action: string(c.Action), SessionID: c.Session.ID, Title: c.Session.Title,
			StartsAt: c.Session.StartsAt, EndsAt: c.Session.EndsAt, Fields: c.Fields}
		if c.Entry != nil {
			j.Block, j.Title, j.StartsAt, j.EndsAt = c.Entry.Block, c.Entry.Title, c.Entry.Start, c.Entry.End
		}
		if c.Action == agenda.Reschedule {
			from := c.From
			j.From = &from
		}
		out.Changes = append(out.Changes, j)
	}
	return out
}

func problemsJSON(ps []agenda.Problem) []agendaProblemJSON {
	out := make([]agendaProblemJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, agendaProblemJSON{Block: p.Block, Heading: p.Heading, Message: p.Message})
	}
	return out
}
