package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/dinum/rappel/notify"
	"github.com/dinum/rappel/notify/smtptest"
	"github.com/dinum/rappel/scheduler"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
)

// sampleRecipient receives previews.
var sampleRecipient = templates.Recipient{Name: "Camille Exemple", Email: "camille.exemple@example.gouv.fr"}

var noticeKinds = []string{"confirmation", "confirmed", store.KindCancellation, store.KindReschedule}

// sampleMessage is the message of kind about session s as it would be
// built when it leaves: a reminder at its due time, a notice now.
func sampleMessage(a *app, s store.Session, kind string) (notify.Message, error) {
	now := time.Now()
	if !slices.Contains(noticeKinds, kind) {
		r, ok := scheduler.ReminderForKind(scheduler.KindOffsets(a.cfg.Reminders), kind)
		if !ok {
			return notify.Message{}, usagef("--kind : message inconnu « %s » (j1, h1, reminder-15m, confirmation, confirmed, reschedule, cancellation)", kind)
		}
		now = r.DueAt(s.StartsAt, a.cfg.Location)
	}
	m := notify.Message{
		Kind: kind, Recipient: sampleRecipient, Now: now, ScheduleVersion: s.ScheduleVersion,
		Session: templates.SessionInput{
			ID: s.ID, Kind: s.Kind, Title: s.Title, Description: s.Description, Location: s.Location,
			URL: s.URL, StartsAt: s.StartsAt, EndsAt: s.EndsAt, Accessible: s.Accessible,
		},
		TestID: randomID(),
	}
	switch kind {
	case "confirmation":
		m.ConfirmURL = a.cfg.PublicURL.JoinPath("confirmation", "exemple").String()
	case store.KindReschedule:
		// The notice shows the time before the move: for a preview, the
		// day before.
		prev := s.StartsAt.AddDate(0, 0, -1)
		m.PreviousStartsAt = &prev
		if s.EndsAt != nil {
			prevEnd := s.EndsAt.AddDate(0, 0, -1)
			m.PreviousEndsAt = &prevEnd
		}
	}
	return m, nil
}

func randomID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// messageOptions reads --session and --kind and builds the message.
func messageOptions(ctx context.Context, a *app, p parsedArgs) (*gomail.Msg, notify.Message, error) {
	id, err := p.sessionOption()
	if err != nil {
		return nil, notify.Message{}, err
	}
	kind, err := p.required("kind")
	if err != nil {
		return nil, notify.Message{}, err
	}
	s, err := findSession(ctx, a, id)
	if err != nil {
		return nil, notify.Message{}, err
	}
	m, err := sampleMessage(a, s, strings.TrimSpace(kind))
	if err != nil {
		return nil, m, err
	}
	parts, err := a.mailParts()
	if err != nil {
		return nil, m, err
	}
	msg, err := parts.composer.Compose(m)
	return msg, m, err
}

func cmdPreview(ctx context.Context, a *app, args []string) error {
	p, err := parseFixed(args, flagSpec{values: []string{"session", "kind", "format"}}, 0, "")
	if err != nil {
		return err
	}
	format := p.values["format"]
	if format == "" {
		format = "text"
	}
	if format != "text" && format != "html" && format != "eml" {
		return usagef("--format : « %s » n'est pas possible (text, html ou eml)", format)
	}
	msg, _, err := messageOptions(ctx, a, p)
	if err != nil {
		return err
	}
	if format == "eml" {
		_, err := msg.WriteTo(a.stdout)
		return err
	}
	var raw strings.Builder
	if _, err := msg.WriteTo(&raw); err != nil {
		return err
	}
	parsed, err := smtptest.Message{Data: []byte(raw.String())}.Parse()
	if err != nil {
		return err
	}
	if format == "html" {
		_, err = fmt.Fprint(a.stdout, parsed.Parts["text/html"])
		return err
	}
	_, err = fmt.Fprintf(a.stdout, "Objet : %s\nÀ : %s\n\n%s", parsed.Subject(), parsed.Header.Get("To"), parsed.Parts["text/plain"])
	return err
}

func cmdSendTest(ctx context.Context, a *app, args []string) error {
	p, err := parseFixed(args, flagSpec{values: []string{"session", "kind", "to"}}, 0, "")
	if err != nil {
		return err
	}
	raw, err := p.required("to")
	if err != nil {
		return err
	}
	to, err := store.NormalizeEmail(raw)
	if err != nil {
		return usagef("--to : %s", err.Error())
	}
	msg, _, err := messageOptions(ctx, a, p)
	if err != nil {
		return err
	}
	if err := msg.To(to); err != nil {
		return usagef("--to : %s", err.Error())
	}
	sender, err := newSender(ctx, a)
	if err != nil {
		return err
	}
	defer sender.Close()
	if err := sender.Send(ctx, msg); err != nil {
		return fmt.Errorf("envoi impossible : %w", err)
	}
	_, err = fmt.Fprintf(a.stdout, "Message d'essai envoyé à %s (%s).\n", to, msg.GetMessageID())
	return err
}
