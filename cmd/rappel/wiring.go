package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"

	"github.com/dinum/rappel/config"
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
	// reminders is what a sign-up brings, « des rappels la veille, puis une
	// heure avant »; schedule when they leave, « la veille, puis une heure
	// avant ».
	reminders, schedule string
	// validity says how long a confirmation link works: « 48 heures ».
	validity string
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
		Reminders: templates.RemindersPhrase(when), ConfirmValidity: templates.Duration(a.cfg.ConfirmTTL),
		ReplyTo: a.cfg.MailReplyTo,
	})
	if err != nil {
		return mailParts{}, err
	}
	return mailParts{templates: tpl, signer: signer, composer: composer, reminders: templates.RemindersPhrase(when),
		schedule: templates.Schedule(when), validity: templates.Duration(a.cfg.ConfirmTTL)}, nil
}

// smtpConfig is the relay of the configuration; with SMTP_CA_FILE, the
// system's authorities are trusted and that file's too.
func smtpConfig(cfg *config.Config) (notify.SMTPConfig, error) {
	sc := notify.SMTPConfig{
		Host: cfg.SMTPHost, Port: cfg.SMTPPortOrDefault(), Username: cfg.SMTPUsername, Password: cfg.SMTPPassword,
		TLS: cfg.SMTPTLS, Timeout: cfg.SMTPTimeout, Connections: cfg.SMTPConnections, HELO: cfg.SMTPHELO,
	}
	if cfg.SMTPCAFile == "" {
		return sc, nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	pemData, err := os.ReadFile(cfg.SMTPCAFile)
	if err != nil || !pool.AppendCertsFromPEM(pemData) {
		return sc, fmt.Errorf("SMTP_CA_FILE : aucun certificat lisible dans %s", cfg.SMTPCAFile)
	}
	sc.TLSConfig = &tls.Config{RootCAs: pool, ServerName: cfg.SMTPHost, MinVersion: tls.VersionTLS12}
	return sc, nil
}
