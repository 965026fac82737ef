package main

import (
	"github.com/dinum/rappel/notify"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/token"
)

// mailParts is what building messages needs: the templates (with the
// operators' overrides, checked), the link signer and the composer.
type mailParts struct {
	templates *templates.Set
	signer    *token.Signer
	composer  *notify.Composer
	// reminders says when reminders are sent: "la veille et une heure avant".
	reminders string
}

func (a *app) mailParts() (mailParts, error) {
	tpl, err := templates.LoadWithOverrides(a.cfg.TemplatesDir)
	if err != nil {
		return mailParts{}, err
	}
	signer, err := token.NewSigner(a.cfg.SecretKeys)
	if err != nil {
		return mailParts{}, err
	}
	var when []string
	for _, r := range a.cfg.Reminders {
		when = append(when, templates.Before(r.Days, r.Duration))
	}
	composer, err := notify.NewComposer(notify.ComposerConfig{
		From: a.cfg.MailFrom, PublicURL: a.cfg.PublicURL, UnsubscribeMailto: a.cfg.UnsubscribeMailto,
		Location: a.cfg.Location, Templates: tpl, Tokens: signer,
		Reminders: templates.Join(when), ConfirmValidity: templates.Duration(a.cfg.ConfirmTTL),
	})
	if err != nil {
		return mailParts{}, err
	}
	return mailParts{templates: tpl, signer: signer, composer: composer, reminders: templates.Join(when)}, nil
}
