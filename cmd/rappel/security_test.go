package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dinum/rappel/notify/mailview"
)

// The tests of this file each prove that one promise holds against a
// person acting from outside (issue 12 of the project: each failed on the
// code before its fix).

// feedICS is a public programme of two ateliers, as an iCalendar feed.
func feedICS(title string) string {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//DITP//programme//FR\r\n")
	for i, day := range []string{"20300115", "20300116"} {
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:atelier-%d@modernisation.gouv.fr\r\nDTSTAMP:20291201T000000Z\r\n"+
			"DTSTART:%sT090000Z\r\nDTEND:%sT110000Z\r\nSUMMARY:[Atelier] %s %d\r\nEND:VEVENT\r\n", i+1, day, day, title, i+1)
	}
	b.WriteString("END:VCALENDAR\r\n")
	return b.String()
}

// TestOrganiserCannotCaptureTheOperatorsFeed: an organiser imports the
// public feed first, under its address; the operator's import of the same
// feed then creates sessions of its own, which the organiser can neither
// read, cancel, change nor see reported by its own imports.
func TestOrganiserCannotCaptureTheOperatorsFeed(t *testing.T) {
	t.Parallel()
	live := startLive(t)
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/calendar")
		_, _ = w.Write([]byte(feedICS("Mesurer l'impact")))
	}))
	defer feed.Close()
	feedURL := feed.URL + "/programme.ics"
	tok := live.token(t, "Équipe qui importe en premier")

	r := live.api(t, tok, "POST", "/api/agenda/import?source="+url.QueryEscape(feedURL), "text/calendar", feedICS("Mesurer l'impact"))
	if r.code != 200 || strings.Count(r.body, `"action": "create"`) != 2 {
		t.Fatalf("the organiser's import: %d %s", r.code, r.body)
	}
	out := live.b.ok(t, "agenda", "import", "--ics", feedURL)
	if !strings.Contains(out, "En tout — créée : 2.") {
		t.Fatalf("the operator's import did not create its own sessions:\n%s", out)
	}

	mine := live.api(t, tok, "GET", "/api/sessions?all=true", "", "")
	var own []string
	for _, s := range mine.list {
		own = append(own, strconv.FormatInt(int64(s["id"].(float64)), 10))
	}
	var operators []string
	for _, line := range strings.Split(strings.TrimSpace(live.b.ok(t, "session", "list", "--all")), "\n")[1:] {
		if id := strings.Fields(line)[0]; !slices.Contains(own, id) {
			operators = append(operators, id)
		}
	}
	if len(own) != 2 || len(operators) != 2 {
		t.Fatalf("organiser's sessions %v, operator's %v: want two each", own, operators)
	}
	op := operators[0]
	live.b.ok(t, "subscribe", "--session", op, "--email", "agent.public@example.gouv.fr")
	for _, call := range [][2]string{
		{"GET", "/api/sessions/" + op}, {"GET", "/api/sessions/" + op + "/deliveries"},
		{"POST", "/api/sessions/" + op + "/cancel"}, {"PATCH", "/api/sessions/" + op},
	} {
		body := ""
		if call[0] == "PATCH" {
			body = `{"url": "https://piege.example.org"}`
		}
		if r := live.api(t, tok, call[0], call[1], "application/json", body); r.code != 404 || strings.Contains(r.body, "agent.public") {
			t.Errorf("%s %s by the organiser: %d %s", call[0], call[1], r.code, r.body)
		}
	}
	before := map[string]string{}
	for _, id := range operators {
		before[id] = live.b.ok(t, "session", "show", id)
	}
	// The organiser's next import, of a changed feed, moves its own only,
	// and reports nothing of the operator's.
	changed := strings.ReplaceAll(feedICS("Mesurer l'impact"), "T090000Z", "T100000Z")
	r = live.api(t, tok, "POST", "/api/agenda/import?source="+url.QueryEscape(feedURL), "text/calendar", changed)
	if r.code != 200 || strings.Count(r.body, `"action": "reschedule"`) != 2 || strings.Contains(r.body, "missing") {
		t.Errorf("the organiser's second import: %d %s", r.code, r.body)
	}
	for _, id := range operators {
		if r.obj != nil && strings.Contains(r.body, `"session_id": `+id+`,`) {
			t.Errorf("the organiser's import reports the operator's session %s: %s", id, r.body)
		}
		if show := live.b.ok(t, "session", "show", id); show != before[id] {
			t.Errorf("the operator's session %s changed:\n%s", id, show)
		}
	}
	if out := live.b.ok(t, "agenda", "import", "--ics", feedURL); !strings.Contains(out, "En tout — inchangée : 2.") {
		t.Errorf("the operator's programme after the organiser's move:\n%s", out)
	}
}

// TestUnsubscribedStaysUnsubscribed: a person who left a session is not
// signed up again by an organiser's import (asking for consent or not),
// nor by an API add, and receives nothing from their actions; a public
// sign-up of their address leaves them unsubscribed until they confirm it
// themselves.
func TestUnsubscribedStaysUnsubscribed(t *testing.T) {
	t.Parallel()
	live := startLive(t)
	tok := live.token(t, "DITP")
	id := live.createSession(t, tok, "Atelier design des politiques publiques", time.Now().Add(72*time.Hour))
	const agent = "camille.martin@example.gouv.fr"

	if r := live.form(t, "/sessions/"+id, url.Values{"email": {agent}, "nom": {"Camille Martin"}}, nil); r.code != 200 {
		t.Fatalf("sign-up: %d", r.code)
	}
	live.confirm(t, live.waitMail(t, agent, "confirmation", 1))
	live.oneClick(t, live.waitMail(t, agent, "confirmed", 1))
	const left = "0 confirmée(s), 0 en attente, 1 désinscrite(s)"
	if got := live.signupCounts(t, id); got != left {
		t.Fatalf("after the unsubscription: %s", got)
	}

	csv := "email;nom\n" + agent + ";Camille Martin\n"
	r := live.api(t, tok, "POST", "/api/sessions/"+id+"/import?confirm=true", "text/csv", csv)
	if r.code != 200 || r.obj["invited"] != 0.0 || len(r.obj["unsubscribed"].([]any)) != 1 {
		t.Errorf("import asking for consent: %d %s", r.code, r.body)
	}
	r = live.api(t, tok, "POST", "/api/sessions/"+id+"/import", "text/csv", csv)
	if r.code != 200 || r.obj["added"] != 0.0 || len(r.obj["unsubscribed"].([]any)) != 1 {
		t.Errorf("plain import: %d %s", r.code, r.body)
	}
	if r = live.api(t, tok, "POST", "/api/sessions/"+id+"/subscribers", "application/json", `{"email": "`+agent+`"}`); r.code != 409 {
		t.Errorf("API add: %d %s", r.code, r.body)
	}
	live.b.fails(t, 1, "s'est désinscrite", "subscribe", "--session", id, "--email", agent)
	importFile := filepath.Join(t.TempDir(), "liste.csv")
	if err := os.WriteFile(importFile, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := live.b.ok(t, "import", "--session", id, "--confirm", importFile); !strings.Contains(out, "désinscrites d'elles-mêmes, laissées de côté : 1") {
		t.Errorf("CLI import asking for consent:\n%s", out)
	}
	if got := live.signupCounts(t, id); got != left {
		t.Errorf("after the organiser's actions: %s", got)
	}
	// A request made after those actions is sent after anything they
	// queued: once it is there, nothing more is on its way to the agent.
	other := live.createSession(t, tok, "Atelier témoin", time.Now().Add(72*time.Hour))
	live.form(t, "/sessions/"+other, url.Values{"email": {"temoin@example.gouv.fr"}}, nil)
	live.waitMail(t, "temoin@example.gouv.fr", "confirmation", 1)
	if n := len(live.mails(t, agent)); n != 2 {
		t.Errorf("%d messages to the agent, want the confirmation request and its acknowledgement only", n)
	}

	// The person themselves may come back, through a fresh double opt-in.
	live.form(t, "/sessions/"+id, url.Values{"email": {agent}}, nil)
	request := live.waitMail(t, agent, "confirmation", 2)
	if got := live.signupCounts(t, id); got != left {
		t.Errorf("a public sign-up not yet confirmed changed the sign-up: %s", got)
	}
	live.confirm(t, request)
	if got := live.signupCounts(t, id); got != "1 confirmée(s), 0 en attente, 0 désinscrite(s)" {
		t.Errorf("after the person's own confirmation: %s", got)
	}
}

// TestSignupLimitIgnoresForgedForwardedFor: behind a reverse proxy, 60
// sign-ups that each claim another address in X-Forwarded-For are limited
// as the one client they are.
func TestSignupLimitIgnoresForgedForwardedFor(t *testing.T) {
	t.Parallel()
	live := startLive(t, "TRUST_PROXY=true")
	id := strings.TrimSpace(live.b.ok(t, "session", "add", "--kind", "atelier", "--title", "Atelier ouvert",
		"--start", time.Now().Add(72*time.Hour).Format(time.RFC3339)))
	target, _ := url.Parse(live.base)
	proxy := httptest.NewServer(httputil.NewSingleHostReverseProxy(target)) // appends the client's address
	defer proxy.Close()
	codes := map[int]int{}
	for i := range 60 {
		form := url.Values{"email": {fmt.Sprintf("victime+%d@example.gouv.fr", i)}}
		req, _ := http.NewRequest("POST", proxy.URL+"/sessions/"+id, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i+1))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes[resp.StatusCode]++
	}
	if codes[200] != 5 || codes[429] != 55 {
		t.Errorf("answers %v, want 5 sign-ups (the burst) and 55 refusals", codes)
	}
}

// TestPublicFormCannotRenameASubscriber: a name typed in the public form
// for someone else's address changes nothing of what an organiser sees or
// sends; once the person confirms it, it is theirs for that sign-up only.
func TestPublicFormCannotRenameASubscriber(t *testing.T) {
	t.Parallel()
	live := startLive(t, "REMINDERS=1h")
	a, b := live.token(t, "DINUM"), live.token(t, "DITP")
	sa := live.createSession(t, a, "Webinaire API", time.Now().Add(time.Hour+8*time.Second))
	sb := live.createSession(t, b, "Atelier design", time.Now().Add(72*time.Hour))
	const agent = "dominique.bernard@example.gouv.fr"
	if r := live.api(t, a, "POST", "/api/sessions/"+sa+"/subscribers", "application/json", `{"email": "`+agent+`"}`); r.code != 201 || r.obj["name"] != "" {
		t.Fatalf("add: %d %s", r.code, r.body)
	}

	live.form(t, "/sessions/"+sb, url.Values{"email": {agent}, "nom": {"Pirate"}}, nil)
	request := live.waitMail(t, agent, "confirmation", 1)
	if strings.Contains(request.Header.Get("To"), "Pirate") {
		t.Errorf("an unconfirmed name in To: %s", request.Header.Get("To"))
	}
	if r := live.api(t, a, "POST", "/api/sessions/"+sa+"/subscribers", "application/json", `{"email": "`+agent+`"}`); r.code != 200 || r.obj["name"] != "" {
		t.Errorf("the other organiser sees the name: %d %s", r.code, r.body)
	}
	live.confirm(t, request)
	if ack := live.waitMail(t, agent, "confirmed", 1); !strings.Contains(ack.Header.Get("To"), "Pirate") {
		t.Errorf("the person's own confirmed sign-up does not use their name: %s", ack.Header.Get("To"))
	}
	h1 := live.waitMail(t, agent, "h1", 1)
	if h1.Header.Get("X-Rappel-Session") != sa || strings.Contains(h1.Header.Get("To"), "Pirate") || strings.Contains(h1.Parts["text/plain"], "Pirate") {
		t.Errorf("the other organiser's reminder uses the form's name: To %s\n%s", h1.Header.Get("To"), h1.Parts["text/plain"])
	}
}

// TestTenYearSessionIsRefused: a session lasts 31 days at most, whichever
// way it comes in; nothing is created.
func TestTenYearSessionIsRefused(t *testing.T) {
	t.Parallel()
	live := startLive(t)
	start := time.Now().Add(72 * time.Hour)
	end := start.AddDate(10, 0, 0)
	live.b.fails(t, 1, "31 jours au plus", "session", "add", "--kind", "atelier", "--title", "Sans fin",
		"--start", start.Format(time.RFC3339), "--end", end.Format(time.RFC3339))
	live.b.fails(t, 2, "hors limites", "session", "add", "--kind", "atelier", "--title", "Trop loin", "--start", "2999-01-01 10:00")

	tok := live.token(t, "DINUM")
	body := fmt.Sprintf(`{"kind": "atelier", "title": "Sans fin", "starts_at": %q, "ends_at": %q}`, start.Format(time.RFC3339), end.Format(time.RFC3339))
	if r := live.api(t, tok, "POST", "/api/sessions", "application/json", body); r.code != 422 || r.obj["field"] != "end" || !strings.Contains(r.body, "31 jours") {
		t.Errorf("API: %d %s", r.code, r.body)
	}
	far := `{"kind": "atelier", "title": "Trop loin", "starts_at": "2999-01-01T10:00:00+01:00"}`
	if r := live.api(t, tok, "POST", "/api/sessions", "application/json", far); r.code != 422 || r.obj["field"] != "starts_at" || !strings.Contains(r.body, "entre 2000 et 2199") {
		t.Errorf("API, a start in 2999: %d %s", r.code, r.body)
	}
	ics := strings.Replace(feedICS("Forever"), "DTEND:20300115T110000Z", "DTEND:99991231T235959Z", 1)
	file := filepath.Join(t.TempDir(), "sans-fin.ics")
	if err := os.WriteFile(file, []byte(ics), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := live.b.ok(t, "agenda", "import", "--ics", file); !strings.Contains(out, "En tout — créée : 1.") || !strings.Contains(out, "31 jours au plus") {
		t.Errorf("feed with an endless event:\n%s", out)
	}
	r := live.api(t, tok, "POST", "/api/agenda/import?source=sans-fin", "text/calendar", ics)
	if r.code != 200 || strings.Count(r.body, `"action": "create"`) != 1 || !strings.Contains(r.body, "31 jours au plus") {
		t.Errorf("API import of the feed: %d %s", r.code, r.body)
	}
}

// TestExampleKeysRefusedAtStart: the signing keys of the project's
// examples start nothing, with a message that says how to make one.
func TestExampleKeysRefusedAtStart(t *testing.T) {
	t.Parallel()
	b := &testBundle{}
	r := b.run(t, "", "--env-file", "../../deploy/systemd/rappel.env.example", "check")
	said := r.stdout + r.stderr
	if r.code == 0 || !strings.Contains(said, "SECRET_KEYS : la clé n° 1 est celle d'un exemple du projet") ||
		!strings.Contains(said, "openssl rand -base64 32") || strings.Contains(said, "Tout est prêt") {
		t.Errorf("check with the systemd example: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	db := setup(t)
	db.env = append(db.env, serviceEnv(t, freeAddr(t))...)
	db.env = append(db.env, "MAIL_OUTBOX_DIR="+t.TempDir(), "SECRET_KEYS=A_REMPLACER_PAR_UNE_CLE_ALEATOIRE_DE_32_CARACTERES")
	// Bounded, so that a service that starts all the same fails the test
	// rather than hangs it.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if r := db.runCtx(t, ctx, "", "run"); r.code != 1 || !strings.Contains(r.stderr, "SECRET_KEYS : la clé n° 1 est celle d'un exemple du projet") {
		t.Errorf("run with the Kubernetes example's key: exit %d\n%s", r.code, r.stderr)
	}
}

// TestAdminTokenNeverUpgradesAnOrganiser: --admin on an existing
// organiser's name is refused, and its tokens keep their reach.
func TestAdminTokenNeverUpgradesAnOrganiser(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.ok(t, "token", "create", "DINUM")
	b.fails(t, 1, "« DINUM » est déjà un organisateur sans droits d'administrateur", "token", "create", "DINUM", "--admin")
	if list := b.ok(t, "token", "list"); strings.Contains(list, "administrateur") || strings.Count(list, "DINUM") != 1 {
		t.Errorf("tokens after the refusal:\n%s", list)
	}
}

// TestMetricsOnTheirOwnAddress: with METRICS_ADDR, /metrics answers there
// and not on the public address.
func TestMetricsOnTheirOwnAddress(t *testing.T) {
	t.Parallel()
	maddr := freeAddr(t)
	live := startLive(t, "METRICS_ADDR="+maddr)
	if r := live.do(t, "GET", "/metrics", nil, ""); r.code != 404 {
		t.Errorf("/metrics on the public address: %d", r.code)
	}
	resp, err := http.Get("http://" + maddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/metrics on METRICS_ADDR: %d", resp.StatusCode)
	}
}

// TestControlCharactersNormalised: a carriage return in a title or a place
// becomes a space, and other control characters are refused, whichever
// way the session comes in.
func TestControlCharactersNormalised(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := strings.TrimSpace(b.ok(t, "session", "add", "--kind", "atelier", "--title", "Atelier\r\nBcc: tous@example.gouv.fr",
		"--location", "Salle 1\r\n2e étage", "--description", "Ligne 1\r\nLigne 2", "--start", "2030-01-15 10:00"))
	show := b.ok(t, "session", "show", id)
	for _, want := range []string{"Titre : Atelier Bcc: tous@example.gouv.fr\n", "Salle 1 2e étage", "Ligne 1\nLigne 2"} {
		if !strings.Contains(show, want) {
			t.Errorf("show lacks %q:\n%s", want, show)
		}
	}
	if strings.Contains(show, "\r") {
		t.Errorf("a carriage return was kept:\n%q", show)
	}
	b.fails(t, 1, "le titre contient un caractère de contrôle", "session", "add", "--kind", "atelier", "--title", "Cloche\a", "--start", "2030-01-15 10:00")
}

// TestReplyToFollowsTheContact: replies go to the session's contact, else
// its organiser's, else MAIL_REPLY_TO; with none, no Reply-To at all, and
// the calendar names no organiser.
func TestReplyToFollowsTheContact(t *testing.T) {
	t.Parallel()
	live := startLive(t)
	tok := live.token(t, "DITP")
	live.b.ok(t, "organiser", "contact", "DITP", "Équipe de la DITP <contact@modernisation.gouv.fr>")
	if out := live.b.ok(t, "organiser", "contact", "DITP"); !strings.Contains(out, "Équipe de la DITP <contact@modernisation.gouv.fr>") {
		t.Errorf("organiser contact: %q", out)
	}
	own := live.b.ok(t, "session", "add", "--kind", "atelier", "--title", "Avec contact", "--start", "2030-01-15 10:00",
		"--contact", "Marie Curie <Marie.Curie@Example.gouv.fr>")
	byOrganiser := live.createSession(t, tok, "Du DITP", time.Now().Add(72*time.Hour))
	none := live.b.ok(t, "session", "add", "--kind", "atelier", "--title", "Sans contact", "--start", "2030-01-15 10:00")
	replyTo := func(b *testBundle, id string) (header, ics string) {
		t.Helper()
		eml := b.ok(t, "preview", "--session", strings.TrimSpace(id), "--kind", "j1", "--format", "eml")
		m, err := mailview.Read([]byte(eml))
		if err != nil {
			t.Fatal(err)
		}
		return m.Header.Get("Reply-To"), m.Parts["text/calendar"]
	}
	if h, ics := replyTo(live.b, own); h != `"Marie Curie" <marie.curie@example.gouv.fr>` || !strings.Contains(ics, "ORGANIZER;CN=Marie Curie:mailto:marie.curie@example.gouv.fr") {
		t.Errorf("the session's contact: Reply-To %q, calendar:\n%s", h, ics)
	}
	if h, _ := replyTo(live.b, byOrganiser); !strings.Contains(h, "contact@modernisation.gouv.fr") {
		t.Errorf("the organiser's contact: Reply-To %q", h)
	}
	if h, ics := replyTo(live.b, none); h != "" || ics == "" || strings.Contains(ics, "ORGANIZER") {
		t.Errorf("no contact at any level: Reply-To %q, calendar:\n%s", h, ics)
	}
	withDefault := &testBundle{env: append(append([]string{}, live.b.env...), "MAIL_REPLY_TO=Mois de l'innovation <innovation@modernisation.gouv.fr>")}
	if h, _ := replyTo(withDefault, none); !strings.Contains(h, "innovation@modernisation.gouv.fr") {
		t.Errorf("MAIL_REPLY_TO: Reply-To %q", h)
	}
	live.b.fails(t, 1, "contact illisible", "session", "add", "--kind", "atelier", "--title", "x", "--start", "2030-01-15 10:00", "--contact", "pas une adresse")
}

// TestOrganiserCommands: teams and their members from the command line,
// and what is refused, in French.
func TestOrganiserCommands(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if out := b.ok(t, "organiser", "add", "DINUM"); !strings.Contains(out, "Organisateur « DINUM » créé") {
		t.Errorf("add: %s", out)
	}
	if out := b.ok(t, "organiser", "add", "DINUM"); !strings.Contains(out, "existe déjà") {
		t.Errorf("add again: %s", out)
	}
	b.fails(t, 1, "« DINUM » existe déjà, sans droits d'administrateur", "organiser", "add", "DINUM", "--admin")
	b.fails(t, 2, "le nom de l'organisateur est vide", "organiser", "add", " ")
	b.fails(t, 2, "il manque le nom de l'organisateur et l'adresse du membre", "organiser", "member", "add", "DINUM")
	b.fails(t, 2, "adresse électronique invalide", "organiser", "member", "add", "DINUM", "pas une adresse")
	b.fails(t, 1, "l'organisateur « DITP » n'existe pas", "organiser", "member", "add", "DITP", "lea@example.gouv.fr")
	b.fails(t, 2, "il manque la sous-commande : organiser member add, remove ou list", "organiser", "member")
	if out := b.ok(t, "organiser", "member", "add", "DINUM", "Lea@Example.gouv.fr"); !strings.Contains(out, "lea@example.gouv.fr") ||
		!strings.Contains(out, "/organisateurs/") {
		t.Errorf("member add: %s", out)
	}
	b.ok(t, "organiser", "add", "DITP")
	b.fails(t, 1, "une personne appartient à une seule équipe", "organiser", "member", "add", "DITP", "lea@example.gouv.fr")
	if out := b.ok(t, "organiser", "member", "list", "DINUM"); !strings.Contains(out, "lea@example.gouv.fr") {
		t.Errorf("member list: %s", out)
	}
	if out := b.ok(t, "organiser", "list"); !strings.Contains(out, "DINUM         1") {
		t.Errorf("list:\n%s", out)
	}
	b.ok(t, "organiser", "member", "remove", "DINUM", "lea@example.gouv.fr")
	b.fails(t, 1, "n'existe pas", "organiser", "member", "remove", "DINUM", "lea@example.gouv.fr")
}

// TestCapacityRaceAcrossProcesses: 50 `rappel subscribe` processes, each
// its own connection, racing for the 10 places of a session: exactly 10
// are signed up, the 40 others wait, and each process says which.
func TestCapacityRaceAcrossProcesses(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := strings.TrimSpace(b.ok(t, "session", "add", "--kind", "atelier", "--title", "Dix places",
		"--start", time.Now().Add(72*time.Hour).Format(time.RFC3339), "--capacity", "10"))
	var wg sync.WaitGroup
	outs := make([]string, 50)
	for i := range 50 {
		wg.Go(func() {
			cmd := exec.Command(binary(t), "subscribe", "--session", id, "--email", fmt.Sprintf("agent%d@example.gouv.fr", i))
			cmd.Env = b.env
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Errorf("process %d: %v\n%s", i, err, out)
			}
			outs[i] = string(out)
		})
	}
	wg.Wait()
	waiting := 0
	for _, o := range outs {
		if strings.Contains(o, "liste d'attente") {
			waiting++
		}
	}
	show := b.ok(t, "session", "show", id)
	if waiting != 40 || !strings.Contains(show, "10 confirmée(s)") || !strings.Contains(show, "40 en liste d'attente") || !strings.Contains(show, "Places : 10, dont 0 libre(s)") {
		t.Errorf("%d processes said « liste d'attente », want 40; session:\n%s", waiting, show)
	}
	t.Logf("50 processes for 10 places: 10 confirmed, %d waiting", waiting)
}
