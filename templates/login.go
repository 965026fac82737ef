package templates

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"strings"
	texttemplate "text/template"
)

// LoginData is what the message carrying a sign-in link to the organisers'
// space says.
type LoginData struct {
	// URL is the link's page, where a button signs in.
	URL string
	// Validity says how long the link works, « 15 minutes »; Until when
	// it stops, « 14 h 05 (heure de Paris) ».
	Validity, Until string
	// Signature names the sender.
	Signature string
}

type loginTemplates struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

func parseLogin(fsys fs.FS) (loginTemplates, error) {
	text, err := texttemplate.New("login").ParseFS(fsys, "email/login.txt.tmpl")
	if err != nil {
		return loginTemplates{}, fmt.Errorf("parse email template login: %w", err)
	}
	html, err := htmltemplate.New("login").ParseFS(fsys, "email/login.html.tmpl")
	if err != nil {
		return loginTemplates{}, fmt.Errorf("parse email template login: %w", err)
	}
	for _, block := range []string{"subject", "text"} {
		if text.Lookup(block) == nil {
			return loginTemplates{}, fmt.Errorf("email template login: no %q block", block)
		}
	}
	if html.Lookup("html") == nil {
		return loginTemplates{}, fmt.Errorf("email template login: no \"html\" block in its HTML part")
	}
	return loginTemplates{text: text, html: html}, nil
}

// RenderLogin renders the message of a sign-in link.
func (s *Set) RenderLogin(d LoginData) (Email, error) {
	var buf bytes.Buffer
	if err := s.login.text.ExecuteTemplate(&buf, "subject", d); err != nil {
		return Email{}, fmt.Errorf("render subject of login: %w", err)
	}
	subject := Typography(strings.Join(strings.FieldsFunc(buf.String(), isLineSpace), " "))
	buf.Reset()
	if err := s.login.text.ExecuteTemplate(&buf, "text", d); err != nil {
		return Email{}, fmt.Errorf("render text of login: %w", err)
	}
	text := Typography(tidyText(buf.String()))
	buf.Reset()
	if err := s.login.html.ExecuteTemplate(&buf, "html", d); err != nil {
		return Email{}, fmt.Errorf("render html of login: %w", err)
	}
	return Email{Subject: subject, Text: text, HTML: Typography(buf.String())}, nil
}
