package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dinum/rappel/notify/smtptest"
	"github.com/dinum/rappel/store/storetest"
)

const testKey = "xY+0e6HH+5wsPS4FBFXyDjLF2G/JB43ytNI65OpnvFc="

// testBundle runs the command line in process against its own database.
type testBundle struct {
	env []string
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	return &testBundle{env: []string{"DATABASE_URL=" + storetest.NewDatabase(t)}}
}

type result struct {
	code           int
	stdout, stderr string
}

func (b *testBundle) run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return b.runCtx(t, context.Background(), stdin, args...)
}

func (b *testBundle) runCtx(t *testing.T, ctx context.Context, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(ctx, args, b.env, strings.NewReader(stdin), &out, &errOut)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// ok runs a command that must succeed and returns its output.
func (b *testBundle) ok(t *testing.T, args ...string) string {
	t.Helper()
	r := b.run(t, "", args...)
	if r.code != 0 {
		t.Fatalf("rappel %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r.stdout
}

// fails runs a command that must fail with code and say want on stderr.
func (b *testBundle) fails(t *testing.T, code int, want string, args ...string) {
	t.Helper()
	r := b.run(t, "", args...)
	if r.code != code || !strings.Contains(r.stderr, want) {
		t.Errorf("rappel %s: exit %d, stderr %q; want exit %d and %q", strings.Join(args, " "), r.code, r.stderr, code, want)
	}
	if r.stdout != "" {
		t.Errorf("rappel %s: a failure wrote %q on stdout", strings.Join(args, " "), r.stdout)
	}
}

func (b *testBundle) sessionCount(t *testing.T) int {
	t.Helper()
	out := b.ok(t, "session", "list", "--all")
	if strings.HasPrefix(out, "Aucune session") {
		return 0
	}
	return strings.Count(out, "\n") - 1
}

func (b *testBundle) addSession(t *testing.T, args ...string) string {
	t.Helper()
	base := []string{"session", "add", "--kind", "webinaire", "--title", "Numérique écoresponsable"}
	if !slices.Contains(args, "--start") {
		base = append(base, "--start", time.Now().Add(72*time.Hour).Format(time.RFC3339))
	}
	return strings.TrimSpace(b.ok(t, append(base, args...)...))
}

func TestHelpAndUsage(t *testing.T) {
	t.Parallel()
	b := &testBundle{}
	r := b.run(t, "", "help")
	for _, want := range []string{"session add", "import", "deliveries", "DATABASE_URL", "REMINDERS", "SMTP_TLS"} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("help lacks %q (exit %d)", want, r.code)
		}
	}
	b.fails(t, 2, "aucune commande", []string{}...)
	b.fails(t, 2, "commande inconnue : envoyer", "envoyer")
	b.fails(t, 2, "sous-commande inconnue : session delete", "session", "delete")
	b.fails(t, 1, "DATABASE_URL : variable obligatoire", "session", "list")
}

func TestConfigurationErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.env = append(b.env, "SMTP_PORT=abc", "RAPPEL_TIMEZONE=Mars/Olympus")
	r := b.run(t, "", "session", "list")
	if r.code == 0 || !strings.Contains(r.stderr, "SMTP_PORT") || !strings.Contains(r.stderr, "RAPPEL_TIMEZONE") {
		t.Errorf("exit %d, %q", r.code, r.stderr)
	}

	t.Run("RunNeedsMailSettings", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.fails(t, 1, "MAIL_FROM : variable obligatoire", "run")
	})

	t.Run("UnreachableDatabase", func(t *testing.T) {
		t.Parallel()
		b := &testBundle{env: []string{"DATABASE_URL=postgres://rappel@127.0.0.1:1/rappel?sslmode=disable&connect_timeout=2"}}
		b.fails(t, 1, "base de données injoignable (DATABASE_URL)", "session", "list")
	})

	t.Run("EnvFile", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		file := filepath.Join(t.TempDir(), "rappel.env")
		content := "# réglages\n" + b.env[0] + "\nRAPPEL_TIMEZONE=\"America/Cayenne\"\n"
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		nb := &testBundle{}
		id := strings.TrimSpace(nb.ok(t, "--env-file", file, "session", "add", "--kind", "atelier", "--title", "Guyane", "--start", "2030-01-15 10:00"))
		if out := nb.ok(t, "--env-file", file, "session", "list"); !strings.Contains(out, "2030-01-15  10:00") || !strings.HasPrefix(strings.Split(out, "\n")[1], id) {
			t.Errorf("list = %q", out)
		}
		nb.fails(t, 1, "fichier d'environnement illisible", "--env-file", file+".absent", "session", "list")
	})
}

func TestMigrateCommand(t *testing.T) {
	t.Parallel()
	b := &testBundle{env: []string{"DATABASE_URL=" + storetest.NewEmptyDatabase(t)}}
	b.fails(t, 1, "lancez d'abord « rappel migrate »", "session", "list")
	if out := b.ok(t, "migrate"); !strings.Contains(out, "migration(s) appliquée(s)") {
		t.Errorf("migrate = %q", out)
	}
	if out := b.ok(t, "migrate"); !strings.Contains(out, "déjà à jour") {
		t.Errorf("second migrate = %q", out)
	}
	b.fails(t, 2, "argument en trop", "migrate", "now")
}

func TestSessionCommands(t *testing.T) {
	t.Parallel()
	b := setup(t)

	id := b.addSession(t, "--end", time.Now().Add(73*time.Hour).Format(time.RFC3339), "--url", "https://app.livestorm.co/x", "--description", "Le numérique s’est imposé.")
	if !regexpDigits(id) {
		t.Fatalf("session add printed %q, want the id alone", id)
	}
	b.ok(t, "session", "add", "--kind", "table-ronde", "--title", "Travail en mode hybride, et maintenant ?", "--start", "2021-11-24 10:30", "--location", "77 Av. de Ségur 75015 Paris")

	list := b.ok(t, "session", "list")
	if !strings.Contains(list, id+"   webinaire") || !strings.Contains(list, "Numérique écoresponsable") || strings.Contains(list, "hybride") {
		t.Errorf("list = %q", list)
	}
	if all := b.ok(t, "session", "list", "--all"); !strings.Contains(all, "2021-11-24  10:30") {
		t.Errorf("list --all = %q", all)
	}
	show := b.ok(t, "session", "show", id)
	for _, want := range []string{"Webinaire", "Titre : Numérique écoresponsable", "Lien pour rejoindre : https://app.livestorm.co/x", "Statut : prévue", "0 confirmée(s)", "Le numérique s’est imposé."} {
		if !strings.Contains(show, want) {
			t.Errorf("show lacks %q:\n%s", want, show)
		}
	}
	if out := b.ok(t, "session", "update", id, "--start", time.Now().Add(96*time.Hour).Format(time.RFC3339), "--title", "Nouveau titre"); !strings.Contains(out, "Nouvel horaire") {
		t.Errorf("update = %q", out)
	}
	if out := b.ok(t, "session", "cancel", id); !strings.Contains(out, "annulée") {
		t.Errorf("cancel = %q", out)
	}
	if out := b.ok(t, "session", "list"); !strings.Contains(out, "[annulée] Nouveau titre") {
		t.Errorf("list after cancel = %q", out)
	}

	t.Run("BadInput", func(t *testing.T) {
		before := b.sessionCount(t)
		b.fails(t, 2, "--title est obligatoire", "session", "add", "--kind", "atelier", "--start", "2030-01-01 10:00")
		b.fails(t, 1, "type de session inconnu « conférence »", "session", "add", "--kind", "conférence", "--title", "x", "--start", "2030-01-01 10:00")
		b.fails(t, 2, "--start : date « 31/12/2030 » illisible", "session", "add", "--kind", "atelier", "--title", "x", "--start", "31/12/2030")
		b.fails(t, 1, "la fin doit être après le début", "session", "add", "--kind", "atelier", "--title", "x", "--start", "2030-01-01 10:00", "--end", "2030-01-01 09:00")
		b.fails(t, 1, "lien invalide", "session", "add", "--kind", "atelier", "--title", "x", "--start", "2030-01-01 10:00", "--url", "www.example.org")
		b.fails(t, 2, "option inconnue : --salle", "session", "add", "--salle", "B12")
		b.fails(t, 2, "l'option --title attend une valeur", "session", "add", "--title")
		if after := b.sessionCount(t); after != before {
			t.Errorf("%d sessions after rejected input, %d before", after, before)
		}
		b.fails(t, 1, "la session 999999 n'existe pas", "session", "show", "999999")
		b.fails(t, 2, "numéro de session invalide : « douze »", "session", "show", "douze")
		b.fails(t, 2, "il manque le numéro de la session", "session", "show")
		b.fails(t, 2, "rien à modifier", "session", "update", id)
		b.fails(t, 1, "la session est annulée", "session", "update", id, "--title", "x")
		b.fails(t, 1, "la session est annulée", "session", "cancel", id)
		b.fails(t, 1, "la session 999999 n'existe pas", "session", "cancel", "999999")
	})
}

func regexpDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func TestSubscribeAndImport(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.addSession(t)

	if out := b.ok(t, "subscribe", "--session", id, "--email", "Marie.Dupont@Example.gouv.fr", "--name", "Marie Dupont"); !strings.Contains(out, "marie.dupont@example.gouv.fr est inscrite") {
		t.Errorf("subscribe = %q", out)
	}
	if out := b.ok(t, "subscribe", "--session", id, "--email", "marie.dupont@example.gouv.fr"); !strings.Contains(out, "déjà inscrite") {
		t.Errorf("second subscribe = %q", out)
	}
	b.fails(t, 1, "--email : adresse électronique invalide « marie@ »", "subscribe", "--session", id, "--email", "marie@")
	b.fails(t, 2, "--email est obligatoire", "subscribe", "--session", id)
	b.fails(t, 1, "la session 999999 n'existe pas", "subscribe", "--session", "999999", "--email", "a@example.org")

	csv := "Courriel;Prénom;Nom\njean@example.org;Jean;Martin\npas-une-adresse;x;y\n\nMARIE.DUPONT@example.gouv.fr;M;D\njean@example.org;J;M\n"
	file := filepath.Join(t.TempDir(), "inscrits.csv")
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	out := b.ok(t, "import", "--session", id, file)
	for _, want := range []string{"ajoutées : 1", "déjà inscrites : 1", "doublons dans le fichier, ignorés : 1", "ligne 6 : même adresse que la ligne 2", "rejetées : 1", "ligne 3 : adresse électronique invalide « pas-une-adresse »"} {
		if !strings.Contains(out, want) {
			t.Errorf("import summary lacks %q:\n%s", want, out)
		}
	}
	r := b.run(t, csv, "import", "--session", id, "-")
	if r.code != 0 || !strings.Contains(r.stdout, "ajoutées : 0") || !strings.Contains(r.stdout, "déjà inscrites : 2") {
		t.Errorf("import from stdin again: %d %q %q", r.code, r.stdout, r.stderr)
	}
	b.fails(t, 1, "fichier illisible", "import", "--session", id, file+".absent")
	r = b.run(t, "nom;prénom\nDupont;Marie\n", "import", "--session", id, "-")
	if r.code != 1 || !strings.Contains(r.stderr, "aucune colonne d'adresse électronique") {
		t.Errorf("import without an email column: %d %q", r.code, r.stderr)
	}
	if show := b.ok(t, "session", "show", id); !strings.Contains(show, "2 confirmée(s)") {
		t.Errorf("show after imports:\n%s", show)
	}
}

func TestDeliveriesAndRunBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.addSession(t)
	if out := b.ok(t, "deliveries", "--session", id); !strings.Contains(out, "Aucun envoi prévu") {
		t.Errorf("deliveries = %q", out)
	}
	b.fails(t, 2, "--session est obligatoire", "deliveries")
	b.fails(t, 1, "la session 999999 n'existe pas", "deliveries", "--session", "999999")
	b.fails(t, 2, "numéro de session invalide", "deliveries", "--session", "-3")
	b.env = append(b.env, serviceEnv(t, "127.0.0.1:0")...)
	b.env = append(b.env, "MAIL_OUTBOX_DIR="+t.TempDir())
	b.fails(t, 2, "--only : « tout » n'est pas possible", "run", "--only", "tout")
}

func TestPreviewPlanAndSendTest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	outbox := t.TempDir()
	b.env = append(b.env, serviceEnv(t, "127.0.0.1:0")...)
	b.env = append(b.env, "MAIL_OUTBOX_DIR="+outbox)
	id := b.addSession(t, "--location", "77 avenue de Ségur, 75015 Paris", "--accessible", "--start", "2030-03-12 14:00", "--end", "2030-03-12 16:00")
	b.ok(t, "subscribe", "--session", id, "--email", "marie@example.gouv.fr")

	text := b.ok(t, "preview", "--session", id, "--kind", "j1")
	for _, want := range []string{"Objet : Rappel\u00a0: webinaire demain à 14\u00a0h – Numérique écoresponsable", "Camille Exemple",
		"mardi 12 mars 2030 de 14\u00a0h à 16\u00a0h", "accessible aux personnes à mobilité réduite"} {
		if !strings.Contains(text, want) {
			t.Errorf("preview lacks %q:\n%s", want, text)
		}
	}
	if html := b.ok(t, "preview", "--session", id, "--kind", "h1", "--format", "html"); !strings.Contains(html, `<html lang="fr">`) {
		t.Errorf("html preview:\n%s", html)
	}
	if eml := b.ok(t, "preview", "--session", id, "--kind", "cancellation", "--format", "eml"); !strings.Contains(eml, "X-Rappel-Kind: cancellation") ||
		!strings.Contains(eml, "method=CANCEL") {
		t.Errorf("eml preview:\n%s", eml)
	}
	b.fails(t, 2, "--kind : message inconnu « rappel »", "preview", "--session", id, "--kind", "rappel")
	b.fails(t, 2, "--format : « pdf »", "preview", "--session", id, "--kind", "j1", "--format", "pdf")

	plan := b.ok(t, "plan", "--session", id)
	if !strings.Contains(plan, "marie@example.gouv.fr") || !strings.Contains(plan, "rappel la veille : sera envoyé le 2030-03-11 14:00:00") {
		t.Errorf("plan:\n%s", plan)
	}
	if window := b.ok(t, "plan", "--session", id, "--from", "2030-03-12 00:00"); strings.Contains(window, "la veille") || !strings.Contains(window, "une heure avant") {
		t.Errorf("plan --from:\n%s", window)
	}

	if out := b.ok(t, "send-test", "--session", id, "--kind", "confirmed", "--to", "Essai@Example.gouv.fr"); !strings.Contains(out, "envoyé à essai@example.gouv.fr") {
		t.Errorf("send-test = %q", out)
	}
	entries, _ := os.ReadDir(outbox)
	if len(entries) != 1 || !strings.Contains(entries[0].Name(), ".confirmed@") {
		t.Errorf("outbox = %v", entries)
	}
	b.fails(t, 2, "--to : adresse électronique invalide", "send-test", "--session", id, "--kind", "j1", "--to", "pas-une-adresse")
}

func TestBrokenTemplateOverrideStopsStart(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "email"), 0o755); err != nil {
		t.Fatal(err)
	}
	bad := "{{define \"subject\"}}Rappel{{end}}\n{{define \"body\"}}\n{{.Destinataire}}{{end}}"
	if err := os.WriteFile(filepath.Join(dir, "email", "h1.txt.tmpl"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	b.env = append(b.env, serviceEnv(t, "127.0.0.1:0")...)
	b.env = append(b.env, "MAIL_OUTBOX_DIR="+t.TempDir(), "TEMPLATES_DIR="+dir)
	b.fails(t, 1, "modèle invalide "+filepath.Join(dir, "email", "h1.txt.tmpl")+", ligne 3", "run")
}

func TestTokenCommands(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.run(t, "", "token", "create", "DINUM")
	tok := strings.TrimSpace(r.stdout)
	if r.code != 0 || !strings.HasPrefix(tok, "rappel_") || strings.Count(r.stdout, "\n") != 1 || !strings.Contains(r.stderr, "ne sera plus jamais affiché") {
		t.Fatalf("token create: %d %q %q", r.code, r.stdout, r.stderr)
	}
	b.ok(t, "token", "create", "Exploitation", "--admin")
	list := b.ok(t, "token", "list")
	if !strings.Contains(list, "DINUM") || !strings.Contains(list, tok[:13]+"…") || strings.Contains(list, tok) ||
		!strings.Contains(list, "administrateur") {
		t.Errorf("token list:\n%s", list)
	}
	if out := b.ok(t, "token", "revoke", "1"); !strings.Contains(out, "révoqué") {
		t.Errorf("revoke = %q", out)
	}
	b.fails(t, 1, "déjà révoqué", "token", "revoke", "1")
	b.fails(t, 1, "le jeton 99 n'existe pas", "token", "revoke", "99")
	b.fails(t, 2, "il manque le nom de l'organisateur", "token", "create")
	b.fails(t, 2, "sous-commande inconnue : token delete", "token", "delete", "1")
}

func TestImportWithConfirmationAndCSVReport(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.addSession(t)
	csv := "email;nom\nlea@example.gouv.fr;=HYPERLINK(\"http://x\")\nmarc@example.gouv.fr;Marc\n"
	r := b.run(t, csv, "import", "--session", id, "--confirm", "-")
	if r.code != 0 || !strings.Contains(r.stdout, "invitées à confirmer leur inscription : 2") {
		t.Fatalf("import --confirm: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if show := b.ok(t, "session", "show", id); !strings.Contains(show, "0 confirmée(s), 2 en attente") {
		t.Errorf("show:\n%s", show)
	}
	out := b.ok(t, "deliveries", "--session", id, "--format", "csv")
	if !strings.HasPrefix(out, "\ufeffadresse;nom;message") || !strings.Contains(out, "demande de confirmation") {
		t.Errorf("csv:\n%s", out)
	}
	// The formula an organiser's file carried comes back as text.
	if !strings.Contains(out, `"'=HYPERLINK(""http://x"")"`) || strings.Contains(out, ";=HYPERLINK") {
		t.Errorf("formula not neutralised:\n%s", out)
	}
	b.fails(t, 2, "--format : « xlsx »", "deliveries", "--session", id, "--format", "xlsx")
}

// TestCheck runs "rappel check" against a live database and SMTP peer,
// then against wrong settings: every problem is reported, the exit code
// says it.
func TestCheck(t *testing.T) {
	t.Parallel()
	b := setup(t)
	srv := smtptest.Start(t, smtptest.Options{StartTLS: true, Username: "rappel", Password: "secret"})
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, srv.CertPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	good := append(append([]string{}, b.env...), serviceEnv(t, "127.0.0.1:0")...)
	good = append(good, "SMTP_HOST="+srv.Host, "SMTP_PORT="+strconv.Itoa(srv.Port), "SMTP_TLS=starttls",
		"SMTP_USERNAME=rappel", "SMTP_PASSWORD=secret", "SMTP_CA_FILE="+ca)
	ok := &testBundle{env: good}
	out := ok.ok(t, "check")
	for _, want := range []string{"✔ Configuration", "✔ Base de données : joignable, schéma en version", "(à jour)",
		"✔ Modèles", "✔ Serveur SMTP 127.0.0.1:", "EHLO, STARTTLS, authentification", "Tout est prêt."} {
		if !strings.Contains(out, want) {
			t.Errorf("check lacks %q:\n%s", want, out)
		}
	}

	for name, tt := range map[string]struct {
		env  []string
		want string
	}{
		"WrongPassword": {[]string{"SMTP_PASSWORD=faux"}, "✘ Serveur SMTP"},
		"NoSMTPServer":  {[]string{"SMTP_PORT=1"}, "✘ Serveur SMTP 127.0.0.1:1 : échec de la connexion"},
		"UntrustedTLS":  {[]string{"SMTP_CA_FILE="}, "✘ Serveur SMTP"},
		"Unreachable":   {[]string{"DATABASE_URL=postgres://rappel@127.0.0.1:1/rappel?sslmode=disable&connect_timeout=2"}, "✘ Base de données : base de données injoignable"},
		"MissingValue":  {[]string{"MAIL_FROM="}, "✘ Configuration : configuration invalide : MAIL_FROM : variable obligatoire"},
		"WrongValue":    {[]string{"SMTP_TLS=ssl"}, "✘ Configuration : configuration invalide : SMTP_TLS"},
	} {
		t.Run(name, func(t *testing.T) {
			bad := &testBundle{env: append(append([]string{}, good...), tt.env...)}
			r := bad.run(t, "", "check")
			if r.code != 1 || !strings.Contains(r.stdout, tt.want) || !strings.Contains(r.stderr, "problème(s)") {
				t.Errorf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
		})
	}

	t.Run("OutdatedSchema", func(t *testing.T) {
		bad := &testBundle{env: append(append([]string{}, good...), "DATABASE_URL="+storetest.NewEmptyDatabase(t))}
		r := bad.run(t, "", "check")
		if r.code != 1 || !strings.Contains(r.stdout, "lancez « rappel migrate »") {
			t.Errorf("exit %d\n%s", r.code, r.stdout)
		}
	})
}

func TestSubscriberExportAndForget(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.addSession(t)
	b.ok(t, "subscribe", "--session", id, "--email", "Camille@Example.gouv.fr", "--name", "Camille")
	var export map[string]any
	if err := json.Unmarshal([]byte(b.ok(t, "subscriber", "export", "camille@example.gouv.fr")), &export); err != nil {
		t.Fatal(err)
	}
	if export["email"] != "camille@example.gouv.fr" || export["name"] != "Camille" || len(export["signups"].([]any)) != 1 {
		t.Errorf("export = %v", export)
	}
	if out := b.ok(t, "subscriber", "forget", "CAMILLE@example.gouv.fr"); !strings.Contains(out, "1 inscription(s)") {
		t.Errorf("forget = %q", out)
	}
	b.fails(t, 1, "rappel ne garde rien sur l'adresse camille@example.gouv.fr", "subscriber", "export", "camille@example.gouv.fr")
	b.fails(t, 1, "adresse électronique invalide", "subscriber", "forget", "pas-une-adresse")
}

// TestWithoutZoneDatabase runs the binary as in a minimal image, without a
// time zone database: Paris time still works, embedded in the binary.
func TestWithoutZoneDatabase(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cmd := exec.Command(binary(t), "session", "add", "--kind", "atelier", "--title", "Sans fuseaux", "--start", "2030-07-01 10:00")
	cmd.Env = append(b.env, "ZONEINFO=/nonexistent", "TZ=", "PATH=/nonexistent")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	list := b.ok(t, "session", "show", strings.TrimSpace(string(out)))
	if !strings.Contains(list, "lundi 1er juillet 2030 à 10\u00a0h (Europe/Paris)") {
		t.Errorf("show:\n%s", list)
	}
	// The zone files the system would use are not read: the stored instant
	// is 08:00 UTC, summer time.
	var starts string
	check := exec.Command(binary(t), "session", "list", "--all")
	check.Env = append(b.env, "ZONEINFO=/nonexistent", "RAPPEL_TIMEZONE=UTC")
	o, _ := check.CombinedOutput()
	starts = string(o)
	if !strings.Contains(starts, "2030-07-01  08:00") {
		t.Errorf("in UTC:\n%s", starts)
	}
}
