package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/dinum/rappel/config"
	"github.com/dinum/rappel/notify"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
)

// checker writes the report of "rappel check", one line a check.
type checker struct {
	w        io.Writer
	problems int
}

func (c *checker) ok(what, detail string) {
	fmt.Fprintf(c.w, "  ✔ %s : %s\n", what, detail)
}

func (c *checker) fail(what, detail string) {
	c.problems++
	fmt.Fprintf(c.w, "  ✘ %s : %s\n", what, detail)
}

// runCheck checks, in order, what "rappel run" needs: the configuration,
// the database and its schema, the templates, and the SMTP server (EHLO,
// STARTTLS, AUTH as configured) or the outbox folder. It reports every
// check, not only the first failure, and fails if any failed.
func runCheck(ctx context.Context, environ []string, stdout io.Writer) error {
	c := &checker{w: stdout}
	fmt.Fprintln(stdout, "Vérification de rappel :")
	cfg, err := config.Parse(environ)
	if err != nil {
		c.fail("Configuration", err.Error())
		return c.done()
	}
	if err := cfg.Require(config.NeedTransport); err != nil {
		c.fail("Configuration", err.Error())
	} else {
		c.ok("Configuration", "toutes les variables sont présentes et valides")
	}
	if cfg.DatabaseURL != "" {
		c.database(ctx, cfg)
	}
	if _, err := templates.LoadWithOverrides(cfg.TemplatesDir); err != nil {
		c.fail("Modèles", describe(err))
	} else {
		c.ok("Modèles", fmt.Sprintf("les %d messages et les %d pages se construisent", len(templates.Emails), len(templates.Pages)))
	}
	switch {
	case cfg.MailOutboxDir != "":
		c.outbox(cfg.MailOutboxDir)
	case cfg.SMTPHost != "":
		c.smtp(ctx, cfg)
	}
	return c.done()
}

// checkFailed ends "rappel check" with a non-zero exit code.
type checkFailed struct{ problems int }

func (e *checkFailed) Error() string {
	return fmt.Sprintf("%d problème(s) : corrigez-les avant de lancer le service", e.problems)
}

func (c *checker) done() error {
	if c.problems > 0 {
		return &checkFailed{problems: c.problems}
	}
	fmt.Fprintln(c.w, "Tout est prêt.")
	return nil
}

func (c *checker) database(ctx context.Context, cfg *config.Config) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	st, err := store.Open(ctx, cfg.DatabaseURL, 2)
	if err != nil {
		c.fail("Base de données", describe(err))
		return
	}
	defer st.Close()
	v, err := st.SchemaVersion(ctx)
	switch want := store.LatestSchemaVersion(); {
	case err != nil:
		c.fail("Base de données", "schéma illisible : "+err.Error())
	case v < want:
		c.fail("Base de données", fmt.Sprintf("joignable, mais schéma en version %d alors que la version %d est attendue : lancez « rappel migrate »", v, want))
	default:
		c.ok("Base de données", fmt.Sprintf("joignable, schéma en version %d (à jour)", v))
	}
}

func (c *checker) smtp(ctx context.Context, cfg *config.Config) {
	what := "Serveur SMTP " + net.JoinHostPort(cfg.SMTPHost, strconv.Itoa(cfg.SMTPPortOrDefault()))
	sc, err := smtpConfig(cfg)
	if err != nil {
		c.fail(what, err.Error())
		return
	}
	sc.Timeout, sc.Connections = min(cfg.SMTPTimeout, 15*time.Second), 1
	s, err := notify.NewSMTP(sc)
	if err != nil {
		c.fail(what, err.Error())
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := s.Check(ctx); err != nil {
		c.fail(what, "échec de la connexion ("+smtpSteps(cfg)+") : "+rootCause(err).Error())
		return
	}
	c.ok(what, "connexion réussie ("+smtpSteps(cfg)+")")
}

// smtpSteps names what connecting involves with this configuration.
func smtpSteps(cfg *config.Config) string {
	steps := "EHLO"
	switch cfg.SMTPTLS {
	case notify.TLSStartTLS:
		steps += ", STARTTLS"
	case notify.TLSImplicit:
		steps = "TLS, " + steps
	}
	if cfg.SMTPUsername != "" {
		steps += ", authentification"
	}
	return steps
}

func (c *checker) outbox(dir string) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		c.fail("Dossier d'envoi", "impossible à créer : "+err.Error())
		return
	}
	f, err := os.CreateTemp(dir, ".rappel-check-*")
	if err != nil {
		c.fail("Dossier d'envoi", "impossible d'y écrire : "+err.Error())
		return
	}
	f.Close()
	os.Remove(f.Name())
	abs, _ := filepath.Abs(dir)
	c.ok("Dossier d'envoi", "les messages seront écrits dans "+abs)
}
