package config

import (
	"strings"
	"testing"
	"time"
)

const validKey = "xY+0e6HH+5wsPS4FBFXyDjLF2G/JB43ytNI65OpnvFc="

func TestParseDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := Parse([]string{"DATABASE_URL=postgres://localhost/rappel", "TZ=America/New_York"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Location.String() != "Europe/Paris" {
		t.Errorf("zone = %s, want Europe/Paris whatever TZ says", cfg.Location)
	}
	if cfg.HTTPAddr != ":8080" || cfg.SMTPTLS != "starttls" || cfg.SMTPConnections != 4 || cfg.SMTPPortOrDefault() != 587 {
		t.Errorf("defaults = %+v", cfg)
	}
	if len(cfg.Reminders) != 2 || cfg.Reminders[0].Kind() != "j1" || cfg.Reminders[1].Kind() != "h1" {
		t.Errorf("reminders = %+v", cfg.Reminders)
	}
	if err := cfg.Require(NeedDatabase); err != nil {
		t.Errorf("Require(database) = %v", err)
	}
}

func TestParseErrorsNameTheVariable(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		env, variable string
	}{
		{"SMTP_PORT=abc", "SMTP_PORT"},
		{"SMTP_PORT=70000", "SMTP_PORT"},
		{"SMTP_TLS=ssl", "SMTP_TLS"},
		{"SMTP_HOST=smtp.example.org:25", "SMTP_HOST"},
		{"MAIL_FROM=pas une adresse", "MAIL_FROM"},
		{"PUBLIC_URL=example.org", "PUBLIC_URL"},
		{"PUBLIC_URL=ftp://example.org", "PUBLIC_URL"},
		{"HTTP_ADDR=8080", "HTTP_ADDR"},
		{"RAPPEL_TIMEZONE=Mars/Olympus", "RAPPEL_TIMEZONE"},
		{"REMINDERS=1w", "REMINDERS"},
		{"REMINDERS_MAX_LATE=1h", "REMINDERS_MAX_LATE"},
		{"SECRET_KEYS=court", "SECRET_KEYS"},
		{"SMTP_RATE_LIMIT=-1", "SMTP_RATE_LIMIT"},
		{"SMTP_CONNECTIONS=0", "SMTP_CONNECTIONS"},
		{"LOG_LEVEL=verbose", "LOG_LEVEL"},
		{"DATABASE_URL=mysql://x", "DATABASE_URL"},
	} {
		_, err := Parse([]string{tt.env})
		if err == nil || !strings.Contains(err.Error(), tt.variable+" :") {
			t.Errorf("Parse(%s) = %v, want an error naming %s", tt.env, err, tt.variable)
		}
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	t.Parallel()
	_, err := Parse([]string{"SMTP_PORT=x", "SMTP_TLS=y"})
	if err == nil || !strings.Contains(err.Error(), "SMTP_PORT") || !strings.Contains(err.Error(), "SMTP_TLS") {
		t.Errorf("err = %v", err)
	}
}

func TestRequire(t *testing.T) {
	t.Parallel()
	base := []string{"DATABASE_URL=postgres://localhost/rappel"}
	cfg, _ := Parse(base)
	err := cfg.Require(NeedTransport)
	for _, v := range []string{"MAIL_FROM", "PUBLIC_URL", "SECRET_KEYS", "SMTP_HOST ou MAIL_OUTBOX_DIR"} {
		if err == nil || !strings.Contains(err.Error(), v) {
			t.Errorf("Require(transport) = %v, want %s named", err, v)
		}
	}
	full := append(base, "MAIL_FROM=DINUM <rappels@example.gouv.fr>", "PUBLIC_URL=https://rappel.example.gouv.fr/",
		"SECRET_KEYS="+validKey, "SMTP_HOST=smtp.example.org", "MAIL_OUTBOX_DIR=/tmp/x")
	cfg, _ = Parse(full)
	if err := cfg.Require(NeedTransport); err == nil || !strings.Contains(err.Error(), "un seul") {
		t.Errorf("both SMTP and outbox: %v", err)
	}
	cfg, _ = Parse(full[:len(full)-1])
	if err := cfg.Require(NeedTransport); err != nil {
		t.Errorf("complete configuration refused: %v", err)
	}
	if cfg.PublicURL.String() != "https://rappel.example.gouv.fr" {
		t.Errorf("PUBLIC_URL = %s", cfg.PublicURL)
	}
}

func TestDumpHidesSecrets(t *testing.T) {
	t.Parallel()
	env := []string{"DATABASE_URL=postgres://rappel:motdepasse@db/rappel", "SMTP_PASSWORD=hunter2", "SECRET_KEYS=" + validKey}
	cfg, err := Parse(env)
	if err != nil {
		t.Fatal(err)
	}
	dump := strings.Join(cfg.Dump(env), "\n")
	for _, secret := range []string{"motdepasse", "hunter2", validKey} {
		if strings.Contains(dump, secret) {
			t.Errorf("dump shows %q:\n%s", secret, dump)
		}
	}
}

func TestKeysAndLateness(t *testing.T) {
	t.Parallel()
	cfg, err := Parse([]string{"SECRET_KEYS= " + validKey + " , " + "8Bz0DO/mX/Go1aKdsAnyrXc20ahMyeEczRMoFH6EKM4=", "REMINDERS=1d,1h,15m", "REMINDERS_MAX_LATE=1h=5m"})
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.SecretKeys) != 2 {
		t.Errorf("keys = %d", len(cfg.SecretKeys))
	}
	if cfg.Reminders[1].MaxLate != 5*time.Minute || cfg.Reminders[2].MaxLate != 225*time.Second {
		t.Errorf("lateness = %s, %s", cfg.Reminders[1].MaxLate, cfg.Reminders[2].MaxLate)
	}
}
