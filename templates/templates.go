// Package templates holds the words rappel sends and shows: the emails (a
// text and an HTML part each, the subject defined in the text template), the
// web pages, and the French formatting of dates, times and kinds of session
// they use. Everything is embedded and parsed once, at start.
package templates

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io"
	"io/fs"
	"strconv"
	"strings"
	texttemplate "text/template"

	"github.com/dinum/rappel/kind"
)

//go:embed email/*.tmpl pages/*.tmpl backoffice/*.tmpl
var files embed.FS

// SubjectMax is the longest subject, in characters, « Rappel : » included:
// under the 78 of a header line (RFC 5322), and whole in a phone's list.
const SubjectMax = 77

// Email is a rendered message.
type Email struct {
	Subject string
	Text    string
	HTML    string
}

type emailTemplates struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// Set is the parsed templates.
type Set struct {
	emails     map[string]emailTemplates
	pages      *htmltemplate.Template
	backoffice *htmltemplate.Template
	login      loginTemplates
}

// Emails lists the message templates every set must have: one pair per
// row of kind's tables.
var Emails = kind.Templates()

// Load parses the embedded templates.
func Load() (*Set, error) {
	return load(files)
}

func load(fsys fs.FS) (*Set, error) {
	set := &Set{emails: map[string]emailTemplates{}}
	for _, name := range Emails {
		t, err := parseEmail(fsys, name)
		if err != nil {
			return nil, err
		}
		set.emails[name] = t
	}
	pages, err := htmltemplate.New("pages").Funcs(funcs).ParseFS(fsys, "pages/*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("parse page templates: %w", err)
	}
	set.pages = pages
	if set.login, err = parseLogin(fsys); err != nil {
		return nil, err
	}
	bo, err := htmltemplate.New("backoffice").Funcs(funcs).ParseFS(fsys, "pages/layout.html.tmpl", "backoffice/*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("parse back-office templates: %w", err)
	}
	set.backoffice = bo
	return set, nil
}

var funcs = map[string]any{
	"subject":    subject,
	"paragraphs": paragraphs,
	"button":     button,
	"dict":       dict,
	"plural":     Plural,
}

// Plural writes a count with its noun, singular for 0 and 1 as French
// does: {{plural 2 "ligne mise" "lignes mises"}} gives « 2 lignes mises ».
func Plural(n int, one, many string) string {
	if n < 2 {
		return strconv.Itoa(n) + " " + one
	}
	return strconv.Itoa(n) + " " + many
}

// dict makes a map of its pairs of arguments, so that a page hands a
// shared block (a form field) several values: {{template "input" (dict
// "Page" . "Name" "title" "Label" "Titre")}}.
func dict(pairs ...any) (map[string]any, error) {
	if len(pairs)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		k, ok := pairs[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", pairs[i])
		}
		m[k] = pairs[i+1]
	}
	return m, nil
}

// Button is a link drawn as a button: the "button" block of the HTML
// layout takes one, made by {{button URL LABEL}}.
type Button struct{ URL, Label string }

func button(url, label string) Button { return Button{URL: url, Label: label} }

// Pages lists the page templates every set must have.
var Pages = []string{"sessions", "session", "signup-sent", "confirm", "confirmed", "unsubscribe", "unsubscribed", "error",
	"accessibility", "legal", "privacy", "offer", "waitlisted"}

// paragraphs splits a text at its blank lines.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseEmail(fsys fs.FS, name string) (emailTemplates, error) {
	text, err := texttemplate.New(name).Funcs(funcs).ParseFS(fsys, "email/layout.txt.tmpl", "email/"+name+".txt.tmpl")
	if err != nil {
		return emailTemplates{}, fmt.Errorf("parse email template %s: %w", name, err)
	}
	html, err := htmltemplate.New(name).Funcs(funcs).ParseFS(fsys, "email/layout.html.tmpl", "email/"+name+".html.tmpl")
	if err != nil {
		return emailTemplates{}, fmt.Errorf("parse email template %s: %w", name, err)
	}
	for _, block := range []string{"subject", "text"} {
		if text.Lookup(block) == nil {
			return emailTemplates{}, fmt.Errorf("email template %s: no %q block", name, block)
		}
	}
	for _, block := range []string{"html", "heading", "body"} {
		if html.Lookup(block) == nil {
			return emailTemplates{}, fmt.Errorf("email template %s: no %q block in its HTML part", name, block)
		}
	}
	return emailTemplates{text: text, html: html}, nil
}

// RenderEmail renders the message name for d.
func (s *Set) RenderEmail(name string, d Data) (Email, error) {
	t, ok := s.emails[name]
	if !ok {
		return Email{}, fmt.Errorf("render email: no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.text.ExecuteTemplate(&buf, "subject", d); err != nil {
		return Email{}, fmt.Errorf("render subject of %s: %w", name, err)
	}
	d.Subject = Typography(strings.Join(strings.FieldsFunc(buf.String(), isLineSpace), " "))
	buf.Reset()
	if err := t.text.ExecuteTemplate(&buf, "text", d); err != nil {
		return Email{}, fmt.Errorf("render text of %s: %w", name, err)
	}
	text := Typography(tidyText(buf.String()))
	buf.Reset()
	if err := t.html.ExecuteTemplate(&buf, "html", d); err != nil {
		return Email{}, fmt.Errorf("render html of %s: %w", name, err)
	}
	return Email{Subject: d.Subject, Text: text, HTML: Typography(buf.String())}, nil
}

// isLineSpace is the white space a template leaves in a subject: unlike
// unicode.IsSpace, it spares the no-break spaces of French typography.
func isLineSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

// RenderPage writes the web page name, with French typography.
func (s *Set) RenderPage(w io.Writer, name string, data any) error {
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("render page %s: %w", name, err)
	}
	_, err := io.WriteString(w, Typography(buf.String()))
	return err
}

// RenderBackoffice writes the page name of the organisers' space, with
// French typography.
func (s *Set) RenderBackoffice(w io.Writer, name string, data any) error {
	var buf bytes.Buffer
	if err := s.backoffice.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("render back-office page %s: %w", name, err)
	}
	_, err := io.WriteString(w, Typography(buf.String()))
	return err
}

// sigDelimiter opens the footer of a text message (RFC 3676): mail
// clients show what follows as a signature, in grey or folded.
const sigDelimiter = "-- "

// tidyText trims the spaces templates leave at line ends and keeps at most
// one blank line in a row.
func tidyText(s string) string {
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := true
	for _, l := range lines {
		if l != sigDelimiter {
			l = strings.TrimRight(l, " \t")
		}
		if l == "" {
			if blank {
				continue
			}
			blank = true
		} else {
			blank = false
		}
		out = append(out, l)
	}
	return strings.TrimRight(strings.Join(out, "\n"), "\n") + "\n"
}

// MinSubjectTitle is the fewest characters of a title a subject keeps:
// the prefixes of the templates are written short enough to leave it.
const MinSubjectTitle = 15

// subject joins a prefix and the session's title with a dash, in at most
// SubjectMax characters, the title shortened at a word. The shape of a
// subject depends on the prefixes only, never on the title, so that all
// the messages of one kind read alike: it takes the first prefix that
// leaves MinSubjectTitle characters (the others are shorter fallbacks an
// operator's template may give).
func subject(title string, prefixes ...string) string {
	title = strings.TrimSpace(title)
	for _, p := range prefixes {
		room := SubjectMax - len([]rune(p)) - len([]rune(subjectDash))
		if room >= MinSubjectTitle || p == prefixes[len(prefixes)-1] {
			if room < len([]rune("Xx…")) {
				return Truncate(p, SubjectMax)
			}
			return p + subjectDash + Truncate(title, room)
		}
	}
	return Truncate(title, SubjectMax)
}

// subjectDash separates a subject's words from the title: the en dash
// French typography uses for it.
const subjectDash = " – "
