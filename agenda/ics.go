package agenda

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/emersion/go-ical"
)

// windowsZones maps the zone names Outlook and Exchange write in TZID to
// IANA names, for the zones of France and its neighbours.
var windowsZones = map[string]string{
	"Romance Standard Time":        "Europe/Paris",
	"W. Europe Standard Time":      "Europe/Berlin",
	"Central Europe Standard Time": "Europe/Budapest",
	"GMT Standard Time":            "Europe/London",
	"UTC":                          "UTC",
}

// summaryKind reads a kind written at the start of a SUMMARY:
// "[Atelier] Titre" or "Atelier : Titre".
var summaryKind = regexp.MustCompile(`^\s*(?:\[([^\]]+)\]|([^:\[]{3,40}?)\s*:)\s*(.+)$`)

// ParseICS reads an iCalendar feed: one session per VEVENT, keyed by its
// UID, in loc unless its times name their zone. The kind comes from the
// event's CATEGORIES, else from its SUMMARY ("[Atelier] Titre"), else is
// defaultKind; STATUS:CANCELLED marks the session cancelled.
func ParseICS(r io.Reader, source string, loc *time.Location, defaultKind string) (Programme, error) {
	cal, err := ical.NewDecoder(io.LimitReader(r, 16<<20)).Decode()
	if err != nil {
		return Programme{}, fmt.Errorf("calendrier iCalendar illisible : %v", err)
	}
	p := Programme{Source: source}
	for i, ev := range cal.Events() {
		e, err := readEvent(&ev, loc, defaultKind)
		e.Block = i + 1
		if err != nil {
			p.Problems = append(p.Problems, Problem{Block: e.Block, Heading: e.Heading, Message: err.Error()})
			continue
		}
		if e.End == nil {
			p.Notes = append(p.Notes, Problem{Block: e.Block, Heading: e.Heading, Message: "pas d'heure de fin : la session est importée sans fin"})
		}
		p.Entries = append(p.Entries, e)
	}
	if len(p.Entries)+len(p.Problems) == 0 {
		return p, fmt.Errorf("le calendrier ne contient aucun événement (VEVENT)")
	}
	return p, nil
}

func readEvent(ev *ical.Event, loc *time.Location, defaultKind string) (Entry, error) {
	var e Entry
	prop := func(name string) string {
		v, _ := ev.Props.Text(name)
		return strings.TrimSpace(v)
	}
	summary := prop(ical.PropSummary)
	e.Heading = summary
	e.Key = prop(ical.PropUID)
	if e.Key == "" {
		return e, fmt.Errorf("l'événement n'a pas d'identifiant (UID)")
	}
	if ev.Props.Get(ical.PropRecurrenceRule) != nil || ev.Props.Get(ical.PropRecurrenceID) != nil {
		return e, fmt.Errorf("événement récurrent (RRULE) : non pris en charge, publier un événement par date")
	}
	e.Kind, e.Title = eventKind(ev, summary, defaultKind)
	if e.Title == "" {
		return e, fmt.Errorf("l'événement n'a pas de titre (SUMMARY)")
	}
	if e.Kind == "" {
		return e, fmt.Errorf("type de session introuvable : à donner dans CATEGORIES, au début du titre (« [Atelier] … ») ou par --kind (attendus : %s)", kindNames())
	}
	var err error
	if e.Start, err = eventTime(ev.Props.Get(ical.PropDateTimeStart), loc); err != nil {
		return e, fmt.Errorf("début (DTSTART) : %v", err)
	}
	if p := ev.Props.Get(ical.PropDateTimeEnd); p != nil {
		end, err := eventTime(p, loc)
		if err != nil {
			return e, fmt.Errorf("fin (DTEND) : %v", err)
		}
		if !end.After(e.Start) {
			return e, fmt.Errorf("la fin (DTEND) n'est pas après le début")
		}
		e.End = &end
	} else if p := ev.Props.Get(ical.PropDuration); p != nil {
		d, err := p.Duration()
		if err != nil || d <= 0 {
			return e, fmt.Errorf("durée (DURATION) illisible")
		}
		end := e.Start.Add(d)
		e.End = &end
	}
	e.Description = prop(ical.PropDescription)
	e.Location = prop(ical.PropLocation)
	if p := ev.Props.Get(ical.PropURL); p != nil {
		e.URL = strings.TrimSpace(p.Value) // a URI value, which Text refuses
	}
	status, _ := ev.Status()
	e.Cancelled = status == ical.EventCancelled
	e.Accessible = strings.Contains(strings.ToLower(e.Description+" "+e.Location), "mobilité réduite")
	return e, nil
}

// eventKind finds the kind of an event, and its title without the kind.
func eventKind(ev *ical.Event, summary, defaultKind string) (k kind.Session, title string) {
	title = summary
	if m := summaryKind.FindStringSubmatch(summary); m != nil {
		if found, ok := kindOf(m[1] + m[2]); ok {
			k, title = found, strings.TrimSpace(m[3])
		}
	}
	for _, p := range ev.Props.Values(ical.PropCategories) {
		list, _ := p.TextList()
		for _, c := range list {
			if found, ok := kindOf(c); ok && k == "" {
				k = found
			}
		}
	}
	if k == "" {
		if found, ok := kindOf(defaultKind); ok {
			k = found
		}
	}
	return k, title
}

// eventTime reads a DTSTART or DTEND; a day without a time is refused,
// since a reminder needs the hour.
func eventTime(p *ical.Prop, loc *time.Location) (time.Time, error) {
	if p == nil {
		return time.Time{}, fmt.Errorf("absent")
	}
	if p.ValueType() == ical.ValueDate || len(p.Value) == len("20060102") {
		return time.Time{}, fmt.Errorf("journée entière sans heure : il faut l'heure de début")
	}
	if tzid := p.Params.Get(ical.PropTimezoneID); tzid != "" {
		name := strings.TrimPrefix(tzid, "/")
		if _, err := time.LoadLocation(name); err != nil {
			iana, ok := windowsZones[name]
			if !ok {
				return time.Time{}, fmt.Errorf("fuseau horaire inconnu « %s »", tzid)
			}
			p.Params.Set(ical.PropTimezoneID, iana)
		}
	}
	t, err := p.DateTime(loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("date illisible « %s »", p.Value)
	}
	return t, nil
}
