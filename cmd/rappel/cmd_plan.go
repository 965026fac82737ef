package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/scheduler"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/when"
)

// cmdPlan lists, session by session and address by address, what will be
// sent and when, and who is excluded and why. What was decided is read as
// recorded; what is still to come is the scheduler's own decision
// (scheduler.Foresee), as if the worker ran from now on.
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
		byKey[rowKey(r.Email, r.Kind, r.ScheduleVersion)] = r
	}
	emails := make([]string, len(signups))
	for i, g := range signups {
		emails[i] = g.Email
	}
	failed, err := a.store.FailedAddresses(ctx, emails)
	if err != nil {
		return err
	}
	pl := planner{w: w, a: a, s: s, win: win, rows: byKey, failed: failed, now: time.Now()}
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
	// now is the moment of the forecast.
	now time.Time
	// failed holds the addresses a delivery failed for good, with why.
	failed map[string]string
}

func (p planner) at(t time.Time) string {
	return t.In(sessionZone(p.a, p.s)).Format("2006-01-02 15:04:05")
}

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
		if r, ok := p.rows[rowKey(g.Email, k, p.s.ScheduleVersion)]; ok && p.win.contains(r.DueAt) {
			lines = append(lines, p.recorded(r))
		}
	}
	for _, rem := range when.SetOr(p.s.Reminders, p.a.cfg.Reminders) {
		due := p.a.cfg.WorkingDays().DueAt(rem, p.s.StartsAt, sessionZone(p.a, p.s))
		if !p.win.contains(due) {
			continue
		}
		r, planned := p.rows[rowKey(g.Email, rem.Kind(), p.s.ScheduleVersion)]
		if planned && r.Status != store.DeliveryPending {
			lines = append(lines, p.recorded(r))
			continue
		}
		lines = append(lines, p.forecast(rem, scheduler.Foresee(p.situation(g, rem, due, planned, r))))
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

func rowKey(email string, k kind.Message, version int) string {
	return fmt.Sprintf("%s/%s/%d", email, k, version)
}

// situation gathers what the scheduler's rules need to know of one
// reminder of g: the plan asks them, and does not restate them.
func (p planner) situation(g store.Signup, rem when.Reminder, due time.Time, planned bool, r store.DeliveryReport) scheduler.Situation {
	s := scheduler.Situation{
		Now: p.now, Reminder: rem, Due: due, Start: p.s.StartsAt,
		Cancelled: p.s.Status == store.SessionCancelled, ScheduleChangedAt: p.s.ScheduleChangedAt,
		Confirmed: g.Status == store.SignupConfirmed, Planned: planned, Tried: planned && len(r.History) > 0,
	}
	if g.ConfirmedAt != nil {
		s.ConfirmedAt = *g.ConfirmedAt
	}
	for _, other := range when.SetOr(p.s.Reminders, p.a.cfg.Reminders) {
		if other.Kind() != rem.Kind() {
			s.OtherDues = append(s.OtherDues, p.a.cfg.WorkingDays().DueAt(other, p.s.StartsAt, sessionZone(p.a, p.s)))
		}
	}
	for v := 1; v < p.s.ScheduleVersion; v++ {
		old, ok := p.rows[rowKey(g.Email, rem.Kind(), v)]
		if ok && old.Status == store.DeliverySent && absDuration(due.Sub(old.DueAt)) < rem.Nominal() {
			s.AlreadySent = true
		}
	}
	return s
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// forecast says what the scheduler will do with a reminder still to come.
func (p planner) forecast(rem when.Reminder, o scheduler.Outlook) string {
	label := templates.MessageLabel(rem.Kind())
	if !o.Send {
		return label + " : exclu, " + templates.SkipReasons[o.Reason]
	}
	return fmt.Sprintf("%s : sera envoyé le %s", label, p.at(o.At))
}

// recorded says what became of a message already decided, or of a notice.
func (p planner) recorded(r store.DeliveryReport) string {
	label := templates.MessageLabel(r.Kind)
	switch r.Status {
	case store.DeliverySent:
		return fmt.Sprintf("%s : envoyé le %s", label, p.at(*r.SentAt))
	case store.DeliveryFailed:
		return label + " : échec définitif, " + deref(r.LastError)
	case store.DeliverySkipped:
		return label + " : exclu, " + templates.SkipReasons[deref(r.SkipReason)]
	}
	if r.Attempts > 0 {
		return fmt.Sprintf("%s : en attente d'une nouvelle tentative (%d échouée(s) : %s)", label, r.Attempts, deref(r.LastError))
	}
	return fmt.Sprintf("%s : sera envoyé le %s", label, p.at(r.DueAt))
}
