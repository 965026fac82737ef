package when

import (
	"fmt"
	"strings"
	"time"
)

// localLayouts are the local forms of a date and time people type.
var localLayouts = []string{
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
}

// Parse reads a date and time given by a person: RFC 3339 with its
// offset ("2021-11-17T17:00:00+01:00"), or a local time without one
// ("2021-11-17T17:00", "2021-11-17 17:00") read in loc with the rules of
// WallClock for the hours a DST change skips or repeats.
func Parse(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	t, err := parseWhen(s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("date « %s » illisible : attendu 2021-11-17T17:00, 2021-11-17 17:00 (heure de %s) ou RFC 3339", s, loc)
	}
	if y := t.UTC().Year(); y < minYear || y > maxYear {
		return time.Time{}, fmt.Errorf("date « %s » hors limites : l'année doit être entre %d et %d", s, minYear, maxYear)
	}
	return t, nil
}

// The years a session may take place in: anything else is a typing error.
const (
	minYear = 2000
	maxYear = 2199
)

func parseWhen(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range localLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return WallClock(loc, t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0), nil
		}
	}
	return time.Time{}, fmt.Errorf("unreadable time %q", s)
}
