package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/when"
)

var sessionFields = flagSpec{
	values: []string{"kind", "title", "start", "end", "location", "join-url", "url", "page-url", "contact", "timezone", "description", "capacity", "reminders"},
	bools:  []string{"accessible", "not-accessible"},
}

func kindsList() []string { return kind.SessionValues() }

func cmdSessionAdd(ctx context.Context, a *app, args []string) error {
	p, err := parseFixed(args, sessionFields, 0, "")
	if err != nil {
		return err
	}
	for _, name := range []string{"kind", "title", "start"} {
		if _, err := p.required(name); err != nil {
			return err
		}
	}
	ch, err := sessionChanges(p, a.cfg.Location)
	if err != nil {
		return err
	}
	sess, err := a.store.CreateSession(ctx, store.SessionParams{
		Kind: *ch.Kind, Title: *ch.Title, StartsAt: *ch.StartsAt, EndsAt: ch.EndsAt,
		Description: deref(ch.Description), Location: deref(ch.Location), JoinURL: deref(ch.JoinURL),
		PageURL: deref(ch.PageURL), Contact: deref(ch.Contact), Timezone: deref(ch.Timezone),
		Accessible: ch.Accessible != nil && *ch.Accessible, Capacity: store.NoLimit(ch.Capacity), Reminders: deref(ch.Reminders),
	})
	if err != nil {
		return err
	}
	a.logger.Info("Session created.", "session_id", sess.ID)
	_, err = fmt.Fprintln(a.stdout, sess.ID)
	return err
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// sessionChanges reads the session options given, trimming the texts.
// Local times are read in --timezone when it is given, else in loc.
func sessionChanges(p parsedArgs, loc *time.Location) (store.SessionChanges, error) {
	var c store.SessionChanges
	text := func(name string) *string {
		if v, ok := p.values[name]; ok {
			v = strings.TrimSpace(v)
			return &v
		}
		return nil
	}
	c.Title, c.Location, c.Description = text("title"), text("location"), text("description")
	c.JoinURL, c.PageURL, c.Contact, c.Timezone = text("join-url"), text("page-url"), text("contact"), text("timezone")
	c.Reminders = text("reminders")
	if c.JoinURL == nil {
		c.JoinURL = text("url") // --join-url's former name
	}
	if c.Timezone != nil {
		loc = when.Zone(*c.Timezone, loc)
	}
	if k := text("kind"); k != nil {
		sk := kind.Session(*k)
		c.Kind = &sk
	}
	for _, f := range []struct {
		name string
		dst  **time.Time
	}{{"start", &c.StartsAt}, {"end", &c.EndsAt}} {
		if v, ok := p.values[f.name]; ok {
			t, err := when.Parse(v, loc)
			if err != nil {
				return c, usagef("--%s : %v", f.name, err)
			}
			*f.dst = &t
		}
	}
	if v, ok := p.values["capacity"]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if strings.TrimSpace(v) == "aucune" || strings.TrimSpace(v) == "none" {
			n, err = 0, nil
		}
		if err != nil || n < 0 {
			return c, usagef("--capacity : « %s » n'est pas un nombre de places (un entier ; 0 ou « aucune » : sans limite)", v)
		}
		c.Capacity = &n
	}
	switch {
	case p.bools["accessible"] && p.bools["not-accessible"]:
		return c, usagef("--accessible et --not-accessible s'excluent")
	case p.bools["accessible"]:
		c.Accessible = ptr(true)
	case p.bools["not-accessible"]:
		c.Accessible = ptr(false)
	}
	return c, nil
}

func ptr[T any](v T) *T { return &v }

// sessionID reads the NUMÉRO argument or the --session option.
func sessionID(v string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || id <= 0 {
		return 0, usagef("numéro de session invalide : « %s »", v)
	}
	return id, nil
}

// findSession reads a session, or says it does not exist.
func findSession(ctx context.Context, a *app, id int64) (store.Session, error) {
	s, err := a.store.SessionByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return s, &notFoundError{what: fmt.Sprintf("la session %d", id)}
	}
	return s, err
}

func cmdSessionList(ctx context.Context, a *app, args []string) error {
	p, err := parseFixed(args, flagSpec{bools: []string{"all"}}, 0, "")
	if err != nil {
		return err
	}
	sessions, err := a.store.Sessions(ctx, store.SessionFilter{IncludePast: p.bools["all"]})
	if err != nil {
		return err
	}
	if len(sessions) == 0 {
		_, err := fmt.Fprintln(a.stdout, "Aucune session à venir.")
		return err
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "N°\tTYPE\tDATE\tHEURES\tTITRE")
	for _, s := range sessions {
		start := s.StartsAt.In(a.cfg.Location)
		title := s.Title
		if s.Status == store.SessionCancelled {
			title = "[annulée] " + title
		}
		hours := start.Format("15:04")
		if s.EndsAt != nil {
			end := s.EndsAt.In(a.cfg.Location)
			if end.YearDay() == start.YearDay() && end.Year() == start.Year() {
				hours += "–" + end.Format("15:04")
			} else {
				hours += "–" + end.Format("02/01 15:04")
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", s.ID, s.Kind, start.Format("2006-01-02"), hours, title)
	}
	return tw.Flush()
}

func cmdSessionShow(ctx context.Context, a *app, args []string) error {
	_, id, err := sessionArg(args, flagSpec{})
	if err != nil {
		return err
	}
	s, err := findSession(ctx, a, id)
	if err != nil {
		return err
	}
	signups, err := a.store.Signups(ctx, id)
	if err != nil {
		return err
	}
	return printSession(a, s, signups)
}

func printSession(a *app, s store.Session, signups []store.Signup) error {
	w := a.stdout
	words := templates.Words(s.Kind)
	status := "prévue"
	if s.Status == store.SessionCancelled {
		status = "annulée"
	}
	counts := map[string]int{}
	for _, g := range signups {
		counts[g.Status]++
	}
	fmt.Fprintf(w, "Session %d — %s\n", s.ID, words.Label)
	fmt.Fprintf(w, "Titre : %s\n", s.Title)
	zone := sessionZone(a, s)
	fmt.Fprintf(w, "Quand : %s (%s)\n", templates.Span(s.StartsAt, s.EndsAt, zone), zone)
	if s.Location != "" {
		fmt.Fprintf(w, "Lieu : %s\n", s.Location)
		if s.Accessible {
			fmt.Fprintln(w, "Accessible aux personnes à mobilité réduite : oui")
		}
	}
	if s.JoinURL != "" {
		fmt.Fprintf(w, "Lien pour rejoindre : %s\n", s.JoinURL)
	}
	if s.PageURL != "" {
		fmt.Fprintf(w, "Page de l'événement : %s\n", s.PageURL)
	}
	switch {
	case s.Contact != "":
		fmt.Fprintf(w, "Contact : %s\n", s.Contact)
	case s.OrganiserContact != "":
		fmt.Fprintf(w, "Contact : %s (celui de l'organisateur)\n", s.OrganiserContact)
	case a.cfg.MailReplyTo != nil:
		fmt.Fprintf(w, "Contact : %s (MAIL_REPLY_TO)\n", a.cfg.MailReplyTo.String())
	default:
		fmt.Fprintln(w, "Contact : aucun (les messages ne nomment personne)")
	}
	if s.Reminders != "" {
		fmt.Fprintf(w, "Rappels : %s (ceux de la session)\n", s.Reminders)
	}
	fmt.Fprintf(w, "Statut : %s\n", status)
	fmt.Fprintf(w, "Inscriptions : %d confirmée(s), %d en attente, %d désinscrite(s)",
		counts[store.SignupConfirmed], counts[store.SignupPending], counts[store.SignupUnsubscribed])
	if s.Capacity != nil {
		free := max(*s.Capacity-counts[store.SignupConfirmed]-counts[store.SignupOffered], 0)
		fmt.Fprintf(w, ", %d en liste d'attente, %d avec une place offerte\n", counts[store.SignupWaitlisted], counts[store.SignupOffered])
		fmt.Fprintf(w, "Places : %d, dont %d libre(s)\n", *s.Capacity, free)
	} else {
		fmt.Fprintln(w)
	}
	if s.Description != "" {
		fmt.Fprintf(w, "Description :\n%s\n", s.Description)
	}
	return nil
}

func cmdSessionUpdate(ctx context.Context, a *app, args []string) error {
	p, id, err := sessionArg(args, sessionFields)
	if err != nil {
		return err
	}
	if len(p.values) == 0 && len(p.bools) == 0 {
		return usagef("rien à modifier : donnez au moins une option (--start, --title…)")
	}
	cur, err := findSession(ctx, a, id)
	if err != nil {
		return err
	}
	ch, err := sessionChanges(p, sessionZone(a, cur))
	if err != nil {
		return err
	}
	s, moved, err := a.store.UpdateSession(ctx, id, ch)
	if err != nil {
		return err
	}
	a.logger.Info("Session updated.", "session_id", id, "moved", moved)
	fmt.Fprintf(a.stdout, "Session %d modifiée.\n", s.ID)
	if moved {
		fmt.Fprintf(a.stdout, "Nouvel horaire : %s. Les rappels sont replanifiés pour cet horaire.\n",
			templates.Span(s.StartsAt, s.EndsAt, sessionZone(a, s)))
	}
	return nil
}

func cmdSessionCancel(ctx context.Context, a *app, args []string) error {
	_, id, err := sessionArg(args, flagSpec{})
	if err != nil {
		return err
	}
	if _, err := findSession(ctx, a, id); err != nil {
		return err
	}
	if _, err := a.store.CancelSession(ctx, id); err != nil {
		return err
	}
	a.logger.Info("Session cancelled.", "session_id", id)
	_, err = fmt.Fprintf(a.stdout, "Session %d annulée : aucun rappel ne sera plus envoyé pour elle.\n", id)
	return err
}

// sessionZone is the zone a session's times are read and written in: its
// own, else RAPPEL_TIMEZONE.
func sessionZone(a *app, s store.Session) *time.Location {
	return when.Zone(s.Timezone, a.cfg.Location)
}
