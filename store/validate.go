package store

import (
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"unicode"
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

// Validate checks a session before it reaches the database, which checks
// the same rules again.
func (p SessionParams) Validate() error {
	if !slices.Contains(Kinds, p.Kind) {
		return invalid("kind", "type de session inconnu « %s » (types possibles : %s)", p.Kind, strings.Join(Kinds, ", "))
	}
	if err := checkText("title", "le titre", p.Title, 300, true); err != nil {
		return err
	}
	if err := checkText("description", "la description", p.Description, 20000, false); err != nil {
		return err
	}
	if err := checkText("location", "le lieu", p.Location, 1000, false); err != nil {
		return err
	}
	if err := checkURL(p.URL); err != nil {
		return err
	}
	if p.StartsAt.IsZero() {
		return invalid("start", "la date de début manque")
	}
	if p.EndsAt != nil && !p.EndsAt.After(p.StartsAt) {
		return invalid("end", "la fin doit être après le début")
	}
	return nil
}

func checkText(field, label, v string, max int, required bool) error {
	if required && strings.TrimSpace(v) == "" {
		return invalid(field, "%s est vide", label)
	}
	if n := len([]rune(v)); n > max {
		return invalid(field, "%s est trop long (%d caractères, %d au plus)", label, n, max)
	}
	for _, r := range v {
		if unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' {
			return invalid(field, "%s contient un caractère de contrôle", label)
		}
	}
	return nil
}

func checkURL(v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(v, " \t\n") {
		return invalid("url", "lien invalide « %s » : une adresse web complète est attendue (https://…)", v)
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

// CheckName checks a subscriber's name.
func CheckName(v string) error {
	return checkText("name", "le nom", v, 200, false)
}
