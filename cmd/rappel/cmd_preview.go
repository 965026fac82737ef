package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/notify"
	"github.com/dinum/rappel/notify/mailview"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
)

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
	to := notify.SampleRecipient
	if recipient != nil {
		to = *recipient
	}
	parts, err := a.mailParts()
	if err != nil {
		return nil, err
	}
	msg, err := a.previewer(parts).Build(s.TemplateInput(), s.ScheduleVersion, kind.Message(strings.TrimSpace(k)), to)
	if errors.Is(err, notify.ErrUnknownKind) {
		return nil, usagef("--kind : message inconnu « %s » (j1, h1, reminder-15m, confirmation, confirmed, reschedule, cancellation)", k)
	}
	return msg, err
}

// previewer builds the messages of a session as they will leave.
func (a *app) previewer(parts mailParts) *notify.Previewer {
	return &notify.Previewer{Composer: parts.composer, Reminders: a.cfg.Reminders, Location: a.cfg.Location,
		WorkingDays: a.cfg.WorkingDays()}
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
	msg, err := messageOptions(ctx, a, p, &templates.Recipient{Name: notify.SampleRecipient.Name, Email: to})
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
