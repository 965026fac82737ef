// Package when is rappel's vocabulary of time: the reminders and their
// offsets ("1d" is the same wall-clock time the day before, "1h" exactly
// sixty minutes), how a local wall-clock time becomes an instant across
// the DST changes, and how the dates people type are read. It decides
// nothing: the scheduler decides when a message leaves, with these words;
// the configuration, the importers and the pages read and write them.
package when

import (
	"errors"
	"fmt"
	"github.com/dinum/rappel/kind"
	"strconv"
	"strings"
	"time"
)

// Reminder is one configured reminder offset, such as "1d" (the same local
// wall-clock time on the previous calendar day) or "1h" (exactly sixty
// minutes before the start).
type Reminder struct {
	// Days is a number of calendar days before the start, at the same local
	// time. When Days is set, Duration is zero.
	Days int
	// Duration is an exact duration before the start.
	Duration time.Duration
	// MaxLate is how late a reminder may still be sent after its due time,
	// for instance after a downtime.
	MaxLate time.Duration
}

// DefaultReminders is the reminder set of DESIGN.md: the day before and one
// hour before.
const DefaultReminders = "1d,1h"

// maxDefaultLateness caps the default lateness limit of long offsets.
const maxDefaultLateness = 6 * time.Hour

// ParseReminder reads one offset written as "1d", "2h", "90m" or "1h30m".
func ParseReminder(s string) (Reminder, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Reminder{}, errors.New("délai vide")
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 1 || days > 60 {
			return Reminder{}, fmt.Errorf("%q : nombre de jours invalide (de 1d à 60d)", s)
		}
		r := Reminder{Days: days}
		r.MaxLate = r.defaultMaxLate()
		return r, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || strings.ContainsAny(s, "sµnu") {
		return Reminder{}, fmt.Errorf("%q : délai invalide (exemples : 1d, 1h, 15m)", s)
	}
	if d < time.Minute || d%time.Minute != 0 || d > 60*24*time.Hour {
		return Reminder{}, fmt.Errorf("%q : le délai doit être un nombre entier de minutes, entre 1m et 60d", s)
	}
	r := Reminder{Duration: d}
	r.MaxLate = r.defaultMaxLate()
	return r, nil
}

// ParseReminders reads a comma-separated reminder list such as "1d,1h".
// Offsets must be distinct.
func ParseReminders(s string) ([]Reminder, error) {
	var out []Reminder
	seen := map[string]bool{}
	for part := range strings.SplitSeq(s, ",") {
		r, err := ParseReminder(part)
		if err != nil {
			return nil, err
		}
		if seen[r.Label()] {
			return nil, fmt.Errorf("%q : délai en double", strings.TrimSpace(part))
		}
		seen[r.Label()] = true
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, errors.New("aucun rappel")
	}
	return out, nil
}

// Nominal is the offset as a duration, a calendar day counting as 24 hours.
func (r Reminder) Nominal() time.Duration {
	if r.Days > 0 {
		return time.Duration(r.Days) * 24 * time.Hour
	}
	return r.Duration
}

// defaultMaxLate is a quarter of the offset, at most six hours: 6 h for the
// day-before reminder and 15 min for the hour-before one, as DESIGN.md says.
func (r Reminder) defaultMaxLate() time.Duration {
	return min(r.Nominal()/4, maxDefaultLateness)
}

// Label is the canonical spelling of the offset: "1d", "1h", "90m".
func (r Reminder) Label() string {
	switch {
	case r.Days > 0:
		return strconv.Itoa(r.Days) + "d"
	case r.Duration%time.Hour == 0:
		return strconv.Itoa(int(r.Duration/time.Hour)) + "h"
	default:
		return strconv.Itoa(int(r.Duration/time.Minute)) + "m"
	}
}

// Kind is the delivery kind of this reminder, also sent as X-Rappel-Kind
// (kind.ForReminder says how it is named).
func (r Reminder) Kind() kind.Message {
	return kind.ForReminder(r.Label())
}

// DueAt is the exact instant this reminder falls due for a session starting
// at start. A day offset keeps the wall-clock time in loc, so across a DST
// change the day before is 23 or 25 hours earlier, never 24.
func (r Reminder) DueAt(start time.Time, loc *time.Location) time.Time {
	if r.Days == 0 {
		return start.Add(-r.Duration).UTC()
	}
	local := start.In(loc)
	y, m, d := local.Date()
	hh, mm, ss := local.Clock()
	return WallClock(loc, y, m, d-r.Days, hh, mm, ss, local.Nanosecond()).UTC()
}

// KindOffsets maps each reminder kind to its reminder, for the decisions
// taken at send time.
func KindOffsets(reminders []Reminder) map[kind.Message]Reminder {
	out := make(map[kind.Message]Reminder, len(reminders))
	for _, r := range reminders {
		out[r.Kind()] = r
	}
	return out
}

// ApplyMaxLate sets lateness limits from a list such as "1d=6h,1h=15m";
// offsets not named keep their default (a quarter of the offset, at most 6 h).
func ApplyMaxLate(reminders []Reminder, spec string) error {
	if strings.TrimSpace(spec) == "" {
		return nil
	}
	for part := range strings.SplitSeq(spec, ",") {
		offset, limit, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return fmt.Errorf("%q : attendu délai=limite, par exemple 1h=15m", part)
		}
		r, err := ParseReminder(offset)
		if err != nil {
			return err
		}
		d, err := time.ParseDuration(strings.TrimSpace(limit))
		if err != nil || d <= 0 {
			return fmt.Errorf("%q : limite de retard invalide (exemples : 6h, 15m)", limit)
		}
		i := indexOf(reminders, r.Label())
		if i < 0 {
			return fmt.Errorf("%q : ce délai n'est pas dans REMINDERS", offset)
		}
		reminders[i].MaxLate = d
	}
	return nil
}

func indexOf(reminders []Reminder, label string) int {
	for i, r := range reminders {
		if r.Label() == label {
			return i
		}
	}
	return -1
}

// ReminderForKind finds the reminder of a delivery kind: the configured one,
// or, for a kind no longer configured (REMINDERS changed while deliveries
// were pending), the offset its name gives with the default lateness.
func ReminderForKind(configured map[kind.Message]Reminder, k kind.Message) (Reminder, bool) {
	if r, ok := configured[k]; ok {
		return r, true
	}
	label, ok := k.ReminderOffset()
	if !ok {
		return Reminder{}, false
	}
	r, err := ParseReminder(label)
	return r, err == nil
}

// SetOr is the reminder set spec writes ("7d,1d,1h"), or def when spec is
// empty or does not parse: a session's own reminders, else the configured
// ones.
func SetOr(spec string, def []Reminder) []Reminder {
	if spec == "" {
		return def
	}
	set, err := ParseReminders(spec)
	if err != nil {
		return def
	}
	return set
}
