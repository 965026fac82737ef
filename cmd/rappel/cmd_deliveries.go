package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/dinum/rappel/csvimport"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
)

func cmdDeliveries(ctx context.Context, a *app, args []string) error {
	p, err := parseFixed(args, flagSpec{values: []string{"session", "format"}}, 0, "")
	if err != nil {
		return err
	}
	format := p.values["format"]
	if format != "" && format != "text" && format != "csv" {
		return usagef("--format : « %s » n'est pas possible (text ou csv)", format)
	}
	id, err := p.sessionOption()
	if err != nil {
		return err
	}
	sess, err := findSession(ctx, a, id)
	if err != nil {
		return err
	}
	rows, err := a.store.SessionDeliveries(ctx, id)
	if err != nil {
		return err
	}
	if format == "csv" {
		return deliveriesCSV(a, rows)
	}
	w := a.stdout
	fmt.Fprintf(w, "Envois de la session %d « %s » (heures de %s) :\n", sess.ID, sess.Title, a.cfg.Location)
	if len(rows) == 0 {
		_, err := fmt.Fprintln(w, "Aucun envoi prévu pour l'instant.")
		return err
	}
	r := reporter{w: w, loc: a.cfg.Location}
	counts := map[string]int{}
	for i, row := range rows {
		counts[row.Status]++
		if i == 0 || rows[i-1].Email != row.Email {
			fmt.Fprintf(w, "\n%s\n", row.Email)
		}
		r.delivery(row)
	}
	_, err = fmt.Fprintf(w, "\nTotal : %d envoyé(s), %d en attente, %d en échec, %d non envoyé(s).\n",
		counts[store.DeliverySent], counts[store.DeliveryPending], counts[store.DeliveryFailed], counts[store.DeliverySkipped])
	return err
}

// reporter writes a delivery and its attempts in an organiser's words.
type reporter struct {
	w   io.Writer
	loc *time.Location
}

func (r reporter) at(t time.Time) string { return t.In(r.loc).Format("2006-01-02 15:04:05") }

func (r reporter) delivery(d store.DeliveryReport) {
	fmt.Fprintf(r.w, "  %s, prévu le %s : %s\n", templates.MessageLabel(d.Kind), r.at(d.DueAt), r.state(d))
	if len(d.History) > 1 || (len(d.History) == 1 && d.Status != store.DeliverySent) {
		for _, a := range d.History {
			fmt.Fprintf(r.w, "      %s  %s\n", r.at(a.At), attemptLabel(a))
		}
	}
}

// state is the final state of a delivery, or where it stands.
func (r reporter) state(d store.DeliveryReport) string {
	switch d.Status {
	case store.DeliverySent:
		s := fmt.Sprintf("envoyé le %s (%s après l'heure prévue)", r.at(*d.SentAt), templates.Duration(d.SentAt.Sub(d.DueAt)))
		if n := len(d.History); n > 1 {
			s += fmt.Sprintf(", à la tentative n° %d", n)
		}
		return s
	case store.DeliveryFailed:
		return "échec définitif : " + deref(d.LastError)
	case store.DeliverySkipped:
		reason := deref(d.SkipReason)
		s := "non envoyé : " + templates.SkipReasons[reason]
		if reason == store.ReasonTooLate && d.DecidedAt != nil {
			s += fmt.Sprintf(" (%s de retard)", templates.Duration(d.DecidedAt.Sub(d.DueAt).Round(time.Second)))
		}
		return s
	}
	if len(d.History) > 0 {
		return "en attente d'une nouvelle tentative"
	}
	return "en attente"
}

// attemptLabel says what one attempt gave.
func attemptLabel(a store.AttemptReport) string {
	label := templates.AttemptOutcomes[a.Outcome]
	if a.Error != nil {
		label += " : " + *a.Error
	}
	return label
}

// deliveriesCSV writes the report for a spreadsheet, one line a message.
func deliveriesCSV(a *app, rows []store.DeliveryReport) error {
	w, err := csvimport.NewWriter(a.stdout)
	if err != nil {
		return err
	}
	r := reporter{loc: a.cfg.Location}
	if err := w.Write("adresse", "nom", "message", "prévu le", "état", "envoyé le", "tentatives", "détail"); err != nil {
		return err
	}
	for _, d := range rows {
		sent := ""
		if d.SentAt != nil {
			sent = r.at(*d.SentAt)
		}
		if err := w.Write(d.Email, d.Name, templates.MessageLabel(d.Kind), r.at(d.DueAt), statusLabels[d.Status], sent,
			strconv.Itoa(d.Attempts), r.state(d)); err != nil {
			return err
		}
	}
	return w.Flush()
}

var statusLabels = map[string]string{
	store.DeliveryPending: "en attente",
	store.DeliverySent:    "envoyé",
	store.DeliveryFailed:  "échec",
	store.DeliverySkipped: "non envoyé",
}
