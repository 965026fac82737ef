package store

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/when"
)

// FieldError says which input is wrong and why, in French, for the person
// who typed it. It matches ErrInvalid with errors.Is.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Message }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

func invalid(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Bounds of a session's dates, the same in the database's checks: a
// session lasts 31 days at most, and starts between 2000 and 2199 (the
// years the command line reads). An end years
// away would make every message about the session heavy to build (its
// calendar file describes the time zone over the event), and no event
// rappel serves lasts longer than a month.
var (
	MaxSessionLength = 31 * 24 * time.Hour
	EarliestStart    = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	LatestStart      = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// Validate checks a session before it reaches the database, which checks
// the same rules again. Its texts are expected normalised (Normalize).
func (p SessionParams) Validate() error {
	if problems := p.Problems(); len(problems) > 0 {
		return problems[0]
	}
	return nil
}

// Problems is everything wrong with a session, field by field in the order
// of Validate: a form shows them all at once.
func (p SessionParams) Problems() []*FieldError {
	var out []*FieldError
	add := func(err error) {
		var ferr *FieldError
		if errors.As(err, &ferr) {
			out = append(out, ferr)
		}
	}
	if !p.Kind.Valid() {
		add(invalid("kind", "type de session inconnu « %s » (types possibles : %s)", p.Kind, strings.Join(kind.SessionValues(), ", ")))
	}
	add(checkLine("title", "le titre", p.Title, 300, true))
	add(checkText("description", "la description", p.Description, 20000, false))
	add(checkLine("location", "le lieu", p.Location, 1000, false))
	add(checkURL("join_url", p.JoinURL))
	add(checkURL("page_url", p.PageURL))
	add(checkContact(p.Contact))
	add(checkTimezone(p.Timezone))
	add(checkDates(p.StartsAt, p.EndsAt))
	if p.Reminders != "" {
		if _, err := when.ParseReminders(p.Reminders); err != nil {
			add(invalid("reminders", "rappels invalides « %s » : %v (exemple : 7d,1d,1h ; vide : ceux du service)", p.Reminders, err))
		}
	}
	if p.Capacity != nil && (*p.Capacity < 1 || *p.Capacity > 100000) {
		add(invalid("capacity", "nombre de places invalide (%d) : de 1 à 100 000, ou aucun pour ne pas limiter", *p.Capacity))
	}
	return out
}

func checkDates(start time.Time, end *time.Time) error {
	switch {
	case start.IsZero():
		return invalid("start", "la date de début manque")
	case start.Before(EarliestStart) || !start.Before(LatestStart):
		return invalid("start", "date de début invalide (%d) : une date entre 2000 et 2199 est attendue", start.Year())
	case end != nil && !end.After(start):
		return invalid("end", "la fin doit être après le début")
	case end != nil && end.Sub(start) > MaxSessionLength:
		return invalid("end", "la session durerait %d jours : elle peut durer 31 jours au plus (la fin au plus tard 31 jours après le début)",
			(end.Unix()-start.Unix())/86400)
	}
	return nil
}

// Normalize puts a session's texts in the form they are kept in: the
// title and the place on one line, the description with "\n" line breaks
// only. What is left of control characters is then refused by Validate.
func (p *SessionParams) Normalize() {
	p.Title, p.Location, p.Description = OneLine(p.Title), OneLine(p.Location), Paragraphs(p.Description)
	p.Reminders = strings.Join(strings.Fields(strings.ReplaceAll(p.Reminders, ",", " ")), ",")
	if c, err := NormalizeContact(p.Contact); err == nil {
		p.Contact = c
	}
}

// OneLine turns the line breaks and tabs of a one-line text (a title, a
// place) into single spaces: a carriage return must never reach a mail
// header or a calendar line.
func OneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n\t\u2028\u2029") {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == '\r' || r == '\n' || r == '\t' || r == '\u2028' || r == '\u2029'
	}), " ")
}

// Paragraphs writes every line break of a text as "\n".
func Paragraphs(s string) string {
	if !strings.ContainsAny(s, "\r\u2028\u2029") {
		return s
	}
	return strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n\n").Replace(s)
}

// checkLine checks a one-line text: no control character at all.
func checkLine(field, label, v string, max int, required bool) error {
	if err := checkText(field, label, v, max, required); err != nil {
		return err
	}
	if strings.ContainsAny(v, "\n\t") {
		return invalid(field, "%s doit tenir sur une ligne", label)
	}
	return nil
}

// checkText checks a text: no control character but line breaks and tabs.
func checkText(field, label, v string, max int, required bool) error {
	if required && strings.TrimSpace(v) == "" {
		return invalid(field, "%s est vide", label)
	}
	if n := len([]rune(v)); n > max {
		return invalid(field, "%s est trop long (%d caractères, %d au plus)", label, n, max)
	}
	for _, r := range v {
		if (unicode.IsControl(r) && r != '\n' && r != '\t') || r == '\u2028' || r == '\u2029' {
			return invalid(field, "%s contient un caractère de contrôle", label)
		}
	}
	return nil
}

func checkURL(field, v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(v, " \t\n") {
		return invalid(field, "lien invalide « %s » : une adresse web complète est attendue (https://…)", v)
	}
	return nil
}

// NormalizeContact reads whom to write to, "Nom <adresse>" or an address
// alone, and writes it in the one form kept: "Nom <adresse>", or the
// address, lower-cased.
func NormalizeContact(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	a, err := mail.ParseAddress(v)
	if err != nil || len(v) > 320 || strings.ContainsAny(v, "\r\n") {
		return "", invalid("contact", "contact illisible « %s » : attendu « Nom <adresse@exemple.fr> » ou une adresse seule", v)
	}
	email, err := NormalizeEmail(a.Address)
	if err != nil {
		return "", invalid("contact", "adresse du contact invalide « %s »", a.Address)
	}
	if a.Name == "" {
		return email, nil
	}
	return a.Name + " <" + email + ">", nil
}

func checkContact(v string) error {
	if v == "" {
		return nil
	}
	norm, err := NormalizeContact(v)
	if err != nil {
		return err
	}
	if norm != v {
		return invalid("contact", "contact mal écrit « %s » (attendu « %s »)", v, norm)
	}
	return nil
}

// checkTimezone accepts an IANA zone name ("America/Cayenne"), or "" for
// the configured zone.
func checkTimezone(v string) error {
	if v == "" {
		return nil
	}
	if _, err := time.LoadLocation(v); err != nil || v == "Local" || len(v) > 64 {
		return invalid("timezone", "fuseau horaire inconnu « %s » (exemples : Europe/Paris, America/Cayenne, Pacific/Noumea)", v)
	}
	return nil
}

// NormalizeEmail checks an address and returns it lower-cased, as stored.
func NormalizeEmail(raw string) (string, error) {
	v := strings.TrimSpace(raw)
	if v == "" {
		return "", invalid("email", "l'adresse électronique est vide")
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || a.Name != "" {
		return "", invalid("email", "adresse électronique invalide « %s »", v)
	}
	local, domain, _ := strings.Cut(a.Address, "@")
	if local == "" || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") ||
		strings.HasSuffix(domain, ".") || len(v) > 254 || strings.ContainsAny(v, " \"(),:;<>[\\]") {
		return "", invalid("email", "adresse électronique invalide « %s »", v)
	}
	return strings.ToLower(v), nil
}

// CheckName checks a subscriber's name: it goes into the To: header of
// every message, so it holds on one line.
func CheckName(v string) error {
	return checkLine("name", "le nom", v, 200, false)
}
