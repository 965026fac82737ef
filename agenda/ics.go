package agenda

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/dinum/rappel/kind"
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
// defaultKind; STATUS:CANCELLED marks the session cancelled. URL is the
// event's page, CONFERENCE the link to join.
func ParseICS(r io.Reader, source string, loc *time.Location, defaultKind string) (Programme, error) {
	cal, err := ics.ParseCalendar(io.LimitReader(r, 16<<20))
	if err != nil {
		return Programme{}, fmt.Errorf("calendrier iCalendar illisible : %v", err)
	}
	p := Programme{Source: source}
	for i, ev := range cal.Events() {
		e, err := readEvent(ev, loc, defaultKind)
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

func readEvent(ev *ics.VEvent, loc *time.Location, defaultKind string) (Entry, error) {
	var e Entry
	prop := func(name ics.ComponentProperty) string {
		if p := ev.GetProperty(name); p != nil {
			return strings.TrimSpace(p.Value)
		}
		return ""
	}
	summary := prop(ics.ComponentPropertySummary)
	e.Heading = summary
	e.Key = prop(ics.ComponentPropertyUniqueId)
	if e.Key == "" {
		return e, fmt.Errorf("l'événement n'a pas d'identifiant (UID)")
	}
	if ev.GetProperty(ics.ComponentPropertyRrule) != nil || ev.GetProperty(ics.ComponentPropertyRecurrenceId) != nil {
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
	if e.Start, err = eventTime(ev.GetProperty(ics.ComponentPropertyDtStart), loc); err != nil {
		return e, fmt.Errorf("début (DTSTART) : %v", err)
	}
	if p := ev.GetProperty(ics.ComponentPropertyDtEnd); p != nil {
		end, err := eventTime(p, loc)
		if err != nil {
			return e, fmt.Errorf("fin (DTEND) : %v", err)
		}
		if !end.After(e.Start) {
			return e, fmt.Errorf("la fin (DTEND) n'est pas après le début")
		}
		e.End = &end
	} else if p := ev.GetProperty(ics.ComponentPropertyDuration); p != nil {
		d, err := parseDuration(p.Value)
		if err != nil || d <= 0 {
			return e, fmt.Errorf("durée (DURATION) illisible")
		}
		end := e.Start.Add(d)
		e.End = &end
	}
	e.Description = prop(ics.ComponentPropertyDescription)
	e.Location = prop(ics.ComponentPropertyLocation)
	// URL is the event's page (RFC 5545); a way to join comes only from
	// a CONFERENCE (RFC 7986), as video services write it.
	e.PageURL = prop(ics.ComponentPropertyUrl)
	e.JoinURL = prop(ics.ComponentProperty("CONFERENCE"))
	e.Cancelled = strings.EqualFold(prop(ics.ComponentPropertyStatus), string(ics.ObjectStatusCancelled))
	e.Accessible = strings.Contains(strings.ToLower(e.Description+" "+e.Location), "mobilité réduite")
	return e, nil
}

// eventKind finds the kind of an event, and its title without the kind.
func eventKind(ev *ics.VEvent, summary, defaultKind string) (k kind.Session, title string) {
	title = summary
	if m := summaryKind.FindStringSubmatch(summary); m != nil {
		if found, ok := kindOf(m[1] + m[2]); ok {
			k, title = found, strings.TrimSpace(m[3])
		}
	}
	for _, p := range ev.GetProperties(ics.ComponentPropertyCategories) {
		for _, c := range strings.Split(p.Value, ",") {
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

// eventTime reads a DTSTART or DTEND: UTC ("…Z"), in the zone its TZID
// names (an IANA name, or a Windows one as Outlook writes), else in loc.
// A day without a time is refused, since a reminder needs the hour.
func eventTime(p *ics.IANAProperty, loc *time.Location) (time.Time, error) {
	if p == nil {
		return time.Time{}, fmt.Errorf("absent")
	}
	v := strings.TrimSpace(p.Value)
	if isDateOnly(p, v) {
		return time.Time{}, fmt.Errorf("journée entière sans heure : il faut l'heure de début")
	}
	if tzid := param(p, "TZID"); tzid != "" {
		name := strings.TrimPrefix(tzid, "/")
		zone, err := time.LoadLocation(name)
		if err != nil {
			iana, ok := windowsZones[name]
			if !ok {
				return time.Time{}, fmt.Errorf("fuseau horaire inconnu « %s »", tzid)
			}
			zone, _ = time.LoadLocation(iana)
		}
		loc = zone
	}
	var t time.Time
	var err error
	if strings.HasSuffix(v, "Z") {
		t, err = time.Parse("20060102T150405Z", v)
	} else {
		t, err = time.ParseInLocation("20060102T150405", v, loc)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("date illisible « %s »", v)
	}
	return t, nil
}

func isDateOnly(p *ics.IANAProperty, v string) bool {
	return strings.EqualFold(param(p, "VALUE"), "DATE") || len(v) == len("20060102")
}

// param is the first value of a property's parameter.
func param(p *ics.IANAProperty, name string) string {
	if vs := p.ICalParameters[name]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// durationRe reads an iCalendar DURATION (RFC 5545, 3.3.6): "PT1H30M",
// "P1D", "P2W", "P1DT2H".
var durationRe = regexp.MustCompile(`^([+-])?P(?:(\d+)W|(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?)$`)

func parseDuration(v string) (time.Duration, error) {
	m := durationRe.FindStringSubmatch(strings.TrimSpace(v))
	if m == nil || v == "P" || strings.HasSuffix(v, "T") {
		return 0, fmt.Errorf("unreadable duration %q", v)
	}
	var d time.Duration
	for i, unit := range []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute, time.Second} {
		if m[i+2] == "" {
			continue
		}
		n, err := strconv.Atoi(m[i+2])
		if err != nil || n > 1_000_000 {
			return 0, fmt.Errorf("unreadable duration %q", v)
		}
		d += time.Duration(n) * unit
	}
	if m[1] == "-" {
		d = -d
	}
	return d, nil
}
