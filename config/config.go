// Package config reads rappel's settings from KEY=VALUE pairs (the
// environment, and a file only when one is named), checks every value, and
// says in French which variable is wrong. It is the single table of options:
// name, default, parser, and whether the value is a secret.
package config

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/dinum/rappel/when"

	"github.com/robfig/cron/v3"
)

// Config is every setting of rappel, parsed.
type Config struct {
	DatabaseURL string

	SMTPHost        string
	SMTPPort        int
	SMTPUsername    string
	SMTPPassword    string
	SMTPTLS         string
	SMTPConnections int
	SMTPRateLimit   float64
	SMTPTimeout     time.Duration
	SMTPHELO        string
	SMTPCAFile      string

	MailFrom     *mail.Address
	TemplatesDir string
	// MailReplyTo answers the replies about sessions that name no contact.
	MailReplyTo       *mail.Address
	MailOutboxDir     string
	UnsubscribeMailto string
	PublicURL         *url.URL
	HTTPAddr          string
	Location          *time.Location
	Reminders         []when.Reminder
	// RemindersWorkingDays moves the reminders counted in days off the
	// days nobody works, by RemindersCalendar's public holidays.
	RemindersWorkingDays bool
	RemindersCalendar    string
	SecretKeys           [][]byte

	ClaimBatch    int
	Lease         time.Duration
	SweepInterval time.Duration
	RetryMax      int
	RetryBase     time.Duration
	RetryMaxDelay time.Duration

	Retention  time.Duration
	ConfirmTTL time.Duration
	// WaitlistOfferTTL is how long an offer of a freed place lasts at most.
	WaitlistOfferTTL time.Duration
	PendingTTL       time.Duration
	ConfirmsPerDay   int
	SignupsPerHour   int
	TrustedProxies   int
	// What the pages say of the service and of who runs it.
	SiteController, SiteContact            string
	AccessibilityStatus                    string
	AccessibilityURL, LegalURL, PrivacyURL string
	// MetricsAddr, when set, serves /metrics there and not on HTTPAddr.
	MetricsAddr string

	AgendaFeeds    []string
	AgendaFeedKind string
	// AgendaFeedSchedule is parsed here, once.
	AgendaFeedSchedule cron.Schedule

	// OIDC signs organisers in through an OpenID Connect provider
	// (ProConnect) when all three are set.
	OIDCIssuer, OIDCClientID, OIDCClientSecret string
	OIDCScopes                                 []string

	LogLevel  string
	LogFormat string
}

// OIDC says whether signing in through an OpenID Connect provider is
// configured.
func (c *Config) OIDC() bool { return c.OIDCIssuer != "" }

// Error lists every invalid variable at once, so that a person fixes them
// all in one go.
type Error struct {
	Problems []string
}

func (e *Error) Error() string {
	if len(e.Problems) == 1 {
		return "configuration invalide : " + e.Problems[0]
	}
	return "configuration invalide :\n  - " + strings.Join(e.Problems, "\n  - ")
}

// Parse reads the KEY=VALUE pairs of env (later pairs win) and checks each
// value. Variables the table does not know are ignored: the environment
// holds many others.
func Parse(env []string) (*Config, error) {
	values := map[string]string{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			values[k] = v
		}
	}
	cfg := &Config{}
	var problems []string
	for _, o := range options {
		raw, set := values[o.name]
		raw = strings.TrimSpace(raw)
		if !set || raw == "" {
			raw = o.def
		}
		if raw == "" {
			continue
		}
		if err := o.parse(cfg, raw); err != nil {
			problems = append(problems, fmt.Sprintf("%s : %v", o.name, err))
		}
	}
	if set := []bool{cfg.OIDCIssuer != "", cfg.OIDCClientID != "", cfg.OIDCClientSecret != ""}; set[0] != set[1] || set[1] != set[2] {
		problems = append(problems, "OIDC_ISSUER, OIDC_CLIENT_ID et OIDC_CLIENT_SECRET vont ensemble : donnez les trois, ou aucun")
	}
	if len(problems) == 0 {
		if err := when.ApplyMaxLate(cfg.Reminders, values["REMINDERS_MAX_LATE"]); err != nil {
			problems = append(problems, "REMINDERS_MAX_LATE : "+err.Error())
		}
	}
	if len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}
	return cfg, nil
}

// SMTPPortOrDefault is SMTP_PORT, or the usual port of the TLS mode.
func (c *Config) SMTPPortOrDefault() int {
	if c.SMTPPort != 0 {
		return c.SMTPPort
	}
	switch c.SMTPTLS {
	case "none":
		return 25
	case "tls":
		return 465
	}
	return 587
}

// Need says what a command needs beyond the database.
type Need int

// What commands need.
const (
	NeedDatabase Need = iota
	// NeedMail: a command that builds messages needs the sender, the links
	// and the signing keys.
	NeedMail
	// NeedTransport: a command that sends needs SMTP or an outbox too.
	NeedTransport
)

// Require checks the variables a command cannot do without.
func (c *Config) Require(n Need) error {
	var problems []string
	missing := func(name string) {
		problems = append(problems, name+" : variable obligatoire, absente")
	}
	if c.DatabaseURL == "" {
		missing("DATABASE_URL")
	}
	if n >= NeedMail {
		if c.MailFrom == nil {
			missing("MAIL_FROM")
		}
		if c.PublicURL == nil {
			missing("PUBLIC_URL")
		}
		if len(c.SecretKeys) == 0 {
			missing("SECRET_KEYS")
		}
	}
	if n >= NeedTransport {
		problems = append(problems, c.transportProblems()...)
	}
	if len(problems) > 0 {
		return &Error{Problems: problems}
	}
	return nil
}

// transportProblems checks that exactly one of SMTP and the outbox is set.
func (c *Config) transportProblems() []string {
	switch {
	case c.SMTPHost == "" && c.MailOutboxDir == "":
		return []string{"SMTP_HOST ou MAIL_OUTBOX_DIR : il en faut un (serveur SMTP ou dossier d'envoi)"}
	case c.SMTPHost != "" && c.MailOutboxDir != "":
		return []string{"SMTP_HOST et MAIL_OUTBOX_DIR : un seul des deux doit être défini"}
	case c.SMTPPassword != "" && c.SMTPUsername == "":
		return []string{"SMTP_PASSWORD : défini sans SMTP_USERNAME"}
	}
	return nil
}

// Dump lists the settings with the secrets hidden, for logs and support.
func (c *Config) Dump(env []string) []string {
	values := map[string]string{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			values[k] = v
		}
	}
	var out []string
	for _, o := range options {
		v, set := values[o.name]
		switch {
		case !set || v == "":
			v = o.def
		case o.secret:
			v = "********"
		case o.name == "DATABASE_URL":
			v = redactURL(v)
		}
		out = append(out, o.name+"="+v)
	}
	return out
}

func redactURL(v string) string {
	u, err := url.Parse(v)
	if err != nil {
		return "********"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "********")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "********")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// Option describes one variable, for the help.
type Option struct {
	Name    string
	Default string
	Doc     string
	Secret  bool
}

// Options lists the variables in the order of the table.
func Options() []Option {
	out := make([]Option, 0, len(options))
	for _, o := range options {
		out = append(out, Option{Name: o.name, Default: o.def, Doc: o.doc, Secret: o.secret})
	}
	return out
}

// WorkingDays is the calendar the reminders counted in days keep to, or nil
// when they go out whatever the day (REMINDERS_WORKING_DAYS).
func (c *Config) WorkingDays() *when.WorkingDays {
	if !c.RemindersWorkingDays {
		return nil
	}
	w, _ := when.NewWorkingDays(c.RemindersCalendar) // checked when parsed
	return w
}
