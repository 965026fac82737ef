package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dinum/rappel/notify/smtptest"
)

// browserTools finds Chromium and axe-core, or fails: these tests run in
// CI, where .ci/run installs both.
func browserTools(t *testing.T) (chromium, axe string) {
	t.Helper()
	chromium = os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium, _ = exec.LookPath("chromium")
	}
	if chromium == "" {
		t.Fatal("Chromium introuvable : installez le paquet chromium (apt-get install chromium) ou donnez son chemin dans CHROMIUM")
	}
	axe = os.Getenv("AXE_CORE_JS")
	if axe == "" {
		axe, _ = filepath.Abs("../../scripts/browser/node_modules/axe-core/axe.min.js")
	}
	if _, err := os.Stat(axe); err != nil {
		t.Fatalf("axe-core introuvable (%s) : lancez « npm ci --prefix scripts/browser » ou « make test »", axe)
	}
	return chromium, axe
}

// axeResult is what axe-core reports.
type axeResult struct {
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target []any `json:"target"`
		} `json:"nodes"`
	} `json:"violations"`
	Passes []struct {
		ID string `json:"id"`
	} `json:"passes"`
}

// auditor runs axe-core in the page and fails on serious or critical
// violations; it remembers the rules checked, for the report.
type auditor struct {
	t      *testing.T
	script string
	rules  map[string]bool
	pages  []string
}

func (a *auditor) audit(name string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, target *chromedp.Target) (chromedp.Void, error) {
		run := a.script + `;axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}}).then(r => JSON.stringify({violations: r.violations, passes: r.passes}))`
		out, err := chromedp.Evaluate[string](run, chromedp.EvalAwaitPromise)(ctx, target)
		if err != nil {
			return chromedp.Void{}, fmt.Errorf("axe on %s: %w", name, err)
		}
		var res axeResult
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			return chromedp.Void{}, err
		}
		for _, v := range res.Violations {
			if v.Impact == "serious" || v.Impact == "critical" {
				a.t.Errorf("page %s: %s violation %s (%s) on %v", name, v.Impact, v.ID, v.Help, v.Nodes)
			} else {
				a.t.Logf("page %s: minor issue %s (%s, %s)", name, v.ID, v.Help, v.Impact)
			}
		}
		for _, p := range res.Passes {
			a.rules[p.ID] = true
		}
		a.pages = append(a.pages, name)
		return chromedp.Void{}, nil
	}
}

// chrome is a headless Chromium for one test, with axe-core to audit its
// pages: what every browser test shares.
type chrome struct {
	t   *testing.T
	ctx context.Context
	a   *auditor
}

// newChrome starts Chromium, or fails (CI installs it); it stops with the
// test.
func newChrome(t *testing.T) *chrome {
	t.Helper()
	chromium, axePath := browserTools(t)
	script, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
	)...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	return &chrome{t: t, ctx: ctx, a: &auditor{t: t, script: string(script), rules: map[string]bool{}}}
}

// do runs the actions of a step, or fails the test naming it.
func (c *chrome) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	c.t.Helper()
	if err := chromedp.Do(c.ctx, actions...); err != nil {
		c.t.Fatalf("%s: %v", step, err)
	}
}

// heading waits for the page whose h1 says want: a click that submits a
// form returns before the next page is there. headingStarts waits for one
// whose h1 starts with it.
func (c *chrome) heading(step, want string)       { c.waitHeading(step, want, false) }
func (c *chrome) headingStarts(step, want string) { c.waitHeading(step, want, true) }

func (c *chrome) waitHeading(step, want string, prefix bool) {
	c.t.Helper()
	var h string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		got, err := chromedp.Run(c.ctx, chromedp.Text(chromedp.CSS("h1")))
		if h = strings.TrimSpace(got); err == nil && (h == want || prefix && strings.HasPrefix(h, want)) {
			return
		}
	}
	c.t.Fatalf("%s: the page says %q, want %q", step, h, want)
}

// pagesAudited says which pages axe-core audited, with its version.
func (c *chrome) pagesAudited() string {
	return fmt.Sprintf("axe-core %s: %d pages audited (%s)", axeVersion(c.a.script), len(c.a.pages), strings.Join(c.a.pages, ", "))
}

// TestBrowserSignUpConfirmUnsubscribe drives headless Chromium through the
// whole life of a sign-up against the real binary and a real SMTP peer:
// sign-up form, confirmation email, confirmation, acknowledgement,
// unsubscription; axe-core audits every page on the way.
func TestBrowserSignUpConfirmUnsubscribe(t *testing.T) {
	t.Parallel()
	br := newChrome(t)
	a, do, waitHeading := br.a, br.do, br.heading
	b := setup(t)
	srv := smtptest.Start(t, smtptest.Options{})
	addr := freeAddr(t)
	base := "http://" + addr
	env := append(workerEnv(b, srv), "HTTP_ADDR="+addr, "PUBLIC_URL="+base)
	b.env = env
	id := strings.TrimSpace(b.ok(t, "session", "add", "--kind", "table-ronde", "--title", "Travail en mode hybride, et maintenant ?",
		"--start", time.Now().Add(72*time.Hour).Format(time.RFC3339), "--end", time.Now().Add(74*time.Hour).Format(time.RFC3339),
		"--location", "Lieu de la transformation publique, 77 avenue de Ségur, 75015 Paris", "--accessible",
		"--url", "https://www.modernisation.gouv.fr/", "--description", "Le télétravail s’installe.\n\nUne table ronde de praticiens."))
	startProcess(t, env, "run")
	waitHTTP(t, base+"/readyz", 200)

	submit := chromedp.Click(chromedp.CSS(`button[type="submit"]`))
	success := chromedp.WaitVisible(chromedp.CSS(".fr-alert--success"))

	do("list", chromedp.Navigate(base+"/"), a.audit("liste des sessions"),
		chromedp.Click(chromedp.CSS(`a[href="/sessions/`+id+`"]`)), chromedp.WaitVisible(chromedp.ID("email")),
		a.audit("session"))
	do("bad address", chromedp.SendKeys(chromedp.ID("email"), "pas-une-adresse"), submit,
		chromedp.WaitVisible(chromedp.ID("email-erreur")), a.audit("formulaire en erreur"))
	do("sign up", chromedp.Navigate(base+"/sessions/"+id), chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "lea.bernard@example.gouv.fr"),
		chromedp.SendKeys(chromedp.ID("nom"), "Léa Bernard"), submit)
	waitHeading("sign-up", "Vérifiez votre messagerie")
	do("sign-up sent", a.audit("demande envoyée"))

	request := waitKind(t, srv, "confirmation")
	link := linkIn(t, request.Parts["text/plain"], base+"/confirmation/")
	do("confirm", chromedp.Navigate(link), a.audit("confirmation"), submit)
	waitHeading("confirmation", "Inscription confirmée")
	do("confirmed", success, a.audit("inscription confirmée"))

	ack := waitKind(t, srv, "confirmed")
	// Léa is signed up to another session too: cancelling her attendance
	// to this one leaves it; stopping every message ends it.
	other := strings.TrimSpace(b.ok(t, "session", "add", "--kind", "atelier", "--title", "Autre atelier",
		"--start", time.Now().Add(96*time.Hour).Format(time.RFC3339)))
	b.ok(t, "subscribe", "--session", other, "--email", "lea.bernard@example.gouv.fr")
	unsubscribe := strings.Trim(strings.Split(ack.Header.Get("List-Unsubscribe"), ",")[0], "<> ")
	do("unsubscribe page", chromedp.Navigate(unsubscribe), a.audit("désinscription (List-Unsubscribe)"))
	do("cancel attendance", chromedp.Navigate(linkIn(t, ack.Parts["text/plain"], base+"/annulation/")),
		a.audit("annuler son inscription"), submit)
	waitHeading("attendance cancelled", "Inscription annulée")
	do("attendance cancelled", success, a.audit("inscription annulée"))
	if out := b.ok(t, "session", "show", other); !strings.Contains(out, "1 confirmée(s), 0 en attente, 0 désinscrite(s)") {
		t.Errorf("cancelling one attendance touched another session:\n%s", out)
	}
	do("opt out", chromedp.Navigate(linkIn(t, ack.Parts["text/plain"], base+"/desabonnement/")),
		a.audit("ne plus rien recevoir"), submit)
	waitHeading("opted out", "Vous ne recevrez plus aucun message")
	do("opted out", success, a.audit("plus aucun message"))
	if out := b.ok(t, "session", "show", other); !strings.Contains(out, "0 confirmée(s), 0 en attente, 1 désinscrite(s)") {
		t.Errorf("the opt-out left another session:\n%s", out)
	}
	do("notices", chromedp.Navigate(base+"/accessibilite"), a.audit("accessibilité"),
		chromedp.Navigate(base+"/mentions-legales"), a.audit("mentions légales"),
		chromedp.Navigate(base+"/donnees-personnelles"), a.audit("données personnelles"))
	do("errors", chromedp.Navigate(base+"/confirmation/lien-invalide"), a.audit("lien invalide"),
		chromedp.Navigate(base+"/nulle-part"), a.audit("page introuvable"))

	if out := b.ok(t, "session", "show", id); !strings.Contains(out, "0 confirmée(s), 0 en attente, 1 désinscrite(s)") {
		t.Errorf("after the browser's visit:\n%s", out)
	}
	rules := make([]string, 0, len(a.rules))
	for r := range a.rules {
		rules = append(rules, r)
	}
	sort.Strings(rules)
	t.Logf("axe-core %s: %d pages audited (%s); %d rules passed on them: %s",
		axeVersion(a.script), len(a.pages), strings.Join(a.pages, ", "), len(rules), strings.Join(rules, " "))
}

// waitKind waits for a message of a kind and reads it.
func waitKind(t *testing.T, srv *smtptest.Server, kind string) smtptest.Parsed {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range srv.Messages() {
			if p, err := m.Parse(); err == nil && p.Header.Get("X-Rappel-Kind") == kind {
				return p
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no %s message", kind)
	return smtptest.Parsed{}
}

func linkIn(t *testing.T, text, prefix string) string {
	t.Helper()
	i := strings.Index(text, prefix)
	if i < 0 {
		t.Fatalf("no link %s… in:\n%s", prefix, text)
	}
	return strings.Fields(text[i:])[0]
}

func axeVersion(script string) string {
	if i := strings.Index(script, "axe v"); i >= 0 {
		return strings.Fields(script[i+4:])[0]
	}
	return "?"
}
