package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dinum/rappel/scheduler"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
)

func cmdDeliveries(ctx context.Context, a *app, args []string) error {
	p, err := parseFixed(args, flagSpec{values: []string{"session"}}, 0, "")
	if err != nil {
		return err
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
	fmt.Fprintf(a.stdout, "Envois de la session %d « %s » (heures de %s) :\n", sess.ID, sess.Title, a.cfg.Location)
	if len(rows) == 0 {
		_, err := fmt.Fprintln(a.stdout, "Aucun envoi prévu pour l'instant.")
		return err
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DESTINATAIRE\tMESSAGE\tPRÉVU\tÉTAT")
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.Status]++
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Email, kindLabel(r.Kind),
			r.DueAt.In(a.cfg.Location).Format("2006-01-02 15:04:05"), deliveryState(r, a.cfg.Location))
	}
	tw.Flush()
	_, err = fmt.Fprintf(a.stdout, "Total : %d envoyé(s), %d en attente, %d en échec, %d non envoyé(s).\n",
		counts[store.DeliverySent], counts[store.DeliveryPending], counts[store.DeliveryFailed], counts[store.DeliverySkipped])
	return err
}

// kindLabel names a message kind for an organiser.
func kindLabel(kind string) string {
	switch {
	case kind == "j1":
		return "rappel la veille"
	case kind == "h1":
		return "rappel une heure avant"
	case strings.HasPrefix(kind, "reminder-"):
		r, err := scheduler.ParseReminder(strings.TrimPrefix(kind, "reminder-"))
		if err != nil {
			return kind
		}
		if r.Days > 0 {
			return "rappel " + templates.Duration(time.Duration(r.Days)*24*time.Hour) + " avant, à la même heure"
		}
		return "rappel " + templates.Duration(r.Duration) + " avant"
	}
	return kind
}

// reasonLabels says why a message was not sent, in an organiser's words.
var reasonLabels = map[string]string{
	store.ReasonPastAtSignup:     "inscription après l'heure de ce rappel",
	store.ReasonSessionStarted:   "la session avait déjà commencé",
	store.ReasonTooLate:          "trop tard (service arrêté au moment prévu)",
	store.ReasonSuperseded:       "remplacé par le rappel suivant, plus proche",
	store.ReasonSessionChanged:   "session annulée ou déplacée",
	store.ReasonSessionCancelled: "session annulée",
	store.ReasonRescheduled:      "session déplacée : rappel refait pour le nouvel horaire",
	store.ReasonUnsubscribed:     "désinscription",
}

func deliveryState(r store.DeliveryReport, loc *time.Location) string {
	switch r.Status {
	case store.DeliverySent:
		late := r.SentAt.Sub(r.DueAt)
		return fmt.Sprintf("envoyé le %s (%s après l'heure prévue)", r.SentAt.In(loc).Format("2006-01-02 15:04:05"), templates.Duration(late))
	case store.DeliveryFailed:
		return fmt.Sprintf("échec après %d tentative(s) : %s", r.Attempts, deref(r.LastError))
	case store.DeliverySkipped:
		return "non envoyé : " + reasonLabels[deref(r.SkipReason)]
	}
	if r.Attempts > 0 {
		return fmt.Sprintf("en attente (%d tentative(s) échouée(s) : %s)", r.Attempts, deref(r.LastError))
	}
	return "en attente"
}
