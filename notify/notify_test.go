package notify_test

import (
	"context"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/dinum/rappel/internal/testkit"
	"github.com/dinum/rappel/notify"
	"github.com/dinum/rappel/notify/notifytest"
	"github.com/dinum/rappel/notify/smtptest"
	"github.com/dinum/rappel/templates"
)

func composer(t testing.TB) *notify.Composer {
	t.Helper()
	return notifytest.Composer(t, testkit.Paris(t))
}

// webinaire is the fixture agenda's webinaire of 17 November 2021.
func webinaire(t testing.TB) notify.Message {
	loc := testkit.Paris(t)
	start := time.Date(2021, 11, 17, 17, 0, 0, 0, loc)
	end := start.Add(30 * time.Minute)
	return notify.Message{
		DeliveryID: 41, Kind: "h1", SignupID: 7,
		Recipient: templates.Recipient{Name: "Marie Dupont", Email: "marie.dupont@example.gouv.fr"},
		Session: templates.SessionInput{
			ID: 12, Kind: "webinaire", StartsAt: start, EndsAt: &end,
			Title:   "Simplifier les démarches des citoyens et le quotidien des agents grâce aux API",
			JoinURL: "https://webinaire.numerique.gouv.fr/meeting/signin/4821/creator/1185/hash/5c1d7b6e",
			PageURL: "https://app.livestorm.co/dinum-12/simplifier-demarches-api-mois-innovation?type=detailed",
		},
		Now: start.Add(-time.Hour),
	}
}

func send(t *testing.T, msg *notify.Email) smtptest.Parsed {
	t.Helper()
	srv := smtptest.Start(t, smtptest.Options{})
	s, err := notify.NewSMTP(notify.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: notify.TLSNone, Timeout: 5 * time.Second, Connections: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	p, err := srv.Wait(t, 1, 5*time.Second)[0].Parse()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestComposeHeaders(t *testing.T) {
	t.Parallel()
	c := composer(t)
	msg, err := c.Compose(webinaire(t))
	if err != nil {
		t.Fatal(err)
	}
	p := send(t, msg)
	h := p.Header
	unsub := c.UnsubscribeURL(7)
	for name, want := range map[string]string{
		"Message-Id":            "<rappel.41.h1@example.gouv.fr>",
		"Auto-Submitted":        "auto-generated",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		"X-Rappel-Kind":         "h1",
		"X-Rappel-Session":      "12",
		"Mime-Version":          "1.0",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	lu := h.Get("List-Unsubscribe")
	if !strings.HasPrefix(lu, "<"+unsub+">") || !strings.Contains(lu, "<mailto:desinscription@example.gouv.fr?subject=desinscription%20") {
		t.Errorf("List-Unsubscribe = %q", lu)
	}
	if !strings.HasPrefix(unsub, "https://rappel.example.gouv.fr/desinscription/") || strings.Contains(unsub, "marie") {
		t.Errorf("unsubscribe link %q", unsub)
	}
	if id, _ := new(mime.WordDecoder).DecodeHeader(h.Get("List-Id")); id != "Webinaire – Simplifier les démarches des citoyens…"+
		" <session-12.rappel.example.gouv.fr>" {
		t.Errorf("List-Id = %q", id)
	}
	// An hour before, it is too late to plan: no calendar file.
	if p.ContentType != "multipart/alternative" || p.Parts["text/plain"] == "" || p.Parts["text/html"] == "" || p.Parts["text/calendar"] != "" {
		t.Errorf("structure = %s with parts %v", p.ContentType, keys(p.Parts))
	}
	if subject := p.Subject(); !strings.HasPrefix(subject, "Rappel\u00a0: webinaire à 17\u00a0h (dans une heure) – Simplifier les démarches") ||
		!strings.HasSuffix(subject, "…") || len([]rune(subject)) >= 78 {
		t.Errorf("subject = %q (%d characters)", subject, len([]rune(subject)))
	}
	if date, err := h.Date(); err != nil || !date.Equal(webinaire(t).Now) {
		t.Errorf("Date = %v, %v", date, err)
	}

	// The same delivery built again has the same Message-ID.
	again, _ := c.Compose(webinaire(t))
	if again.MessageID != msg.MessageID {
		t.Errorf("Message-ID changed between attempts: %s, %s", msg.MessageID, again.MessageID)
	}
}

func TestComposeContent(t *testing.T) {
	t.Parallel()
	c := composer(t)
	m := webinaire(t)
	msg, err := c.Compose(m)
	if err != nil {
		t.Fatal(err)
	}
	p := send(t, msg)
	text, html := p.Parts["text/plain"], p.Parts["text/html"]
	for _, want := range []string{
		"Bonjour Marie Dupont,",
		"Le webinaire «\u00a0Simplifier les démarches des citoyens et le quotidien des agents grâce aux API\u00a0» commence dans une heure, à 17\u00a0h.",
		"Quand\u00a0: mercredi 17 novembre 2021 de 17\u00a0h à 17\u00a0h\u00a030 (heure de Paris)",
		"Pour rejoindre le webinaire\u00a0: https://webinaire.numerique.gouv.fr/meeting/signin/4821/creator/1185/hash/5c1d7b6e", "Page de l’événement\u00a0: https://app.livestorm.co/dinum-12/",
		"Vous ne pourrez pas y participer\u202f? Annulez votre inscription\u00a0: " + strings.Replace(c.UnsubscribeURL(7), "desinscription", "annulation", 1),
		"Ne plus recevoir aucun message de rappel\u00a0: " + strings.Replace(c.UnsubscribeURL(7), "desinscription", "desabonnement", 1),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text part lacks %q:\n%s", want, text)
		}
	}
	for _, want := range []string{`<html lang="fr">`, "<h1", "Rejoindre le webinaire</a>", "Annulez votre inscription</a>", "Ne plus recevoir aucun message de rappel</a>", "mercredi 17 novembre 2021"} {
		if !strings.Contains(html, want) {
			t.Errorf("html part lacks %q", want)
		}
	}

	// Sent late, the reminder says the true time left.
	m.Now = m.Session.StartsAt.Add(-20 * time.Minute)
	late, _ := c.Compose(m)
	lp := send(t, late)
	if !strings.Contains(lp.Parts["text/plain"], "commence dans 20 minutes, à 17\u00a0h.") || !strings.Contains(lp.Subject(), "dans 20 minutes") {
		t.Errorf("late reminder:\n%s\n%s", lp.Subject(), lp.Parts["text/plain"])
	}
}

func TestSMTPModes(t *testing.T) {
	t.Parallel()
	c := composer(t)
	for _, tt := range []struct {
		name string
		opts smtptest.Options
		tls  string
	}{
		{"StartTLSWithAuth", smtptest.Options{StartTLS: true, Username: "rappel", Password: "secret"}, notify.TLSStartTLS},
		{"ImplicitTLSWithAuth", smtptest.Options{ImplicitTLS: true, Username: "rappel", Password: "secret"}, notify.TLSImplicit},
		{"PlainNoAuth", smtptest.Options{}, notify.TLSNone},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := smtptest.Start(t, tt.opts)
			s, err := notify.NewSMTP(notify.SMTPConfig{
				Host: srv.Host, Port: srv.Port, TLS: tt.tls, TLSConfig: srv.ClientTLS,
				Username: tt.opts.Username, Password: tt.opts.Password, Timeout: 5 * time.Second, Connections: 2,
			})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.Check(context.Background()); err != nil {
				t.Fatalf("check: %v", err)
			}
			for i := range 6 {
				m := webinaire(t)
				m.DeliveryID = int64(100 + i)
				msg, _ := c.Compose(m)
				if err := s.Send(context.Background(), msg); err != nil {
					t.Fatalf("send %d: %v", i, err)
				}
			}
			srv.Wait(t, 6, 5*time.Second)
			// One connection for the check, then the sends reuse theirs.
			if n := srv.Connections(); n > 2 {
				t.Errorf("%d connections opened for 6 sequential messages", n)
			}
		})
	}

	t.Run("WrongPassword", func(t *testing.T) {
		t.Parallel()
		srv := smtptest.Start(t, smtptest.Options{StartTLS: true, Username: "rappel", Password: "secret"})
		s, _ := notify.NewSMTP(notify.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: notify.TLSStartTLS, TLSConfig: srv.ClientTLS,
			Username: "rappel", Password: "faux", Timeout: 5 * time.Second, Connections: 1})
		if err := s.Check(context.Background()); err == nil {
			t.Error("check passed with a wrong password")
		}
	})

	t.Run("StartTLSRefusedWithoutTLS", func(t *testing.T) {
		t.Parallel()
		srv := smtptest.Start(t, smtptest.Options{})
		s, _ := notify.NewSMTP(notify.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: notify.TLSStartTLS, Timeout: 5 * time.Second, Connections: 1})
		if err := s.Check(context.Background()); err == nil {
			t.Error("mandatory STARTTLS passed against a server without it")
		}
	})
}

func TestOutbox(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "outbox")
	o, err := notify.NewOutbox(dir)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := composer(t).Compose(webinaire(t))
	for range 2 { // a retry rewrites the same file
		if err := o.Send(context.Background(), msg); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "rappel.41.h1@example.gouv.fr.eml" {
		t.Fatalf("outbox = %v", entries)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, entries[0].Name()))
	p, err := smtptest.Message{Data: raw}.Parse()
	if err != nil || p.Header.Get("X-Rappel-Kind") != "h1" || p.Parts["text/plain"] == "" {
		t.Errorf("outbox file unreadable: %v", err)
	}
}

func TestIsTemporary(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t, smtptest.Options{OnRcpt: func(to string) error {
		if strings.HasPrefix(to, "plein") {
			return &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 2, 2}, Message: "boîte pleine"}
		}
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "inconnu"}
	}})
	s, _ := notify.NewSMTP(notify.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: notify.TLSNone, Timeout: 5 * time.Second, Connections: 1})
	defer s.Close()
	c := composer(t)
	for to, temp := range map[string]bool{"plein@example.org": true, "inconnu@example.org": false} {
		m := webinaire(t)
		m.Recipient.Email = to
		msg, _ := c.Compose(m)
		err := s.Send(context.Background(), msg)
		if err == nil || notify.IsTemporary(err) != temp {
			t.Errorf("%s: err = %v, temporary = %v, want %v", to, err, notify.IsTemporary(err), temp)
		}
	}
	// A refused connection is temporary.
	dead, _ := notify.NewSMTP(notify.SMTPConfig{Host: "127.0.0.1", Port: 1, TLS: notify.TLSNone, Timeout: time.Second, Connections: 1})
	msg, _ := c.Compose(webinaire(t))
	if err := dead.Send(context.Background(), msg); err == nil || !notify.IsTemporary(err) {
		t.Errorf("refused connection: %v", err)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
