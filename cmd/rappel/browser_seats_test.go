package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dinum/rappel/notify/smtptest"
)

// TestBrowserWaitingList drives headless Chromium through a full session:
// the first person takes its only place; the page then says « Complet »
// and the second joins the waiting list; the first cancels through the
// link of their acknowledgement (« Vous ne pourrez pas venir ? »); the
// second gets the offer and takes the place. axe-core audits every page.
func TestBrowserWaitingList(t *testing.T) {
	t.Parallel()
	br := newChrome(t)
	ctx, a, do, waitHeading := br.ctx, br.a, br.do, br.headingStarts
	b := setup(t)
	srv := smtptest.Start(t, smtptest.Options{})
	addr := freeAddr(t)
	base := "http://" + addr
	b.env = append(workerEnv(b, srv), "HTTP_ADDR="+addr, "PUBLIC_URL="+base)
	id := strings.TrimSpace(b.ok(t, "session", "add", "--kind", "atelier", "--title", "Écrire pour être lu",
		"--start", time.Now().Add(72*time.Hour).Format(time.RFC3339), "--capacity", "1",
		"--location", "Lieu de la transformation publique, 77 avenue de Ségur, 75015 Paris"))
	startProcess(t, b.env, "run")
	waitHTTP(t, base+"/readyz", 200)

	mailTo := func(kind, to string) smtptest.Parsed {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			for _, m := range srv.Messages() {
				if p, err := m.Parse(); err == nil && p.Header.Get("X-Rappel-Kind") == kind && strings.Contains(p.Header.Get("To"), to) {
					return p
				}
			}
		}
		t.Fatalf("no %s message to %s", kind, to)
		return smtptest.Parsed{}
	}
	signUp := func(email string) {
		t.Helper()
		do("sign up "+email, chromedp.Navigate(base+"/sessions/"+id), chromedp.WaitVisible(chromedp.ID("email")),
			chromedp.SendKeys(chromedp.ID("email"), email), chromedp.Click(chromedp.CSS(`form button[type="submit"]`)))
		waitHeading("sign-up sent", "Vérifiez votre messagerie")
		request := mailTo("confirmation", email)
		do("confirm "+email, chromedp.Navigate(linkIn(t, request.Parts["text/plain"], base+"/confirmation/")),
			chromedp.Click(chromedp.CSS(`main button[type="submit"]`)))
	}
	submit := chromedp.Click(chromedp.CSS(`main button[type="submit"]`))

	signUp("lea.bernard@example.gouv.fr")
	waitHeading("first", "Inscription confirmée")
	do("full", chromedp.Navigate(base+"/sessions/"+id), chromedp.WaitVisible(chromedp.ID("email")), a.audit("session complète"))
	if txt, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("main").textContent`)); err != nil ||
		!strings.Contains(txt, "Complet") || !strings.Contains(txt, "liste d’attente") {
		t.Errorf("the full session's page: %v\n%s", err, txt)
	}
	signUp("marc.petit@example.gouv.fr")
	waitHeading("second", "Vous êtes sur la liste d’attente")
	do("waiting", a.audit("liste d’attente"))
	if waiting := mailTo("waitlisted", "marc.petit@"); !strings.Contains(waiting.Parts["text/plain"], "en position 1") {
		t.Errorf("waiting-list message:\n%s", waiting.Parts["text/plain"])
	}
	ack := mailTo("confirmed", "lea.bernard@")
	do("cannot come", chromedp.Navigate(linkIn(t, ack.Parts["text/plain"], base+"/annulation/")), a.audit("je ne viendrai pas"), submit)
	waitHeading("cancelled", "Inscription annulée")
	offer := mailTo("offer", "marc.petit@")
	do("offer", chromedp.Navigate(linkIn(t, offer.Parts["text/plain"], base+"/place/")), a.audit("offre de place"),
		chromedp.Click(chromedp.CSS(`form:first-of-type button[type="submit"]`)))
	waitHeading("taken", "Inscription confirmée")
	do("taken", a.audit("place prise"))
	mailTo("confirmed", "marc.petit@")
	if out := b.ok(t, "session", "show", id); !strings.Contains(out, "1 confirmée(s)") || !strings.Contains(out, "0 en liste d'attente") {
		t.Errorf("after the offer was taken:\n%s", out)
	}
	t.Log(br.pagesAudited())
}
