package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dinum/rappel/agenda"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/when"
)

var agendaFlags = flagSpec{
	values: []string{"kind", "source", "move-to"},
	bools:  []string{"ics", "dry-run"},
}

// cmdAgendaImport imports an agenda post or, with --ics, an iCalendar
// feed, from a file or an address.
func cmdAgendaImport(ctx context.Context, a *app, args []string) error {
	p, err := parseFixed(args, agendaFlags, 1, "l'article d'agenda ou le calendrier (fichier ou adresse https://)")
	if err != nil {
		return err
	}
	from := p.positional[0]
	prog, err := readProgramme(ctx, a, from, p.bools["ics"], p.values["kind"])
	if err != nil {
		return err
	}
	if s := strings.TrimSpace(p.values["source"]); s != "" {
		prog.Source = s
	}
	if v, ok := p.values["move-to"]; ok {
		first, err := when.Parse(v, a.cfg.Location)
		if err != nil {
			return usagef("--move-to : %v", err)
		}
		prog.MoveTo(first, a.cfg.Location)
	}
	im := agenda.Importer{Store: a.store}
	rep, err := im.Import(ctx, prog, agenda.Options{DryRun: p.bools["dry-run"]})
	if err != nil {
		return err
	}
	a.logger.Info("Agenda imported.", "created", rep.Count(agenda.Create), "updated", rep.Count(agenda.Update),
		"rescheduled", rep.Count(agenda.Reschedule), "cancelled", rep.Count(agenda.Cancel),
		"missing", rep.Count(agenda.Missing), "problems", len(rep.Problems), "dry_run", rep.DryRun)
	printAgendaReport(a.stdout, a, rep)
	return nil
}

func readProgramme(ctx context.Context, a *app, from string, ics bool, kind string) (agenda.Programme, error) {
	data, err := agenda.Read(ctx, nil, from)
	if err != nil {
		return agenda.Programme{}, fmt.Errorf("%s : %w", from, err)
	}
	var prog agenda.Programme
	if ics {
		prog, err = agenda.ParseICS(strings.NewReader(string(data)), from, a.cfg.Location, kind)
	} else {
		if kind != "" {
			return prog, usagef("--kind ne sert qu'avec --ics : dans un article, chaque session donne son type")
		}
		prog, err = agenda.ParsePost(data, a.cfg.Location)
	}
	if err != nil {
		return prog, fmt.Errorf("%s : %w", from, err)
	}
	if prog.Source == "" {
		prog.Source = filepath.Base(from)
	}
	return prog, nil
}

// actionWords are the report's words for each action.
var actionWords = map[agenda.Action][2]string{
	agenda.Create:     {"créée", "à créer"},
	agenda.Update:     {"modifiée", "à modifier"},
	agenda.Reschedule: {"déplacée", "à déplacer"},
	agenda.Cancel:     {"annulée", "à annuler"},
	agenda.Unchanged:  {"inchangée", "inchangée"},
	agenda.Kept:       {"laissée annulée", "laissée annulée"},
	agenda.Missing:    {"absente du programme", "absente du programme"},
}

func printAgendaReport(w io.Writer, a *app, rep agenda.Report) {
	fmt.Fprintf(w, "Programme « %s » :\n", rep.Source)
	loc := a.cfg.Location
	word := 0
	if rep.DryRun {
		word = 1
	}
	for _, c := range rep.Changes {
		s := c.Session
		title, start, end, id := s.Title, s.StartsAt, s.EndsAt, fmt.Sprintf("n° %d", s.ID)
		if c.Entry != nil {
			title, start, end = c.Entry.Title, c.Entry.Start, c.Entry.End
		}
		if s.ID == 0 {
			id = "nouvelle"
		}
		fmt.Fprintf(w, "  %-20s %-9s %s — %s\n", actionWords[c.Action][word], id, templates.Span(start, end, loc), title)
		switch c.Action {
		case agenda.Reschedule:
			fmt.Fprintf(w, "      avant : %s ; les inscrits reçoivent l'avis de changement\n", templates.Span(c.From, nil, loc))
			if others := without(c.Fields, "début", "fin"); len(others) > 0 {
				fmt.Fprintf(w, "      modifié aussi : %s\n", strings.Join(others, ", "))
			}
		case agenda.Update:
			fmt.Fprintf(w, "      modifié : %s\n", strings.Join(c.Fields, ", "))
		case agenda.Missing:
			fmt.Fprintf(w, "      n'est plus dans le programme ; elle n'est pas annulée (rappel session cancel %d pour l'annuler)\n", s.ID)
		case agenda.Kept:
			fmt.Fprintf(w, "      annulée dans rappel, toujours au programme : laissée annulée\n")
		}
	}
	summary := []string{}
	for _, x := range []agenda.Action{agenda.Create, agenda.Update, agenda.Reschedule, agenda.Cancel, agenda.Unchanged, agenda.Missing} {
		if n := rep.Count(x); n > 0 {
			summary = append(summary, fmt.Sprintf("%s : %d", actionWords[x][word], n))
		}
	}
	if len(summary) > 0 {
		fmt.Fprintf(w, "  En tout — %s.\n", strings.Join(summary, ", "))
	}
	printProblems(w, "Remarques :", rep.Notes)
	printProblems(w, "Non importés :", rep.Problems)
	if rep.DryRun {
		fmt.Fprintln(w, "Simulation (--dry-run) : rien n'a été modifié.")
	}
}

func printProblems(w io.Writer, title string, ps []agenda.Problem) {
	if len(ps) == 0 {
		return
	}
	fmt.Fprintln(w, title)
	for _, p := range ps {
		fmt.Fprintf(w, "  bloc %d « %s » : %s\n", p.Block, templates.Truncate(p.Heading, 90), p.Message)
	}
}

func without(list []string, drop ...string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(drop, s) {
			out = append(out, s)
		}
	}
	return out
}
