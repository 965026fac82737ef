package notify_test

import (
	"bytes"
	"io"
	"mime/quotedprintable"
	"strings"
	"testing"
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/notify"
	"github.com/dinum/rappel/notify/smtptest"
)

// TestDraftReadsAsRenderedAlone checks that a message filled in from a
// session's draft reads, once decoded, exactly as the same message
// rendered for its recipient alone, for names that escaping, encoding or
// typography could treat differently, and for every kind of message.
func TestDraftReadsAsRenderedAlone(t *testing.T) {
	c := composer(t)
	names := []string{
		"", "Marie Dupont", "Zoé Lefèvre-D’Arc", `Jean "Jo" O'Neil & fils`, "<b>Léa</b>",
		"Ana + Bob", "Rémi : chef", "Prénom Nom « surnom »", " espacé ", "Ligne\nnouvelle",
		"Éloïse " + strings.Repeat("Très-Long-Nom ", 12), "東京 太郎", "a=b", ".point",
		"__rappel_hole_name__",
	}
	kinds := []kind.Message{"j1", "h1", "confirmation", "cancellation", "reschedule", "reminder-30m"}
	for _, k := range kinds {
		for _, name := range names {
			m := webinaire(t)
			m.Kind, m.Recipient.Name = k, name
			if k == kind.Confirmation {
				m.ConfirmToken = "Jeton_de-confirmation0123"
			}
			if k == kind.Reschedule {
				prev := m.Session.StartsAt.Add(-24 * time.Hour)
				m.PreviousStartsAt = &prev
			}
			drafted, err := c.Compose(m)
			if err != nil {
				t.Fatalf("%s %q: %v", k, name, err)
			}
			alone, err := c.ComposeAlone(m)
			if err != nil {
				t.Fatalf("%s %q alone: %v", k, name, err)
			}
			got, want := parse(t, drafted.Data), parse(t, alone.Data)
			for _, h := range []string{"Subject", "To", "From", "List-Unsubscribe", "Message-ID"} {
				if got.Header.Get(h) != want.Header.Get(h) {
					t.Errorf("%s %q: %s %q, alone %q", k, name, h, got.Header.Get(h), want.Header.Get(h))
				}
			}
			for part, body := range want.Parts {
				if part == "text/calendar" {
					continue // its UID and stamp are drawn per render
				}
				if got.Parts[part] != body {
					t.Errorf("%s %q: %s differs from the message rendered alone:\n%s\n---\n%s", k, name, part, got.Parts[part], body)
				}
			}
			checkLines(t, drafted.Data)
		}
	}
}

func parse(t *testing.T, data []byte) smtptest.Parsed {
	t.Helper()
	p, err := smtptest.Message{Data: data}.Parse()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// checkLines checks what SMTP and RFC 5322 ask of every line: CRLF ends,
// at most 998 characters (the body's quoted-printable lines are shorter:
// FuzzQuotedPrintable), and none that starts with a dot, so that the
// message can be pipelined without dot-stuffing.
func checkLines(t *testing.T, data []byte) {
	t.Helper()
	for i, line := range bytes.Split(data, []byte("\r\n")) {
		switch {
		case bytes.ContainsAny(line, "\r\n"):
			t.Errorf("line %d has a bare CR or LF: %q", i+1, line)
		case len(line) > 998:
			t.Errorf("line %d has %d characters: %q", i+1, len(line), line)
		case bytes.HasPrefix(line, []byte(".")):
			t.Errorf("line %d starts with a dot: %q", i+1, line)
		}
	}
}

// FuzzQuotedPrintable checks that any text, from any column, decodes back
// to itself, in lines of at most 76 characters of which none starts with a
// dot.
func FuzzQuotedPrintable(f *testing.F) {
	for _, s := range []string{"", "Bonjour Zoé,\n", "a \n", " \t\n.\n", "=3D\r\n", strings.Repeat("é", 60), ". fin", "x\r"} {
		f.Add(s, 0)
		f.Add(s, 70)
	}
	f.Fuzz(func(t *testing.T, s string, col int) {
		col = min(max(col, 0), 75)
		prefix := strings.Repeat("x", col)
		enc, _ := notify.AppendQP([]byte(prefix), s, col, true)
		for i, line := range bytes.Split(enc, []byte("\r\n")) {
			if len(line) > 76 {
				t.Fatalf("line %d has %d characters: %q", i+1, len(line), line)
			}
			if bytes.HasPrefix(line, []byte(".")) {
				t.Fatalf("line %d starts with a dot: %q", i+1, line)
			}
		}
		dec, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(enc)))
		if err != nil {
			t.Fatalf("decode %q: %v", enc, err)
		}
		want := prefix + strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
		if string(dec) != want {
			t.Fatalf("%q decodes to %q, want %q", s, dec, want)
		}
	})
}
