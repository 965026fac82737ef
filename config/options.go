package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/when"
)

// option is one row of the table: its variable, its default, how to read
// it, whether it is a secret, and what it is for (shown by "rappel help").
type option struct {
	name   string
	def    string
	secret bool
	doc    string
	parse  func(c *Config, v string) error
}

var options = []option{
	{name: "DATABASE_URL", doc: "adresse de PostgreSQL (postgres://…), obligatoire",
		parse: func(c *Config, v string) error { c.DatabaseURL = v; return checkDatabaseURL(v) }},
	{name: "SMTP_HOST", doc: "serveur SMTP (ou MAIL_OUTBOX_DIR)",
		parse: func(c *Config, v string) error { c.SMTPHost = v; return checkHost(v) }},
	{name: "SMTP_PORT", doc: "port SMTP (par défaut 25, 587 ou 465 selon SMTP_TLS)",
		parse: func(c *Config, v string) (err error) { c.SMTPPort, err = parseInt(v, 1, 65535); return err }},
	{name: "SMTP_USERNAME", doc: "identifiant SMTP, si le serveur en demande un",
		parse: func(c *Config, v string) error { c.SMTPUsername = v; return nil }},
	{name: "SMTP_PASSWORD", secret: true, doc: "mot de passe SMTP",
		parse: func(c *Config, v string) error { c.SMTPPassword = v; return nil }},
	{name: "SMTP_TLS", def: "starttls", doc: "none, starttls ou tls",
		parse: parseTLS},
	{name: "SMTP_CONNECTIONS", def: "4", doc: "connexions SMTP simultanées",
		parse: func(c *Config, v string) (err error) { c.SMTPConnections, err = parseInt(v, 1, 256); return err }},
	{name: "SMTP_RATE_LIMIT", def: "0", doc: "messages par seconde au plus (0 : sans limite)",
		parse: parseRate},
	{name: "SMTP_TIMEOUT", def: "30s", doc: "délai maximal de chaque échange SMTP",
		parse: func(c *Config, v string) (err error) {
			c.SMTPTimeout, err = parseDuration(v, time.Second, 10*time.Minute)
			return err
		}},
	{name: "SMTP_HELO", doc: "nom annoncé au serveur SMTP (EHLO), par défaut le nom de la machine",
		parse: func(c *Config, v string) error { c.SMTPHELO = v; return checkHost(v) }},
	{name: "SMTP_CA_FILE", doc: "certificats (PEM) d'une autorité privée à croire pour le TLS du relais, en plus de celles du système",
		parse: func(c *Config, v string) error { c.SMTPCAFile = v; return checkReadable(v) }},
	{name: "MAIL_FROM", doc: "expéditeur, par exemple « DINUM <rappels@example.gouv.fr> »",
		parse: parseFrom},
	{name: "MAIL_REPLY_TO", doc: "à qui vont les réponses aux messages d'une session sans contact (ni le sien ni celui de son organisateur), par exemple « Équipe du Mois de l'innovation <contact@example.gouv.fr> »",
		parse: func(c *Config, v string) error {
			a, err := mail.ParseAddress(v)
			if err != nil || !strings.Contains(a.Address, "@") {
				return fmt.Errorf("« %s » : adresse invalide (exemple : Équipe <contact@example.gouv.fr>)", v)
			}
			c.MailReplyTo = a
			return nil
		}},
	{name: "MAIL_OUTBOX_DIR", doc: "dossier où écrire les messages (.eml) au lieu de les envoyer",
		parse: func(c *Config, v string) error { c.MailOutboxDir = v; return nil }},
	{name: "LIST_UNSUBSCRIBE_MAILTO", doc: "adresse de désinscription par courriel (facultative)",
		parse: parseUnsubscribeMailto},
	{name: "TEMPLATES_DIR", doc: "dossier de modèles qui remplacent ceux du binaire (mêmes chemins : email/j1.txt.tmpl…)",
		parse: func(c *Config, v string) error { c.TemplatesDir = v; return nil }},
	{name: "OIDC_ISSUER", doc: "fournisseur OpenID Connect des organisateurs (ProConnect : https://auth.agentconnect.gouv.fr/api/v2), avec OIDC_CLIENT_ID et OIDC_CLIENT_SECRET",
		parse: func(c *Config, v string) error {
			u, err := url.Parse(v)
			local := err == nil && (u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1")
			if err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && local)) {
				return fmt.Errorf("« %s » : adresse https attendue", v)
			}
			c.OIDCIssuer = strings.TrimSuffix(v, "/")
			return nil
		}},
	{name: "OIDC_CLIENT_ID", doc: "identifiant de rappel chez le fournisseur OpenID Connect",
		parse: func(c *Config, v string) error { c.OIDCClientID = v; return nil }},
	{name: "OIDC_CLIENT_SECRET", secret: true, doc: "secret de rappel chez le fournisseur OpenID Connect",
		parse: func(c *Config, v string) error { c.OIDCClientSecret = v; return nil }},
	{name: "OIDC_SCOPES", def: "openid email", doc: "portées demandées au fournisseur OpenID Connect (ProConnect : openid email given_name usual_name)",
		parse: func(c *Config, v string) error {
			c.OIDCScopes = strings.Fields(v)
			if !slices.Contains(c.OIDCScopes, "openid") {
				return fmt.Errorf("« %s » : la portée openid est obligatoire", v)
			}
			return nil
		}},
	{name: "PUBLIC_URL", doc: "adresse publique de rappel, base des liens des messages",
		parse: parsePublicURL},
	{name: "HTTP_ADDR", def: ":8080", doc: "adresse d'écoute HTTP",
		parse: parseHTTPAddr},
	{name: "METRICS_ADDR", doc: "adresse d'écoute où servir /metrics seul (par exemple 127.0.0.1:9090) ; sinon /metrics est servi sur HTTP_ADDR",
		parse: func(c *Config, v string) error {
			if _, _, err := net.SplitHostPort(v); err != nil {
				return fmt.Errorf("« %s » : hôte:port attendu (exemple : 127.0.0.1:9090)", v)
			}
			c.MetricsAddr = v
			return nil
		}},
	{name: "RAPPEL_TIMEZONE", def: "Europe/Paris", doc: "fuseau horaire des dates affichées",
		parse: parseLocation},
	{name: "REMINDERS", def: when.DefaultReminders, doc: "rappels avant chaque session (1d : la veille à la même heure ; 1h, 15m : durées)",
		parse: func(c *Config, v string) (err error) { c.Reminders, err = when.ParseReminders(v); return err }},
	{name: "REMINDERS_MAX_LATE", doc: "retard maximal par rappel, par exemple 1d=6h,1h=15m (par défaut le quart du délai, 6 h au plus)",
		parse: func(*Config, string) error { return nil }}, // read after REMINDERS, in Parse
	{name: "REMINDERS_WORKING_DAYS", def: "false", doc: "true : un rappel compté en jours qui tomberait un samedi, un dimanche ou un jour férié part le dernier jour ouvré avant, à la même heure",
		parse: func(c *Config, v string) (err error) { c.RemindersWorkingDays, err = parseBool(v); return err }},
	{name: "REMINDERS_CALENDAR", def: when.CalendarFrance, doc: "jours fériés de REMINDERS_WORKING_DAYS : france, ou alsace-moselle (avec le Vendredi saint et le 26 décembre)",
		parse: func(c *Config, v string) error {
			if _, err := when.NewWorkingDays(v); err != nil {
				return err
			}
			c.RemindersCalendar = v
			return nil
		}},
	{name: "SECRET_KEYS", secret: true, doc: "clés de signature des liens, tirées au hasard (openssl rand -base64 32), séparées par des virgules ; la première signe",
		parse: parseKeys},
	{name: "CLAIM_BATCH", def: "5000", doc: "envois réservés à la fois, au plus (la taille suit le débit)",
		parse: func(c *Config, v string) (err error) { c.ClaimBatch, err = parseInt(v, 1, 100000); return err }},
	{name: "LEASE_DURATION", def: "30s", doc: "durée de réservation d'un envoi avant qu'une autre instance le reprenne (renouvelée tant que l'instance vit)",
		parse: func(c *Config, v string) (err error) {
			c.Lease, err = parseDuration(v, 10*time.Second, time.Hour)
			return err
		}},
	{name: "SWEEP_INTERVAL", def: "1m", doc: "période de la vérification de secours",
		parse: func(c *Config, v string) (err error) {
			c.SweepInterval, err = parseDuration(v, time.Second, time.Hour)
			return err
		}},
	{name: "RETRY_MAX_ATTEMPTS", def: "8", doc: "tentatives d'envoi au plus après des erreurs temporaires",
		parse: func(c *Config, v string) (err error) { c.RetryMax, err = parseInt(v, 1, 100); return err }},
	{name: "RETRY_BASE_DELAY", def: "15s", doc: "attente après un premier échec temporaire, doublée à chaque échec",
		parse: func(c *Config, v string) (err error) {
			c.RetryBase, err = parseDuration(v, 10*time.Millisecond, time.Hour)
			return err
		}},
	{name: "RETRY_MAX_DELAY", def: "10m", doc: "attente maximale entre deux tentatives",
		parse: func(c *Config, v string) (err error) {
			c.RetryMaxDelay, err = parseDuration(v, 10*time.Millisecond, 24*time.Hour)
			return err
		}},
	{name: "RETENTION", def: "90d", doc: "durée de conservation des inscriptions et adresses après la fin d'une session (RGPD), en jours (90d) ou en heures",
		parse: func(c *Config, v string) (err error) {
			c.Retention, err = parseDays(v, 24*time.Hour, 10*365*24*time.Hour)
			return err
		}},
	{name: "CONFIRM_TTL", def: "48h", doc: "validité du lien de confirmation d'une inscription",
		parse: func(c *Config, v string) (err error) {
			c.ConfirmTTL, err = parseDuration(v, time.Hour, 30*24*time.Hour)
			return err
		}},
	{name: "WAITLIST_OFFER_TTL", def: "24h", doc: "durée d'une offre de place libérée à la personne suivante de la liste d'attente ; elle finit au plus tard 2 heures avant la session, et aucune offre n'est faite dans les 3 dernières heures",
		parse: func(c *Config, v string) (err error) {
			c.WaitlistOfferTTL, err = parseDuration(v, time.Hour, 7*24*time.Hour)
			return err
		}},
	{name: "PENDING_TTL", def: "72h", doc: "délai après lequel une inscription non confirmée et son adresse sont effacées",
		parse: func(c *Config, v string) (err error) {
			c.PendingTTL, err = parseDuration(v, time.Hour, 90*24*time.Hour)
			return err
		}},
	{name: "CONFIRMS_PER_DAY", def: "3", doc: "demandes de confirmation au plus par adresse et par 24 heures",
		parse: func(c *Config, v string) (err error) { c.ConfirmsPerDay, err = parseInt(v, 1, 100); return err }},
	{name: "SIGNUPS_PER_HOUR", def: "20", doc: "inscriptions au plus par client (adresse IP) et par heure",
		parse: func(c *Config, v string) (err error) { c.SignupsPerHour, err = parseInt(v, 1, 100000); return err }},
	{name: "AGENDA_FEEDS", doc: "calendriers iCalendar (adresses https:// ou fichiers, séparés par des virgules) que « run » suit : leurs sessions sont importées et tenues à jour",
		parse: parseFeeds},
	{name: "AGENDA_FEED_KIND", doc: "type des sessions d'un calendrier qui ne le donne pas (" + strings.Join(kind.SessionValues(), ", ") + ")",
		parse: func(c *Config, v string) error {
			c.AgendaFeedKind = v
			return oneOf(v, kind.SessionValues()...)
		}},
	{name: "AGENDA_FEED_SCHEDULE", def: "*/15 * * * *", doc: "quand relire les calendriers (cron : minute heure jour mois jour-de-semaine, heure de RAPPEL_TIMEZONE)",
		parse: func(c *Config, v string) (err error) {
			if c.AgendaFeedSchedule, err = cron.ParseStandard(v); err != nil {
				return fmt.Errorf("« %s » : expression cron illisible (par exemple « */15 * * * * ») : %v", v, err)
			}
			return nil
		}},
	{name: "SITE_CONTROLLER", doc: "qui est responsable des données personnelles, nommé dans les pages (par exemple « Direction interministérielle du numérique (DINUM) ») ; par défaut le nom de MAIL_FROM",
		parse: func(c *Config, v string) error { c.SiteController = v; return checkLine(v) }},
	{name: "SITE_CONTACT", doc: "adresse où exercer ses droits et signaler un défaut d'accessibilité ; par défaut celle de MAIL_REPLY_TO",
		parse: func(c *Config, v string) error {
			a, err := mail.ParseAddress(v)
			if err != nil || a.Name != "" {
				return fmt.Errorf("« %s » : une adresse seule est attendue", v)
			}
			c.SiteContact = a.Address
			return nil
		}},
	{name: "ACCESSIBILITY_STATUS", def: "non", doc: "conformité au RGAA que déclarent les pages : non, partiellement ou totalement",
		parse: func(c *Config, v string) error {
			c.AccessibilityStatus = v
			return oneOf(v, "non", "partiellement", "totalement")
		}},
	{name: "ACCESSIBILITY_URL", doc: "page de la déclaration d'accessibilité, si vous en publiez une (sinon celle de rappel, /accessibilite)",
		parse: func(c *Config, v string) error { c.AccessibilityURL = v; return checkPageURL(v) }},
	{name: "LEGAL_URL", doc: "page des mentions légales, si vous en publiez une (sinon celle de rappel, /mentions-legales)",
		parse: func(c *Config, v string) error { c.LegalURL = v; return checkPageURL(v) }},
	{name: "PRIVACY_URL", doc: "page sur les données personnelles, si vous en publiez une (sinon celle de rappel, /donnees-personnelles)",
		parse: func(c *Config, v string) error { c.PrivacyURL = v; return checkPageURL(v) }},
	{name: "TRUST_PROXY", def: "false", doc: "mandataires inverses devant rappel qui ajoutent l'adresse du client à X-Forwarded-For : false (aucun), true (un seul) ou leur nombre ; seules les adresses qu'ils ont écrites sont lues",
		parse: parseTrustProxy},
	{name: "LOG_LEVEL", doc: "debug, info, warn ou error (par défaut info pour « run », warn pour les autres commandes)",
		parse: func(c *Config, v string) error { c.LogLevel = v; return oneOf(v, "debug", "info", "warn", "error") }},
	{name: "LOG_FORMAT", def: "json", doc: "json ou text",
		parse: func(c *Config, v string) error { c.LogFormat = v; return oneOf(v, "json", "text") }},
}

func oneOf(v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("« %s » n'est pas une valeur possible (%s)", v, strings.Join(allowed, ", "))
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "true", "1", "oui", "yes":
		return true, nil
	case "false", "0", "non", "no":
		return false, nil
	}
	return false, fmt.Errorf("« %s » : true ou false attendu", v)
}

func parseInt(v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("« %s » : un nombre entier entre %d et %d est attendu", v, lo, hi)
	}
	return n, nil
}

// parseDays reads a duration that may be written in days ("90d").
func parseDays(v string, lo, hi time.Duration) (time.Duration, error) {
	if n, ok := strings.CutSuffix(v, "d"); ok {
		days, err := strconv.Atoi(n)
		if err == nil && days > 0 {
			v = strconv.Itoa(days*24) + "h"
		}
	}
	return parseDuration(v, lo, hi)
}

func parseDuration(v string, lo, hi time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d < lo || d > hi {
		return 0, fmt.Errorf("« %s » : une durée entre %s et %s est attendue (exemples : 30s, 5m)", v, lo, hi)
	}
	return d, nil
}

func checkDatabaseURL(v string) error {
	if strings.HasPrefix(v, "postgres://") || strings.HasPrefix(v, "postgresql://") {
		if _, err := url.Parse(v); err != nil {
			return errors.New("adresse illisible")
		}
		return nil
	}
	if strings.Contains(v, "=") { // key=value form of libpq
		return nil
	}
	return errors.New("adresse postgres://… ou paramètres clé=valeur attendus")
}

func checkHost(v string) error {
	if strings.ContainsAny(v, " /:@") {
		return fmt.Errorf("« %s » : un nom d'hôte seul est attendu (le port va dans SMTP_PORT)", v)
	}
	return nil
}

func checkReadable(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("fichier illisible : %s", path)
	}
	return f.Close()
}

func parseTLS(c *Config, v string) error {
	c.SMTPTLS = v
	return oneOf(v, "none", "starttls", "tls")
}

func parseFeeds(c *Config, v string) error {
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if strings.Contains(f, "://") && !strings.HasPrefix(f, "https://") && !strings.HasPrefix(f, "http://") {
			return fmt.Errorf("« %s » : une adresse https:// ou un fichier est attendu", f)
		}
		c.AgendaFeeds = append(c.AgendaFeeds, f)
	}
	return nil
}

// parseTrustProxy reads how many reverse proxies append to
// X-Forwarded-For: a boolean (one or none) or their number.
func parseTrustProxy(c *Config, v string) error {
	if b, err := parseBool(v); err == nil {
		c.TrustedProxies = 0
		if b {
			c.TrustedProxies = 1
		}
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 10 {
		return fmt.Errorf("« %s » : false, true ou un nombre de mandataires entre 0 et 10 est attendu", v)
	}
	c.TrustedProxies = n
	return nil
}

func parseRate(c *Config, v string) error {
	r, err := strconv.ParseFloat(v, 64)
	if err != nil || r < 0 || r > 1e6 {
		return fmt.Errorf("« %s » : un nombre positif est attendu (0 : sans limite)", v)
	}
	c.SMTPRateLimit = r
	return nil
}

func parseFrom(c *Config, v string) error {
	a, err := mail.ParseAddress(v)
	if err != nil || !strings.Contains(a.Address, "@") {
		return fmt.Errorf("« %s » : adresse invalide (exemple : DINUM <rappels@example.gouv.fr>)", v)
	}
	c.MailFrom = a
	return nil
}

func parseUnsubscribeMailto(c *Config, v string) error {
	a, err := mail.ParseAddress(v)
	if err != nil || a.Name != "" {
		return fmt.Errorf("« %s » : une adresse seule est attendue", v)
	}
	c.UnsubscribeMailto = a.Address
	return nil
}

func parsePublicURL(c *Config, v string) error {
	u, err := url.Parse(strings.TrimRight(v, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("« %s » : une adresse https://… complète est attendue", v)
	}
	c.PublicURL = u
	return nil
}

func parseHTTPAddr(c *Config, v string) error {
	if _, _, err := net.SplitHostPort(v); err != nil {
		return fmt.Errorf("« %s » : hôte:port attendu (exemple : :8080)", v)
	}
	c.HTTPAddr = v
	return nil
}

func parseLocation(c *Config, v string) error {
	loc, err := time.LoadLocation(v)
	if err != nil || v == "Local" {
		return fmt.Errorf("« %s » : fuseau horaire inconnu (exemple : Europe/Paris)", v)
	}
	c.Location = loc
	return nil
}

// parseKeys reads the signing keys: each one random, 32 bytes or more
// (checkKey says what is refused).
func parseKeys(c *Config, v string) error {
	for i, k := range strings.Split(v, ",") {
		key, err := checkKey(i+1, strings.TrimSpace(k))
		if err != nil {
			return err
		}
		c.SecretKeys = append(c.SecretKeys, key)
	}
	return nil
}

func checkLine(v string) error {
	if strings.ContainsAny(v, "\r\n\t") || len(v) > 200 {
		return fmt.Errorf("« %s » : une ligne de 200 caractères au plus est attendue", v)
	}
	return nil
}

func checkPageURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("« %s » : une adresse https://… complète est attendue", v)
	}
	return nil
}
