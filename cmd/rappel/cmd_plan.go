package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/when"
)

// cmdPlan lists, session by session and address by address, what will be
// sent and when, and who is excluded and why. Reminders already planned
// are read as they stand; those the worker has not planned yet are
// computed with the same rules.
func cmdPlan(ctx context.Context, a *app, args []string) error {
	p, err := parseFixed(args, flagSpec{values: []string{"session", "from", "to"}}, 0, "")
	if err != nil {
		return err
	}
	win, err := planWindow(p, a)
	if err != nil {
		return err
	}
	sessions, err := planSessions(ctx, a, p)
	if err != nil {
		return err
	}
	if len(sessions) == 0 {
		_, err := fmt.Fprintln(a.stdout, "Aucune session à venir.")
		return err
	}
	for _, s := range sessions {
		if err := planSession(ctx, a, s, win); err != nil {
			return err
		}
	}
	return nil
}

// window is the span of send times shown.
type window struct{ from, to time.Time }

func (w window) contains(t time.Time) bool {
	return !t.Before(w.from) && (w.to.IsZero() || t.Before(w.to))
}

func planWindow(p parsedArgs, a *app) (window, error) {
	w := window{from: time.Now()}
	for name, dst := range map[string]*time.Time{"from": &w.from, "to": &w.to} {
		if v, ok := p.values[name]; ok {
			t, err := when.Parse(v, a.cfg.Location)
			if err != nil {
				return w, usagef("--%s : %v", name, err)
			}
			*dst = t
		}
	}
	return w, nil
}

func planSessions(ctx context.Context, a *app, p parsedArgs) ([]store.Session, error) {
	if !p.has("session") {
		return a.store.Sessions(ctx, store.SessionFilter{})
	}
	id, err := p.sessionOption()
	if err != nil {
		return nil, err
	}
	s, err := findSession(ctx, a, id)
	return []store.Session{s}, err
}

func planSession(ctx context.Context, a *app, s store.Session, win window) error {
	signups, err := a.store.Signups(ctx, s.ID)
	if err != nil {
		return err
	}
	rows, err := a.store.SessionDeliveries(ctx, s.ID)
	if err != nil {
		return err
	}
	w := a.stdout
	fmt.Fprintf(w, "\nSession %d — %s « %s », %s\n", s.ID, templates.Words(s.Kind).Label, s.Title,
		templates.Span(s.StartsAt, s.EndsAt, a.cfg.Location))
	if s.Status == store.SessionCancelled {
		fmt.Fprintln(w, "  Session annulée : aucun rappel ne sera envoyé.")
	}
	if len(signups) == 0 {
		fmt.Fprintln(w, "  Aucune inscription.")
	}
	byKey := map[string]store.DeliveryReport{}
	for _, r := range rows {
		byKey[fmt.Sprintf("%s/%s/%d", r.Email, r.Kind, r.ScheduleVersion)] = r
	}
	emails := make([]string, len(signups))
	for i, g := range signups {
		emails[i] = g.Email
	}
	failed, err := a.store.FailedAddresses(ctx, emails)
	if err != nil {
		return err
	}
	pl := planner{w: w, a: a, s: s, win: win, rows: byKey, failed: failed}
	for _, g := range signups {
		pl.signup(g)
	}
	return nil
}

// planner writes one session's plan.
type planner struct {
	w    io.Writer
	a    *app
	s    store.Session
	win  window
	rows map[string]store.DeliveryReport
	// failed holds the addresses a delivery failed for good, with why.
	failed map[string]string
}

func (p planner) at(t time.Time) string { return t.In(p.a.cfg.Location).Format("2006-01-02 15:04:05") }

func (p planner) signup(g store.Signup) {
	switch g.Status {
	case store.SignupPending:
		fmt.Fprintf(p.w, "  %s : exclue, inscription pas encore confirmée\n", g.Email)
		return
	case store.SignupUnsubscribed:
		fmt.Fprintf(p.w, "  %s : exclue, désinscrite le %s\n", g.Email, p.at(*g.UnsubscribedAt))
		return
	}
	var lines []string
	for _, k := range []kind.Message{kind.Cancellation, kind.Reschedule} {
		if r, ok := p.rows[fmt.Sprintf("%s/%s/%d", g.Email, k, p.s.ScheduleVersion)]; ok && p.win.contains(r.DueAt) {
			lines = append(lines, p.line(g, r.Kind, r.DueAt, &r))
		}
	}
	for _, rem := range p.a.cfg.Reminders {
		due := rem.DueAt(p.s.StartsAt, p.a.cfg.Location)
		r, planned := p.rows[fmt.Sprintf("%s/%s/%d", g.Email, rem.Kind(), p.s.ScheduleVersion)]
		if !p.win.contains(due) {
			continue
		}
		if planned {
			lines = append(lines, p.line(g, rem.Kind(), due, &r))
		} else {
			lines = append(lines, p.line(g, rem.Kind(), due, nil))
		}
	}
	if len(lines) == 0 {
		fmt.Fprintf(p.w, "  %s : rien dans la période\n", g.Email)
		return
	}
	fmt.Fprintf(p.w, "  %s\n", g.Email)
	if reason, ok := p.failed[g.Email]; ok {
		fmt.Fprintf(p.w, "    attention : un envoi précédent à cette adresse a échoué définitivement (%s)\n", reason)
	}
	for _, l := range lines {
		fmt.Fprintf(p.w, "    %s\n", l)
	}
}

// line says what becomes of one message: as recorded when it is planned,
// computed with the worker's rules when it is not yet.
func (p planner) line(g store.Signup, k kind.Message, due time.Time, r *store.DeliveryReport) string {
	label := kindLabel(k)
	if r == nil {
		switch {
		case p.s.Status == store.SessionCancelled:
			return label + " : exclu, session annulée"
		case !due.After(p.s.ScheduleChangedAt) || (g.ConfirmedAt != nil && !due.After(*g.ConfirmedAt)):
			return label + " : exclu, " + reasonLabels[store.ReasonPastAtSignup]
		case !due.After(time.Now()):
			return label + " : exclu, trop tard (l'heure prévue est passée)"
		}
		return fmt.Sprintf("%s : sera envoyé le %s", label, p.at(due))
	}
	switch r.Status {
	case store.DeliverySent:
		return fmt.Sprintf("%s : envoyé le %s", label, p.at(*r.SentAt))
	case store.DeliveryFailed:
		return label + " : échec définitif, " + deref(r.LastError)
	case store.DeliverySkipped:
		return label + " : exclu, " + reasonLabels[deref(r.SkipReason)]
	}
	if r.Attempts > 0 {
		return fmt.Sprintf("%s : en attente d'une nouvelle tentative (%d échouée(s) : %s)", label, r.Attempts, deref(r.LastError))
	}
	return fmt.Sprintf("%s : sera envoyé le %s", label, p.at(r.DueAt))
}
