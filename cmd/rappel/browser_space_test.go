package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/dinum/rappel/notify/smtptest"
)

// TestBrowserOrganiserJourney drives headless Chromium through what an
// organiser does, against the real binary and a real SMTP peer: sign in by
// the emailed link, import the fixture programme (dry run, then apply),
// create a session, import a French Excel list with bad lines and take
// back the rejected ones, look at the sign-ups, cancel the session and see
// the notices sent; axe-core audits every page. With RAPPEL_SCREENSHOTS
// set to a folder, each page is saved there as a PNG.
func TestBrowserOrganiserJourney(t *testing.T) {
	t.Parallel()
	br := newChrome(t)
	ctx, a, do, waitHeading := br.ctx, br.a, br.do, br.headingStarts
	b := setup(t)
	srv := smtptest.Start(t, smtptest.Options{})
	addr := freeAddr(t)
	base := "http://" + addr
	b.env = append(workerEnv(b, srv), "HTTP_ADDR="+addr, "PUBLIC_URL="+base)
	b.ok(t, "organiser", "add", "Mois de l'innovation publique")
	b.ok(t, "organiser", "member", "add", "Mois de l'innovation publique", "camille.leroy@modernisation.gouv.fr")
	b.ok(t, "organiser", "add", "Administration", "--admin")
	b.ok(t, "organiser", "member", "add", "Administration", "admin@numerique.gouv.fr")
	startProcess(t, b.env, "run")
	waitHTTP(t, base+"/readyz", 200)

	shots := os.Getenv("RAPPEL_SCREENSHOTS")
	look := func(name string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, target *chromedp.Target) (chromedp.Void, error) {
			if _, err := a.audit(name)(ctx, target); err != nil || shots == "" {
				return chromedp.Void{}, err
			}
			png, err := chromedp.FullScreenshot(100)(ctx, target)
			if err == nil {
				err = os.WriteFile(filepath.Join(shots, strings.ReplaceAll(name, " ", "-")+".png"), png, 0o644)
			}
			return chromedp.Void{}, err
		}
	}
	text := func() string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		if err != nil {
			t.Fatal(err)
		}
		return strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(s)
	}
	submit := func(form string) chromedp.Action[chromedp.Void] {
		return chromedp.Click(chromedp.CSS(form + ` button[type="submit"]`))
	}

	// Signing in: the form, the email, the link's page, its button.
	do("space", chromedp.Navigate(base+"/organisateurs/"), chromedp.WaitVisible(chromedp.ID("email")), look("connexion"))
	do("login request", chromedp.SendKeys(chromedp.ID("email"), "camille.leroy@modernisation.gouv.fr"), submit("main form"))
	waitHeading("login request", "Vérifiez votre messagerie")
	do("login sent", look("lien demandé"))
	mail := waitKind(t, srv, "login")
	do("link page", chromedp.Navigate(linkIn(t, mail.Parts["text/plain"], base+"/organisateurs/connexion/")), look("lien de connexion"),
		submit("main form"))
	waitHeading("signed in", "Vos sessions")
	do("dashboard", look("tableau de bord vide"))

	// The programme: its dry run, then « Appliquer ».
	fixture, _ := filepath.Abs("../../docs/fixtures/agenda-mois-innovation-2021.md")
	do("programme", chromedp.Navigate(base+"/organisateurs/programme"), look("importer un programme"),
		chromedp.SetUploadFiles(chromedp.ID("fichier"), []string{fixture}), submit(`form[action="/organisateurs/programme"]`))
	waitHeading("dry run", "Importer un programme")
	do("dry run", chromedp.WaitVisible(chromedp.CSS(`form[action="/organisateurs/programme/appliquer"]`)), look("programme essai"))
	if got := text(); strings.Count(got, "Création") != 12 {
		t.Fatalf("dry run:\n%s", got)
	}
	do("apply", submit(`form[action="/organisateurs/programme/appliquer"]`), chromedp.WaitVisible(chromedp.CSS(".fr-alert--success")),
		look("programme importé"))

	// A session of next week, through its form.
	starts := time.Now().Add(7*24*time.Hour).Format("2006-01-02") + "T14:00"
	do("new session", chromedp.Navigate(base+"/organisateurs/sessions/nouvelle"), chromedp.WaitVisible(chromedp.ID("title")),
		chromedp.SetValue(chromedp.ID("starts_at"), starts), chromedp.SetValue(chromedp.ID("join_url"), "pas une adresse"),
		submit("main form"), chromedp.WaitVisible(chromedp.ID("erreurs")), look("formulaire en erreur"))
	do("create", chromedp.SetValue(chromedp.ID("title"), "Écrire pour être lu"),
		chromedp.SetValue(chromedp.ID("join_url"), "https://webinaire.numerique.gouv.fr/meeting/4821"),
		chromedp.SetValue(chromedp.ID("starts_at"), starts),
		chromedp.SetValue(chromedp.ID("location"), "Lieu de la transformation publique, 77 avenue de Ségur, 75015 Paris"),
		submit("main form"), chromedp.WaitVisible(chromedp.CSS(".fr-alert--success")), look("session créée"))
	page, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	session := strings.TrimSuffix(strings.SplitN(page, "?", 2)[0], "/")

	// A list as French Excel saves it, with a bad line.
	list := filepath.Join(t.TempDir(), "inscrits.csv")
	_ = os.WriteFile(list, []byte("Pr\xe9nom;Nom;Courriel\r\nL\xe9a;Bernard;lea.bernard@example.gouv.fr\r\nJos\xe9;Martin;jose.martin@\r\nMarc;Petit;marc.petit@example.gouv.fr\r\n"), 0o600)
	do("list", chromedp.Navigate(session+"/import"), look("importer une liste"),
		chromedp.SetUploadFiles(chromedp.ID("fichier"), []string{list}), submit(`form[enctype="multipart/form-data"]`),
		chromedp.WaitVisible(chromedp.CSS(".fr-alert--success")), look("liste importée"))
	if got := text(); !strings.Contains(got, "2 personnes inscrites") || !strings.Contains(got, "jose.martin@") && !strings.Contains(got, "adresse électronique invalide") {
		t.Errorf("list report:\n%s", got)
	}
	// The rejected lines, downloaded as a person does, by the button.
	downloads := t.TempDir()
	do("download", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads})
		return err
	}), submit(`form[action$="/import/rejets"]`))
	var rejected []byte
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline) && rejected == nil; time.Sleep(100 * time.Millisecond) {
		files, _ := filepath.Glob(filepath.Join(downloads, "lignes-rejetees-session-*.csv"))
		if len(files) == 1 {
			rejected, _ = os.ReadFile(files[0])
		}
	}
	if !strings.Contains(string(rejected), "Prénom;Nom;Courriel;Motif du refus\r\nJosé;Martin;jose.martin@;ligne 3") {
		t.Errorf("rejected lines: %q", rejected)
	}

	do("sign-ups", chromedp.Navigate(session+"/inscriptions"), look("inscriptions"))
	if got := text(); !strings.Contains(got, "lea.bernard@example.gouv.fr") || !strings.Contains(got, "Import de liste") {
		t.Errorf("sign-ups:\n%s", got)
	}
	do("preview", chromedp.Navigate(session+"/apercu"), look("aperçu des messages"),
		submit(`form[action$="/apercu"]`), chromedp.WaitVisible(chromedp.CSS(".fr-alert--success")))
	if test := waitKind(t, srv, "j1"); test.Header.Get("X-Rappel-Test") == "" || !strings.Contains(test.Header.Get("To"), "camille.leroy@modernisation.gouv.fr") {
		t.Errorf("test message: %v", test.Header)
	}
	do("cancel", chromedp.Navigate(session+"/annuler"), look("annuler la session"))
	if got := text(); !strings.Contains(got, "Les 2 personnes inscrites recevront un avis d’annulation") {
		t.Errorf("cancel page:\n%s", got)
	}
	do("cancelled", submit("main form"), chromedp.WaitVisible(chromedp.CSS(".fr-alert--success")), look("session annulée"))
	waitKind(t, srv, "cancellation")
	deadline := time.Now().Add(20 * time.Second)
	for {
		do("deliveries", chromedp.Navigate(session+"/envois"))
		if got := text(); strings.Count(got, "avis d’annulation") == 2 && strings.Count(got, "Envoyé") == 2 {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("deliveries:\n%s", got)
		}
		time.Sleep(200 * time.Millisecond)
	}
	do("deliveries", look("envois"), chromedp.Navigate(session), look("session"),
		chromedp.Navigate(base+"/organisateurs/journal"), look("journal"),
		chromedp.Navigate(base+"/organisateurs/?passees=1"), look("tableau de bord"))
	if got := text(); !strings.Contains(got, "Écrire pour être lu") || !strings.Contains(got, "Comment l’administration") {
		t.Errorf("dashboard:\n%s", got)
	}
	// An administrator's pages: the teams.
	do("sign out", submit(`form[action="/organisateurs/deconnexion"]`))
	waitHeading("signed out", "Connexion à l’espace organisateurs")
	do("admin login", chromedp.SendKeys(chromedp.ID("email"), "admin@numerique.gouv.fr"), submit("main form"))
	waitHeading("admin login", "Vérifiez votre messagerie")
	var adminMail smtptest.Parsed
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline) && adminMail.Header == nil; time.Sleep(50 * time.Millisecond) {
		for _, m := range srv.Messages() {
			if p, err := m.Parse(); err == nil && p.Header.Get("X-Rappel-Kind") == "login" && strings.Contains(p.Header.Get("To"), "admin@") {
				adminMail = p
			}
		}
	}
	if adminMail.Header == nil {
		t.Fatal("no sign-in link for the administrator")
	}
	do("admin link", chromedp.Navigate(linkIn(t, adminMail.Parts["text/plain"], base+"/organisateurs/connexion/")), submit("main form"))
	waitHeading("admin signed in", "Vos sessions")
	do("teams", chromedp.Navigate(base+"/organisateurs/equipes"), look("équipes"),
		chromedp.Click(chromedp.CSS(`a[href^="/organisateurs/equipes/"]`)), chromedp.WaitVisible(chromedp.ID("email")), look("équipe"),
		chromedp.Navigate(base+"/organisateurs/sessions/999999"), look("page introuvable"))
	t.Log(br.pagesAudited())
}
