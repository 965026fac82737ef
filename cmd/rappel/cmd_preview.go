package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/notify"
	"github.com/dinum/rappel/notify/mailview"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/when"
)

// sampleRecipient receives previews.
var sampleRecipient = templates.Recipient{Name: "Camille Exemple", Email: "camille.exemple@example.gouv.fr"}

// sampleMessage is the message of kind about session s as it would be
// built when it leaves: a reminder at its due time, a notice now.
func sampleMessage(a *app, s store.Session, k kind.Message) (notify.Message, error) {
	now := time.Now()
	if !k.IsNotice() {
		r, ok := when.ReminderForKind(when.KindOffsets(a.cfg.Reminders), k)
		if !ok {
			return notify.Message{}, usagef("--kind : message inconnu « %s » (j1, h1, reminder-15m, confirmation, confirmed, reschedule, cancellation)", k)
		}
		now = r.DueAt(s.StartsAt, sessionZone(a, s))
	}
	m := notify.Message{
		Kind: k, Recipient: sampleRecipient, Now: now, ScheduleVersion: s.ScheduleVersion,
		Session: s.TemplateInput(),
		TestID:  randomID(),
	}
	switch k {
	case kind.Confirmation:
		m.ConfirmToken = "exemple"
	case kind.Reschedule:
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

// messageOptions reads --session and --kind and builds the message, for
// recipient when one is given.
func messageOptions(ctx context.Context, a *app, p parsedArgs, recipient *templates.Recipient) (*notify.Email, error) {
	id, err := p.sessionOption()
	if err != nil {
		return nil, err
	}
	k, err := p.required("kind")
	if err != nil {
		return nil, err
	}
	s, err := findSession(ctx, a, id)
	if err != nil {
		return nil, err
	}
	m, err := sampleMessage(a, s, kind.Message(strings.TrimSpace(k)))
	if err != nil {
		return nil, err
	}
	if recipient != nil {
		m.Recipient = *recipient
	}
	parts, err := a.mailParts()
	if err != nil {
		return nil, err
	}
	return parts.composer.Compose(m)
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
	msg, err := messageOptions(ctx, a, p, nil)
	if err != nil {
		return err
	}
	if format == "eml" {
		_, err := a.stdout.Write(msg.Data)
		return err
	}
	parsed, err := mailview.Read(msg.Data)
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
	msg, err := messageOptions(ctx, a, p, &templates.Recipient{Name: sampleRecipient.Name, Email: to})
	if err != nil {
		return err
	}
	sender, err := newSender(ctx, a)
	if err != nil {
		return err
	}
	defer sender.Close()
	if err := sender.Send(ctx, msg); err != nil {
		return fmt.Errorf("envoi impossible : %w", err)
	}
	_, err = fmt.Fprintf(a.stdout, "Message d'essai envoyé à %s (<%s>).\n", to, msg.MessageID)
	return err
}
