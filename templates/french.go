package templates

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dinum/rappel/when"
)

// Non-breaking spaces, as French typography wants them: a no-break space
// before ":" and inside "17 h 30", a narrow one before ";", "!" and "?".
const (
	nbsp  = "\u00a0"
	nnbsp = "\u202f"
)

var weekdays = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}

var months = [...]string{"", "janvier", "février", "mars", "avril", "mai", "juin",
	"juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// Clock writes a time of day the French way: "17 h", "17 h 30", "9 h 05".
func Clock(t time.Time) string {
	h, m := t.Hour(), t.Minute()
	if m == 0 {
		return strconv.Itoa(h) + nbsp + "h"
	}
	return fmt.Sprintf("%d%sh%s%02d", h, nbsp, nbsp, m)
}

// Day writes a date with its weekday: "mercredi 17 novembre 2021",
// "lundi 1er novembre 2021".
func Day(t time.Time) string {
	return DayNoYear(t) + " " + strconv.Itoa(t.Year())
}

// DayNoYear writes a date without the year: "mercredi 17 novembre".
func DayNoYear(t time.Time) string {
	d := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		d = "1er"
	}
	return weekdays[t.Weekday()] + " " + d + " " + months[t.Month()]
}

// DateShort writes a date without weekday nor year: "17 novembre",
// "1er décembre".
func DateShort(t time.Time) string {
	d := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		d = "1er"
	}
	return d + " " + months[t.Month()]
}

// Span writes when a session takes place, in loc:
// "mercredi 17 novembre 2021 de 17 h à 17 h 30", "… à 17 h" without an
// end, "du … à 17 h au … à 12 h" over several days.
func Span(start time.Time, end *time.Time, loc *time.Location) string {
	s := start.In(loc)
	if end == nil {
		return Day(s) + " à " + Clock(s)
	}
	e := end.In(loc)
	if sameDay(s, e) {
		return Day(s) + " de " + Clock(s) + " à " + Clock(e)
	}
	return "du " + Day(s) + " à " + Clock(s) + " au " + Day(e) + " à " + Clock(e)
}

func sameDay(a, b time.Time) bool {
	ya, ma, da := a.Date()
	yb, mb, db := b.Date()
	return ya == yb && ma == mb && da == db
}

// daysBetween counts calendar days from a to b in their own location.
func daysBetween(a, b time.Time) int {
	ya, ma, da := a.Date()
	yb, mb, db := b.Date()
	return int(time.Date(yb, mb, db, 12, 0, 0, 0, time.UTC).Sub(time.Date(ya, ma, da, 12, 0, 0, 0, time.UTC)).Hours() / 24)
}

// Relative says when a session starts, seen from now: "dans une heure",
// "dans 20 minutes", "dans 1 h 30" when it is less than two hours away
// (soon is then true), otherwise "aujourd’hui à 17 h", "demain à 17 h",
// "après-demain à 17 h" or "le mercredi 17 novembre à 17 h". A reminder
// sent late thus always says the true time left.
func Relative(now, start time.Time, loc *time.Location) (phrase string, soon bool) {
	left := start.Sub(now)
	mins := int((left + 30*time.Second) / time.Minute)
	switch {
	case mins <= 0:
		return "maintenant", true
	case mins == 1:
		return "dans 1 minute", true
	case mins < 60:
		return fmt.Sprintf("dans %d minutes", mins), true
	case mins == 60:
		return "dans une heure", true
	case mins < 120:
		return fmt.Sprintf("dans 1%sh%s%02d", nbsp, nbsp, mins-60), true
	}
	n, s := now.In(loc), start.In(loc)
	at := " à " + Clock(s)
	switch daysBetween(n, s) {
	case 0:
		return "aujourd’hui" + at, false
	case 1:
		return "demain" + at, false
	case 2:
		return "après-demain" + at, false
	}
	if n.Year() != s.Year() {
		return "le " + Day(s) + at, false
	}
	return "le " + DayNoYear(s) + at, false
}

// Typography puts the French non-breaking spaces before ":", ";", "!", "?"
// and inside guillemets, in place of the ordinary spaces people type.
func Typography(s string) string {
	return typography.Replace(s)
}

var typography = strings.NewReplacer(
	" :", nbsp+":",
	" ;", nnbsp+";",
	" !", nnbsp+"!",
	" ?", nnbsp+"?",
	"« ", "«"+nbsp,
	" »", nbsp+"»",
)

// Truncate shortens s to at most n characters, ending with "…" when cut,
// at a word boundary where one is near.
func Truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n-1])
	// At a word: the next character is a space, or back to the last one.
	if r[n-1] != ' ' {
		if i := strings.LastIndex(cut, " "); i > 0 {
			cut = cut[:i]
		}
	}
	// Never on a little word: « …citoyens et… », « formez-vous à… ».
	for {
		cut = strings.TrimRight(cut, " ,;:—–-«(")
		i := strings.LastIndex(cut, " ")
		if i < 0 || !littleWords[strings.ToLower(cut[i+1:])] {
			break
		}
		cut = cut[:i]
	}
	return cut + "…"
}

// littleWords are the words a shortened text must not end on: articles,
// prepositions, conjunctions.
var littleWords = map[string]bool{
	"de": true, "des": true, "du": true, "d’": true, "la": true, "le": true, "les": true, "l’": true,
	"à": true, "au": true, "aux": true, "en": true, "et": true, "ou": true, "pour": true, "par": true,
	"sur": true, "dans": true, "avec": true, "un": true, "une": true, "leur": true, "leurs": true,
	"vos": true, "votre": true, "nos": true, "notre": true, "ses": true, "son": true, "sa": true,
	"ce": true, "cet": true, "cette": true, "ces": true, "qui": true, "que": true, "quel": true,
	"quels": true, "quelle": true, "quelles": true, "comment": true, "lorsque": true, "si": true,
}

// Duration writes a duration the French way, to the unit that matters:
// "4 ms", "1,5 s", "12 s", "3 min 20 s", "2 min", "1 h 30", "3 h", "2 jours".
func Duration(d time.Duration) string {
	if d < 0 {
		return "-" + Duration(-d)
	}
	switch {
	case d < time.Second:
		return strconv.Itoa(int(d/time.Millisecond)) + nbsp + "ms"
	case d < time.Minute:
		s := strconv.FormatFloat(d.Seconds(), 'f', 1, 64)
		s = strings.TrimSuffix(s, ".0")
		return strings.Replace(s, ".", ",", 1) + nbsp + "s"
	case d < time.Hour:
		m, s := int(d/time.Minute), int(d%time.Minute/time.Second)
		if s == 0 {
			return strconv.Itoa(m) + nbsp + "min"
		}
		return fmt.Sprintf("%d%smin %d%ss", m, nbsp, s, nbsp)
	case d%(24*time.Hour) == 0:
		days := int(d / (24 * time.Hour))
		if days == 1 {
			return "1" + nbsp + "jour"
		}
		return strconv.Itoa(days) + nbsp + "jours"
	}
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	if m == 0 {
		return strconv.Itoa(h) + nbsp + "h"
	}
	return fmt.Sprintf("%d%sh%s%02d", h, nbsp, nbsp, m)
}

// Before says when a reminder is sent, seen from the session: "la veille",
// "l’avant-veille", "3 jours avant", "une heure avant", "15 minutes avant",
// "1 h 30 avant".
func Before(days int, d time.Duration) string {
	switch {
	case days == 1:
		return "la veille"
	case days == 2:
		return "l’avant-veille"
	case days > 2:
		return strconv.Itoa(days) + " jours avant"
	case d == time.Hour:
		return "une heure avant"
	case d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + " heures avant"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " minutes avant"
	}
	return Duration(d) + " avant"
}

// Join lists items the French way: "a", "a et b", "a, b et c".
func Join(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " et " + items[len(items)-1]
}

// Schedule says when reminders leave, in their order: « la veille »,
// « la veille, puis une heure avant », « sept jours avant, la veille, puis
// une heure avant ». « puis » says they come one after the other, which
// « et » does not.
func Schedule(when []string) string {
	if len(when) < 2 {
		return strings.Join(when, "")
	}
	return strings.Join(when[:len(when)-1], ", ") + ", puis " + when[len(when)-1]
}

// RemindersPhrase is what a sign-up brings: « un rappel la veille », « des
// rappels la veille, puis une heure avant »; "" without reminders.
// RemindersOf is what a set of reminders brings, in words: « des rappels
// la veille, puis une heure avant ».
func RemindersOf(set []when.Reminder) string {
	words := make([]string, len(set))
	for i, r := range set {
		words[i] = Before(r.Days, r.Duration)
	}
	return RemindersPhrase(words)
}

func RemindersPhrase(when []string) string {
	switch len(when) {
	case 0:
		return ""
	case 1:
		return "un rappel " + when[0]
	}
	return "des rappels " + Schedule(when)
}
