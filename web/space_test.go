package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/token"
)

// member is a browser of the organisers' space: its cookies, and the
// CSRF secret its pages carry.
type member struct {
	t      testing.TB
	b      *testBundle
	client *http.Client
	csrf   string
}

type page struct {
	code int
	body string
	url  string
	hdr  http.Header
}

func (b *testBundle) browser(t testing.TB) *member {
	jar, _ := cookiejar.New(nil)
	return &member{t: t, b: b, client: &http.Client{Jar: jar}}
}

// team creates an organiser with one member.
func (b *testBundle) team(t testing.TB, name, email string, admin bool) store.Member {
	t.Helper()
	ctx := context.Background()
	if _, _, err := b.st.AddOrganiser(ctx, name, admin); err != nil {
		t.Fatal(err)
	}
	m, err := b.st.AddMember(ctx, name, email)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (m *member) do(req *http.Request) page {
	m.t.Helper()
	resp, err := m.client.Do(req)
	if err != nil {
		m.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	p := page{code: resp.StatusCode, body: string(body), url: resp.Request.URL.Path, hdr: resp.Header}
	if c := csrfRe.FindStringSubmatch(p.body); c != nil {
		m.csrf = c[1]
	}
	return p
}

func (m *member) get(path string) page {
	m.t.Helper()
	req, _ := http.NewRequest("GET", m.b.srv.URL+path, nil)
	return m.do(req)
}

// post sends a form; its CSRF secret is the page's unless values give one.
func (m *member) post(path string, values url.Values) page {
	m.t.Helper()
	if values == nil {
		values = url.Values{}
	}
	if _, ok := values["csrf"]; !ok && m.csrf != "" {
		values.Set("csrf", m.csrf)
	}
	req, _ := http.NewRequest("POST", m.b.srv.URL+path, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return m.do(req)
}

// upload sends a form with a file.
func (m *member) upload(path, field, name string, data []byte, values url.Values) page {
	m.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("csrf", m.csrf)
	for k, vs := range values {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	fw, _ := w.CreateFormFile(field, name)
	_, _ = fw.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest("POST", m.b.srv.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return m.do(req)
}

// signIn asks for a link, takes it as the worker would, and uses it.
func (m *member) signIn(email string) page {
	m.t.Helper()
	if p := m.post("/organisateurs/connexion", url.Values{"email": {email}}); p.code != 200 || !strings.Contains(p.body, "Vérifiez votre messagerie") {
		m.t.Fatalf("login request: %d %s", p.code, p.body)
	}
	links, err := m.b.st.ClaimLogins(context.Background(), 15*time.Minute, token.NewRandom)
	if err != nil || len(links) != 1 {
		m.t.Fatalf("login links: %v, %v", links, err)
	}
	path := "/organisateurs/connexion/" + links[0].Token
	if p := m.get(path); p.code != 200 || !strings.Contains(p.body, "Me connecter") {
		m.t.Fatalf("link page: %d %s", p.code, p.body)
	}
	return m.post(path, nil)
}

func (b *testBundle) sessionOf(t testing.TB, orgID int64, title string) store.Session {
	t.Helper()
	s, err := b.st.CreateSession(context.Background(), store.SessionParams{Kind: "atelier", Title: title,
		StartsAt: time.Now().Add(72 * time.Hour).Truncate(time.Minute), OrganiserID: &orgID})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSpaceSignInByLink: the link's page signs nobody in (a mail scanner
// opens it), its button does, once; the form answers the same for a
// stranger as for a member; a session needs its cookie.
func TestSpaceSignInByLink(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mem := b.team(t, "DINUM", "marie@numerique.gouv.fr", false)
	m := b.browser(t)
	if p := m.get("/organisateurs/"); p.url != "/organisateurs/connexion" || !strings.Contains(p.body, "Recevoir le lien") {
		t.Fatalf("without a session: %s %s", p.url, p.body)
	}
	// Same answer, member or stranger, but for the address echoed.
	answer := func(email string) string {
		p := b.browser(t).post("/organisateurs/connexion", url.Values{"email": {email}})
		return strings.ReplaceAll(p.body, email, "ADRESSE")
	}
	if answer("marie@numerique.gouv.fr") != answer("inconnu@numerique.gouv.fr") {
		t.Error("the answer differs for a member and a stranger")
	}
	// Nor does the work: the web side wrote the same row for both, and
	// never looked at who is a member (the worker does, later). Its time
	// is that of one statement, whoever asks.
	var same int
	_ = b.st.DB().Get(&same, `SELECT count(*) FROM login_requests
		WHERE email IN ('marie@numerique.gouv.fr', 'inconnu@numerique.gouv.fr') AND token_hash IS NULL AND sent_at IS NULL`)
	if same != 2 {
		t.Errorf("%d rows alike for the member and the stranger, want 2", same)
	}
	links, err := b.st.ClaimLogins(context.Background(), 15*time.Minute, token.NewRandom)
	if err != nil || len(links) != 1 || links[0].Email != mem.Email {
		t.Fatalf("links to send: %+v, %v (want one, to the member only)", links, err)
	}
	var left int
	_ = b.st.DB().Get(&left, `SELECT count(*) FROM login_requests WHERE email = 'inconnu@numerique.gouv.fr'`)
	if left != 0 {
		t.Errorf("the stranger's address is kept (%d rows)", left)
	}
	path := "/organisateurs/connexion/" + links[0].Token
	for range 3 { // a scanner opening the page many times changes nothing
		if p := m.get(path); p.code != 200 {
			t.Fatalf("link page: %d", p.code)
		}
	}
	if p := m.post(path, nil); p.url != "/organisateurs/" || !strings.Contains(p.body, "Vos sessions") {
		t.Fatalf("sign in: %d %s %s", p.code, p.url, p.body)
	}
	if p := b.browser(t).post(path, nil); p.code != 404 || !strings.Contains(p.body, "déjà servi") {
		t.Errorf("the link worked twice: %d %s", p.code, p.body)
	}
	if p := m.get("/organisateurs/connexion/pas-un-jeton"); p.code != 404 {
		t.Errorf("bad link: %d", p.code)
	}
	// Signing out ends the session at once.
	if p := m.post("/organisateurs/deconnexion", nil); p.url != "/organisateurs/connexion" {
		t.Errorf("sign out: %s", p.url)
	}
	if p := m.get("/organisateurs/"); p.url != "/organisateurs/connexion" {
		t.Errorf("still signed in after signing out: %s", p.url)
	}
}

// TestSpaceLoginLimits: an address gets a handful of links an hour,
// however many clients ask; one client gets a handful of answers in a row.
func TestSpaceLoginLimits(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.team(t, "DINUM", "marie@numerique.gouv.fr", false)
	for range 8 {
		if err := b.st.RequestLogin(context.Background(), "marie@numerique.gouv.fr", 5); err != nil {
			t.Fatal(err)
		}
	}
	links, err := b.st.ClaimLogins(context.Background(), 15*time.Minute, token.NewRandom)
	if err != nil || len(links) != 5 {
		t.Errorf("%d links for 8 requests, want 5: %v", len(links), err)
	}
	m := b.browser(t)
	if p := m.post("/organisateurs/connexion", url.Values{"email": {"pas une adresse"}}); p.code != 400 || !strings.Contains(p.body, `aria-invalid="true"`) {
		t.Errorf("bad address: %d", p.code)
	}
	codes := []int{}
	for range 6 {
		codes = append(codes, m.post("/organisateurs/connexion", url.Values{"email": {"inconnu@example.org"}}).code)
	}
	if codes[3] != 200 || codes[5] != 429 {
		t.Errorf("answers to one client: %v, want the last refused", codes)
	}
}

// TestSpaceTeamsAreApart: a member of one team reaches none of another
// team's sessions by any address of the space; an administrator sees all.
func TestSpaceTeamsAreApart(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.team(t, "DINUM", "marie@numerique.gouv.fr", false)
	other := b.team(t, "DITP", "paul@modernisation.gouv.fr", false)
	b.team(t, "Administration", "admin@numerique.gouv.fr", true)
	mine := b.sessionOf(t, a.OrganiserID, "Atelier de la DINUM")
	theirs := b.sessionOf(t, other.OrganiserID, "Atelier de la DITP")
	m := b.browser(t)
	m.signIn(a.Email)
	if p := m.get("/organisateurs/"); !strings.Contains(p.body, "Atelier de la DINUM") || strings.Contains(p.body, "Atelier de la DITP") {
		t.Errorf("dashboard: %s", p.body)
	}
	id := strconv.FormatInt(theirs.ID, 10)
	for _, path := range []string{"", "/modifier", "/annuler", "/inscriptions", "/inscriptions.csv", "/envois", "/import"} {
		if p := m.get("/organisateurs/sessions/" + id + path); p.code != 404 || strings.Contains(p.body, "DITP") {
			t.Errorf("GET %s of another team: %d", path, p.code)
		}
	}
	for _, path := range []string{"/modifier", "/annuler", "/inscriptions", "/inscriptions/1/retirer", "/import/rejets"} {
		if p := m.post("/organisateurs/sessions/"+id+path, url.Values{"title": {"Pris"}, "email": {"x@example.org"}}); p.code != 404 {
			t.Errorf("POST %s of another team: %d", path, p.code)
		}
	}
	if s, _ := b.st.SessionByID(context.Background(), theirs.ID); s.Status != store.SessionScheduled || s.Title != theirs.Title {
		t.Errorf("the other team's session changed: %+v", s)
	}
	// A sign-up of one's own session cannot be reached through another's.
	g, _, _ := b.st.Subscribe(context.Background(), store.SubscribeParams{SessionID: theirs.ID, Email: "x@example.org", Source: "cli"})
	if p := m.post("/organisateurs/sessions/"+strconv.FormatInt(mine.ID, 10)+"/inscriptions/"+strconv.FormatInt(g.ID, 10)+"/retirer", nil); p.code != 404 {
		t.Errorf("removing another session's sign-up: %d", p.code)
	}
	admin := b.browser(t)
	admin.signIn("admin@numerique.gouv.fr")
	if p := admin.get("/organisateurs/sessions/" + id); p.code != 200 {
		t.Errorf("the administrator cannot see a team's session: %d", p.code)
	}
}

// TestSpaceRemovedMember: removing a member ends their open session at
// its next request.
func TestSpaceRemovedMember(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.team(t, "DINUM", "marie@numerique.gouv.fr", false)
	m := b.browser(t)
	m.signIn(a.Email)
	if err := b.st.RemoveMember(context.Background(), "DINUM", a.Email); err != nil {
		t.Fatal(err)
	}
	if p := m.get("/organisateurs/"); p.url != "/organisateurs/connexion" {
		t.Errorf("a removed member still reaches the space: %s", p.url)
	}
}

// TestSpaceCSRF: every form of the space is refused without the secret of
// the session, or with another session's.
func TestSpaceCSRF(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.team(t, "DINUM", "marie@numerique.gouv.fr", false)
	b.team(t, "DITP", "paul@modernisation.gouv.fr", false)
	sess := b.sessionOf(t, a.OrganiserID, "Atelier")
	m := b.browser(t)
	m.signIn(a.Email)
	stranger := b.browser(t)
	stranger.signIn("paul@modernisation.gouv.fr")
	id := strconv.FormatInt(sess.ID, 10)
	forms := []string{"/organisateurs/deconnexion", "/organisateurs/sessions/nouvelle", "/organisateurs/sessions/" + id + "/modifier",
		"/organisateurs/sessions/" + id + "/annuler", "/organisateurs/sessions/" + id + "/inscriptions",
		"/organisateurs/sessions/" + id + "/import", "/organisateurs/sessions/" + id + "/import/rejets",
		"/organisateurs/programme", "/organisateurs/programme/appliquer"}
	for _, f := range forms {
		for name, secret := range map[string]string{"none": "", "another session's": stranger.csrf} {
			if p := m.post(f, url.Values{"csrf": {secret}, "title": {"x"}}); p.code != 403 || !strings.Contains(p.body, "Formulaire refusé") {
				t.Errorf("%s with %s secret: %d", f, name, p.code)
			}
		}
	}
	if s, _ := b.st.SessionByID(context.Background(), sess.ID); s.Status != store.SessionScheduled {
		t.Error("a form without its secret cancelled the session")
	}
}

// TestSpaceSessionForms: creating and changing a session through its form,
// with the store's French errors next to the field at fault.
func TestSpaceSessionForms(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.team(t, "DINUM", "marie@numerique.gouv.fr", false)
	m := b.browser(t)
	m.signIn(a.Email)
	m.get("/organisateurs/sessions/nouvelle")
	form := url.Values{"kind": {"webinaire"}, "title": {"Simplifier les démarches : les API"}, "starts_at": {"2031-03-18T14:30"},
		"ends_at": {"2031-03-18T16:00"}, "timezone": {"America/Cayenne"}, "join_url": {"pas une adresse"}}
	// Every field at fault at once, each next to its field.
	bad := url.Values{"kind": {"webinaire"}, "title": {" "}, "starts_at": {"2031-03-18T14:30"}, "ends_at": {"2031-03-18T12:00"},
		"join_url": {"pas une adresse"}}
	p := m.post("/organisateurs/sessions/nouvelle", bad)
	for _, field := range []string{"title", "ends_at", "join_url"} {
		if !strings.Contains(p.body, `id="`+field+`-erreur"`) || !strings.Contains(p.body, `href="#`+field+`"`) {
			t.Errorf("no error for %s: %s", field, p.body)
		}
	}
	p = m.post("/organisateurs/sessions/nouvelle", form)
	if p.code != 422 || !strings.Contains(p.body, `id="join_url-erreur"`) || !strings.Contains(p.body, `href="#join_url"`) ||
		!strings.Contains(p.body, "<title>Erreur\u00a0: ") {
		t.Fatalf("bad link: %d %s", p.code, p.body)
	}
	if !strings.Contains(strings.ReplaceAll(p.body, "\u00a0", " "), `value="Simplifier les démarches : les API"`) {
		t.Error("the form lost what was typed, or changed its spaces")
	}
	form.Set("join_url", "https://webinaire.numerique.gouv.fr/meeting/4821")
	p = m.post("/organisateurs/sessions/nouvelle", form)
	if p.code != 200 || !strings.Contains(p.body, "La session est créée") {
		t.Fatalf("create: %d %s", p.code, p.body)
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(p.url, "/organisateurs/sessions/"), 10, 64)
	s, err := b.st.SessionByID(context.Background(), id)
	if err != nil || s.Title != "Simplifier les démarches : les API" || s.Timezone != "America/Cayenne" ||
		s.StartsAt.UTC().Format(time.RFC3339) != "2031-03-18T17:30:00Z" || *s.OrganiserID != a.OrganiserID {
		t.Fatalf("created: %+v, %v", s, err)
	}
	edit := m.get(p.url + "/modifier")
	if !strings.Contains(edit.body, `value="2031-03-18T14:30"`) || !strings.Contains(edit.body, `value="America/Cayenne" selected`) {
		t.Errorf("the edit form does not show the session on its own clock: %s", edit.body)
	}
	form.Set("starts_at", "2031-03-19T09:00")
	form.Set("ends_at", "2031-03-19T10:00")
	if p := m.post(p.url+"/modifier", form); !strings.Contains(p.body, "Les modifications sont enregistrées") {
		t.Fatalf("edit: %d %s", p.code, p.body)
	}
	if s, _ := b.st.SessionByID(context.Background(), id); s.ScheduleVersion != 2 {
		t.Errorf("the move was not a move: version %d", s.ScheduleVersion)
	}
	if p := m.get("/organisateurs/journal"); !strings.Contains(p.body, "création") || !strings.Contains(p.body, "horaire changé") {
		t.Errorf("journal: %s", p.body)
	}
}

// TestSpaceSignupsAndCancel: the sign-ups of a session, searched, added,
// removed and exported; then the session cancelled, which tells them.
func TestSpaceSignupsAndCancel(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.team(t, "DINUM", "marie@numerique.gouv.fr", false)
	sess := b.sessionOf(t, a.OrganiserID, "Atelier")
	base := "/organisateurs/sessions/" + strconv.FormatInt(sess.ID, 10)
	for i := range 60 {
		_, _, _ = b.st.Subscribe(context.Background(), store.SubscribeParams{SessionID: sess.ID,
			Email: "agent" + strconv.Itoa(i) + "@example.gouv.fr", Source: "import"})
	}
	m := b.browser(t)
	m.signIn(a.Email)
	p := m.get(base + "/inscriptions")
	if !strings.Contains(p.body, "60 inscriptions") || !strings.Contains(p.body, "Page suivante") || strings.Count(p.body, "<tr>") != 51 {
		t.Errorf("first page: %d rows %s", strings.Count(p.body, "<tr>"), p.body)
	}
	if p := m.get(base + "/inscriptions?q=agent59"); strings.Count(p.body, "<tr>") != 2 || !strings.Contains(p.body, "agent59@example.gouv.fr") {
		t.Errorf("search: %s", p.body)
	}
	if p := m.post(base+"/inscriptions", url.Values{"email": {"=cmd|' /C calc'!A0@x"}}); p.code != 422 || !strings.Contains(p.body, "email-erreur") {
		t.Errorf("bad address: %d", p.code)
	}
	if p := m.post(base+"/inscriptions", url.Values{"email": {"lea@example.gouv.fr"}, "name": {"=HYPERLINK(\"x\")"}}); !strings.Contains(p.body, "La personne est inscrite") {
		t.Errorf("add: %d %s", p.code, p.body)
	}
	csv := m.get(base + "/inscriptions.csv")
	if !strings.HasPrefix(csv.body, "\ufeffAdresse électronique;Nom;") || !strings.Contains(csv.body, `lea@example.gouv.fr;"'=HYPERLINK`) ||
		strings.Count(csv.body, "\r\n") != 62 {
		t.Errorf("export: %d lines %q", strings.Count(csv.body, "\r\n"), csv.body[len(csv.body)-300:])
	}
	signups, _ := b.st.Signups(context.Background(), sess.ID)
	var lea store.Signup
	for _, g := range signups {
		if g.Email == "lea@example.gouv.fr" {
			lea = g
		}
	}
	if p := m.post(base+"/inscriptions/"+strconv.FormatInt(lea.ID, 10)+"/retirer", nil); !strings.Contains(p.body, "L’inscription est retirée") {
		t.Errorf("remove: %s", p.body)
	}
	if g, _ := b.st.SignupByID(context.Background(), lea.ID); g.Status != "unsubscribed" {
		t.Errorf("removed sign-up: %s", g.Status)
	}
	if p := m.get(base + "/annuler"); !strings.Contains(p.body, "Les 60 personnes inscrites recevront un avis d’annulation") {
		t.Errorf("cancel page: %s", p.body)
	}
	if p := m.post(base+"/annuler", nil); !strings.Contains(p.body, "La session est annulée") {
		t.Errorf("cancel: %s", p.body)
	}
	var notices int
	_ = b.st.DB().Get(&notices, `SELECT count(*) FROM deliveries WHERE session_id = $1 AND kind = 'cancellation'`, sess.ID)
	if notices != 60 {
		t.Errorf("%d cancellation notices, want 60", notices)
	}
}

// TestSpaceImports: a French Excel list with bad lines, its rejected
// lines downloaded; the fixture programme, dry run then applied.
func TestSpaceImports(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.team(t, "DINUM", "marie@numerique.gouv.fr", false)
	sess := b.sessionOf(t, a.OrganiserID, "Atelier")
	base := "/organisateurs/sessions/" + strconv.FormatInt(sess.ID, 10)
	m := b.browser(t)
	m.signIn(a.Email)
	m.get(base + "/import")
	// Windows-1252, as French Excel saves "CSV (séparateur : point-virgule)".
	list := []byte("Pr\xe9nom;Nom;Courriel\r\nL\xe9a;Durand;lea@example.gouv.fr\r\nJos\xe9;Martin;pas-une-adresse\r\nMarc;Petit;marc@example.gouv.fr\r\n")
	p := m.upload(base+"/import", "fichier", "inscrits.csv", list, nil)
	if p.code != 200 || !strings.Contains(p.body, "2 personnes inscrites") || !strings.Contains(p.body, "<td>3</td>") {
		t.Fatalf("import: %d %s", p.code, p.body)
	}
	if model := m.get("/organisateurs/modele-liste.csv"); !strings.HasPrefix(model.body, "\ufeffCourriel;Prénom;Nom\r\n") {
		t.Errorf("list model: %q", model.body)
	}
	rejected := regexp.MustCompile(`name="rejets" value="([^"]*)"`).FindStringSubmatch(p.body)
	if rejected == nil {
		t.Fatal("no rejected lines to download")
	}
	dl := m.post(base+"/import/rejets", url.Values{"rejets": {rejected[1]}})
	if !strings.HasPrefix(dl.hdr.Get("Content-Disposition"), "attachment;") ||
		!strings.Contains(dl.body, "Prénom;Nom;Courriel;Motif du refus\r\nJosé;Martin;pas-une-adresse;ligne 3 : ") {
		t.Errorf("rejected lines: %q", dl.body)
	}
	post, err := os.ReadFile("../docs/fixtures/agenda-mois-innovation-2021.md")
	if err != nil {
		t.Fatal(err)
	}
	m.get("/organisateurs/programme")
	p = m.upload("/organisateurs/programme", "fichier", "programme.md", post, nil)
	if p.code != 200 || strings.Count(p.body, "<td>Création</td>") != 12 || !strings.Contains(p.body, "Créer les 12 sessions") ||
		!strings.Contains(p.body, "12 sessions à créer sont déjà passées") {
		t.Fatalf("dry run: %d %s", p.code, p.body)
	}
	if l, _ := b.st.Sessions(context.Background(), store.SessionFilter{IncludePast: true, OrganiserID: &a.OrganiserID}); len(l) != 1 {
		t.Fatalf("the dry run created sessions: %d", len(l))
	}
	source := regexp.MustCompile(`name="programme" value="([^"]*)"`).FindStringSubmatch(p.body)
	p = m.post("/organisateurs/programme/appliquer", url.Values{"programme": {source[1]}})
	if p.code != 200 || !strings.Contains(p.body, "Le programme est importé") || strings.Count(p.body, "<td>Création</td>") != 12 {
		t.Fatalf("apply: %d %s", p.code, p.body)
	}
	if l, _ := b.st.Sessions(context.Background(), store.SessionFilter{IncludePast: true, OrganiserID: &a.OrganiserID}); len(l) != 13 {
		t.Errorf("sessions after the import: %d, want 13", len(l))
	}
}

// TestSpacePreview: each message of a session as it will leave, its HTML
// part served on its own with nothing that runs, and a test sent to the
// member (through a worker), a handful an hour.
func TestSpacePreview(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.team(t, "DINUM", "marie@numerique.gouv.fr", false)
	sess := b.sessionOf(t, a.OrganiserID, "Travail en mode hybride, et maintenant ?")
	base := "/organisateurs/sessions/" + strconv.FormatInt(sess.ID, 10) + "/apercu"
	m := b.browser(t)
	m.signIn(a.Email)
	p := m.get(base)
	if p.code != 200 || !strings.Contains(p.body, "Rappel\u00a0: atelier demain à") || !strings.Contains(p.body, "Bonjour Camille Exemple,") {
		t.Fatalf("preview: %d %s", p.code, p.body)
	}
	for _, k := range []string{"confirmation", "confirmed", "h1", "reschedule", "cancellation"} {
		if p := m.get(base + "?message=" + k); p.code != 200 || !strings.Contains(p.body, `aria-current="page">`) {
			t.Errorf("preview of %s: %d", k, p.code)
		}
	}
	if p := m.get(base + "?message=inconnu"); p.code != 404 {
		t.Errorf("unknown message: %d", p.code)
	}
	html := m.get(base + ".html?message=j1")
	if csp := html.hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") || strings.Contains(csp, "script") ||
		!strings.Contains(html.body, `role="presentation"`) {
		t.Errorf("HTML part: %s\n%.200s", csp, html.body)
	}
	m.get(base)
	if p := m.post(base, url.Values{"message": {"j1"}}); !strings.Contains(p.body, "Le message d’essai part vers votre adresse") {
		t.Fatalf("test send: %s", p.body)
	}
	tests, err := b.st.ClaimTestSends(context.Background())
	if err != nil || len(tests) != 1 || tests[0].Email != "marie@numerique.gouv.fr" || tests[0].Kind != "j1" || tests[0].SessionID != sess.ID {
		t.Errorf("test to send: %+v, %v", tests, err)
	}
	for range 9 {
		m.post(base, url.Values{"message": {"h1"}})
	}
	if p := m.post(base, url.Values{"message": {"h1"}}); !strings.Contains(p.body, "beaucoup d’essais") {
		t.Errorf("the 11th test of the hour: %s", p.body)
	}
	if p := m.post(base, url.Values{"message": {"pas-un-message"}}); p.code != 404 {
		t.Errorf("test of an unknown message: %d", p.code)
	}
}

// TestSpaceTeams: an administrator manages the teams in the browser, as
// `rappel organiser` does; for the others these pages do not exist.
func TestSpaceTeams(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.team(t, "Administration", "admin@numerique.gouv.fr", true)
	other := b.team(t, "DITP", "paul@modernisation.gouv.fr", false)
	paul := b.browser(t)
	paul.signIn(other.Email)
	if p := paul.get("/organisateurs/equipes"); p.code != 404 {
		t.Errorf("a team's member reaches the teams: %d", p.code)
	}
	if p := paul.post("/organisateurs/equipes", url.Values{"name": {"Pirates"}}); p.code != 404 {
		t.Errorf("a team's member creates a team: %d", p.code)
	}
	admin := b.browser(t)
	admin.signIn("admin@numerique.gouv.fr")
	admin.get("/organisateurs/equipes")
	p := admin.post("/organisateurs/equipes", url.Values{"name": {"Mois de l'innovation publique"}})
	if !strings.Contains(p.body, "L’équipe est créée") {
		t.Fatalf("create team: %s", p.body)
	}
	team := p.url
	if p := admin.post("/organisateurs/equipes", url.Values{"name": {"DITP"}}); p.code != 422 || !strings.Contains(p.body, "déjà ce nom") {
		t.Errorf("same name: %d", p.code)
	}
	if p := admin.post(team+"/membres", url.Values{"email": {"camille@modernisation.gouv.fr"}}); !strings.Contains(p.body, "Le membre est ajouté") {
		t.Errorf("add member: %s", p.body)
	}
	if p := admin.post(team+"/membres", url.Values{"email": {"paul@modernisation.gouv.fr"}}); p.code != 422 || !strings.Contains(p.body, "une seule équipe") {
		t.Errorf("a member of another team: %d", p.code)
	}
	if p := admin.post(team+"/contact", url.Values{"contact": {"Équipe du Mois <innovation@modernisation.gouv.fr>"}}); !strings.Contains(p.body, "Le contact de l’équipe est enregistré") {
		t.Errorf("contact: %s", p.body)
	}
	camille := b.browser(t)
	camille.signIn("camille@modernisation.gouv.fr")
	if p := admin.post(team+"/membres/retirer", url.Values{"email": {"camille@modernisation.gouv.fr"}}); !strings.Contains(p.body, "Le membre est retiré") {
		t.Errorf("remove: %s", p.body)
	}
	if p := camille.get("/organisateurs/"); p.url != "/organisateurs/connexion" {
		t.Errorf("the removed member is still signed in: %s", p.url)
	}
	if c, _ := b.st.OrganiserContact(context.Background(), "Mois de l'innovation publique"); c != "Équipe du Mois <innovation@modernisation.gouv.fr>" {
		t.Errorf("contact kept: %q", c)
	}
}

// TestSpaceCapacity: the places of a session through its form; the public
// page says « Complet » and offers the waiting list; the sign-ups page
// shows who waits and when people left.
func TestSpaceCapacity(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.team(t, "DINUM", "marie@numerique.gouv.fr", false)
	sess := b.sessionOf(t, a.OrganiserID, "Atelier de deux chaises")
	base := "/organisateurs/sessions/" + strconv.FormatInt(sess.ID, 10)
	m := b.browser(t)
	m.signIn(a.Email)
	edit := m.get(base + "/modifier")
	if !strings.Contains(edit.body, `id="capacity"`) {
		t.Fatal("no capacity field")
	}
	loc, _ := time.LoadLocation("Europe/Paris")
	form := url.Values{"kind": {"atelier"}, "title": {"Atelier de deux chaises"}, "starts_at": {sess.StartsAt.In(loc).Format("2006-01-02T15:04")},
		"timezone": {""}, "capacity": {"zéro"}}
	if p := m.post(base+"/modifier", form); p.code != 422 || !strings.Contains(p.body, "capacity-erreur") {
		t.Errorf("bad capacity: %d", p.code)
	}
	form.Set("capacity", "2")
	if p := m.post(base+"/modifier", form); !strings.Contains(p.body, "Les modifications sont enregistrées") {
		t.Fatalf("capacity: %d %s", p.code, p.body)
	}
	if p := get200(t, b.srv.URL+"/sessions/"+strconv.FormatInt(sess.ID, 10)); strings.Contains(p, "Complet") {
		t.Error("« Complet » with free places")
	}
	for _, e := range []string{"un@example.gouv.fr", "deux@example.gouv.fr", "trois@example.gouv.fr"} {
		m.post(base+"/inscriptions", url.Values{"email": {e}})
	}
	public := get200(t, b.srv.URL+"/sessions/"+strconv.FormatInt(sess.ID, 10))
	if !strings.Contains(public, "Complet") || !strings.Contains(public, "M’inscrire sur la liste d’attente") {
		t.Errorf("public page of a full session:\n%s", public)
	}
	p := m.get(base + "/inscriptions")
	if !strings.Contains(p.body, "Sur liste d’attente") {
		t.Errorf("sign-ups: %s", p.body)
	}
	if p := m.get(base); !strings.Contains(p.body, "2 places prises sur 2, 1 personne sur la liste d’attente") {
		t.Errorf("session page: %s", p.body)
	}
}

func get200(t *testing.T, u string) string {
	t.Helper()
	code, body, _ := get(t, u)
	if code != 200 {
		t.Fatalf("GET %s: %d", u, code)
	}
	return body
}

// TestLeaveTheWaitingList: the cancel link of a person waiting says what
// it does: leave the waiting list.
func TestLeaveTheWaitingList(t *testing.T) {
	t.Parallel()
	b := setup(t)
	one := 1
	s, err := b.st.CreateSession(context.Background(), store.SessionParams{Kind: "atelier", Title: "Une chaise",
		StartsAt: time.Now().Add(72 * time.Hour), Capacity: &one})
	if err != nil {
		t.Fatal(err)
	}
	b.st.Subscribe(context.Background(), store.SubscribeParams{SessionID: s.ID, Email: "un@example.gouv.fr", Source: "cli"})
	g, _, _ := b.st.Subscribe(context.Background(), store.SubscribeParams{SessionID: s.ID, Email: "deux@example.gouv.fr", Source: "cli"})
	link := b.srv.URL + "/annulation/" + b.signer.Sign(token.Unsubscribe, g.ID)
	if body := get200(t, link); !strings.Contains(body, "Quitter la liste d’attente") {
		t.Errorf("cancel page of a person waiting:\n%s", body)
	}
}
