package agenda_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dinum/rappel/agenda"
	"github.com/dinum/rappel/internal/testkit"
)

const fixture = "../docs/fixtures/agenda-mois-innovation-2021.md"

func readFixture(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// published is a session as the fixture publishes it; description is a
// part of the description that must be there.
type published struct {
	kind, start, end, title, location, url, description string
	accessible                                          bool
}

// programme is the fixture's 12 sessions, read by a person.
var programme = []published{
	{"atelier", "2021-11-10 10:00", "11:30", "Environnement numérique de travail des agents publics : quelles évolutions ?", "",
		"https://www.eventbrite.fr/e/billets-environnement-numerique-de-travail-des-agents-quelles-evolutions-199693838647",
		"Thème : Baromètre Numérique de l’Agent\n\nDepuis 2019, la Direction interministérielle du numérique (DINUM) déploie le « Baromètre numérique de l’agent »", false},
	{"atelier", "2021-11-15 18:00", "20:00", "Comment l’administration peut-elle aider proactivement les jeunes dans leur entrée dans la vie active ?",
		"Lieu de la transformation publique, 77 Av. de Ségur 75015 Paris",
		"https://www.eventbrite.fr/e/billets-atelier-de-reflexion-sur-laccompagnement-des-jeunes-vers-la-vie-active-200197745847?aff=ebdsoporgprofile",
		"• Pour les agents, citoyens et spécifiquement les étudiants en recherche d’un premier emploi ou des jeunes actifs", false},
	{"webinaire", "2021-11-17 17:00", "17:30", "Simplifier les démarches des citoyens et le quotidien des agents grâce aux API", "",
		"https://app.livestorm.co/dinum-12/simplifier-demarches-api-mois-innovation?type=detailed",
		`Les API "pour les nuls".`, false},
	{"formation", "2021-11-18 10:00", "12:00", "Services publics en ligne : formez-vous à l'accessibilité !", "",
		"https://design.numerique.gouv.fr/formations/accessibilite/", "nous proposons une formation Accessibilité.", false},
	{"atelier", "2021-11-24 10:00", "11:30", "Collectivités territoriales : la DINUM et l'ANCT vous présentent leurs outils pour accélérer vos projets de transformation numérique", "",
		"https://framaforms.org/mois-de-linnovation-publique-dinum-anct-1634713931",
		"Thème : Transformation Numérique des Territoires\n\nVous êtes une collectivité territoriale", false},
	{"table-ronde", "2021-11-24 10:30", "12:30", "Travail en mode hybride, et maintenant ?",
		"Lieu de la transformation publique, 77 Av. de Ségur 75015 Paris",
		"https://www.modernisation.gouv.fr/mois-de-linnovation-publique/travail-en-mode-hybride-et-maintenant",
		"• Table ronde aux formats distanciel et présentiel", true},
	{"webinaire", "2021-11-24 16:00", "17:00", "Open data et territoires, quel accompagnement pour les collectivités locales ?", "",
		"https://app.livestorm.co/dinum-12/open-data-quel-accompagnement-pour-les-collectivites-locales?type=detailed",
		"L'équipe open data de la ville d'Issy-les-Moulineaux partagera également son expérience.", false},
	{"portes-ouvertes", "2021-11-25 09:00", "17:30", "À la découverte de la mission Transfo de la DINUM",
		"Ensemble Fontenoy-Ségur, 20 Av. de Ségur 75007 Paris",
		"https://www.eventbrite.fr/e/billets-portes-ouvertes-a-la-decouverte-de-la-mission-transfo-de-la-dinum-199703196637",
		"une journée Portes ouvertes sur le site de Ségur", true},
	{"webinaire", "2021-11-25 14:00", "15:00", "Les entrepreneurs d’intérêt général vous aident à porter un projet d’innovation numérique dans votre territoire", "",
		"https://www.modernisation.gouv.fr/mois-de-linnovation-publique/les-entrepreneurs-dinteret-general-vous-aident-porter-un-projet",
		"désireuses de mener un projet numérique innovant.\nLe programme souhaite", false},
	{"webinaire", "2021-11-25 17:00", "18:00", "Numérique écoresponsable", "",
		"https://www.modernisation.gouv.fr/mois-de-linnovation-publique/mois-de-linnovation-publique-numerique-ecoresponsable",
		"directement de 4% des émissions de gaz à effet de serre", false},
	{"webinaire", "2021-11-26 11:00", "11:30", "Simplifier les démarches des citoyens et le quotidien des agents grâce aux API", "",
		"https://app.livestorm.co/dinum-12/simplifier-demarches-api-mois-innovation?type=detailed",
		"Discussion au comptoir de la donnée : l'API Crit'air", false},
	{"formation", "2021-11-30 10:00", "12:00", "Services publics en ligne : formez-vous au design !", "",
		"https://design.numerique.gouv.fr/formations/design/", "nous proposons une formation Design.", false},
}

// checkPublished compares one session with what the fixture publishes.
// curly is what an import does to a programme's straight apostrophes.
var curly = regexp.MustCompile(`(\pL)'(\pL)`)

// checkPublished compares a session with the programme's; stored says it
// went through an import, which writes the apostrophes typographically.
func checkPublished(t *testing.T, i int, kind, title, location, url, description string, start time.Time, end *time.Time, accessible bool, stored ...bool) {
	t.Helper()
	want := programme[i]
	wantDescription := want.description
	if len(stored) > 0 && stored[0] {
		// An import also writes addresses as a letter does.
		want.location = strings.ReplaceAll(want.location, "Av. de Ségur 750", "avenue de Ségur, 750")
		want.title, want.location = curly.ReplaceAllString(want.title, "$1’$2"), curly.ReplaceAllString(want.location, "$1’$2")
		wantDescription = curly.ReplaceAllString(wantDescription, "$1’$2")
	}
	loc := testkit.Paris(t)
	got := published{kind: kind, title: title, location: location, url: url, accessible: accessible,
		start: start.In(loc).Format("2006-01-02 15:04")}
	if end != nil {
		got.end = end.In(loc).Format("15:04")
	}
	got.description, want.description = "", ""
	if got != want {
		t.Errorf("session %d:\n got %+v\nwant %+v", i+1, got, want)
	}
	if !strings.Contains(description, wantDescription) {
		t.Errorf("session %d: description %q lacks %q", i+1, description, wantDescription)
	}
	if strings.ContainsAny(description, "<>") || strings.Contains(description, "lien-important") {
		t.Errorf("session %d: markup left in the description: %q", i+1, description)
	}
}

func TestParseFixture(t *testing.T) {
	p, err := agenda.ParsePost(readFixture(t), testkit.Paris(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Problems) != 0 || len(p.Notes) != 0 {
		t.Errorf("problems %v, notes %v", p.Problems, p.Notes)
	}
	if p.Source != "Mois de l’innovation publique édition 2021" {
		t.Errorf("source %q", p.Source)
	}
	if len(p.Entries) != len(programme) {
		t.Fatalf("%d sessions read, want %d", len(p.Entries), len(programme))
	}
	keys := map[string]bool{}
	for i, e := range p.Entries {
		checkPublished(t, i, string(e.Kind), e.Title, e.Location, e.PageURL, e.Description, e.Start, e.End, e.Accessible)
		if keys[e.Key] {
			t.Errorf("session %d: key %q used twice", i+1, e.Key)
		}
		keys[e.Key] = true
		if e.Block != i+1 || !strings.HasPrefix(e.Heading, "[Le ") {
			t.Errorf("session %d: block %d heading %q", i+1, e.Block, e.Heading)
		}
	}
}

const header = "---\ntitle: Essais\nevent_start_date: 2026-12-01 00:00:00 +01:00\nevent_end_date: 2027-01-31 00:00:00 +01:00\n---\n\n"

// TestParseBlockVariants reads the ways organisers write a block, and the
// ways they get it wrong: each mistake names its block, and the blocks
// around it are read all the same.
func TestParseBlockVariants(t *testing.T) {
	loc := testkit.Paris(t)
	for _, tc := range []struct {
		name, block      string
		start, end, kind string
		title, problem   string
		note             string
	}{
		{name: "hours", block: `<p><b>[Le mercredi 2/12 de 10h à 11h]</b> <b>[Atelier]</b></p>`, problem: "première ligne illisible"},
		{name: "plain", block: `<p><b>[Le mercredi 2/12 de 10h à 11h] [Atelier]</b> <i>Titre</i></p>`, start: "2026-12-02 10:00", end: "11:00", kind: "atelier", title: "Titre"},
		{name: "minutes", block: `<p><b>[Le mercredi 2/12 de 10h30 à 11h45] [Webinaire]</b> <i>Titre</i></p>`, start: "2026-12-02 10:30", end: "11:45", kind: "webinaire", title: "Titre"},
		{name: "spaced", block: `<p><b>[Le mercredi 2/12 de 10 h 30 à 12 h] [Formation]</b> <i>Titre</i></p>`, start: "2026-12-02 10:30", end: "12:00", kind: "formation", title: "Titre"},
		{name: "colon", block: `<p><b>[le 02/12 de 9:00 - 17:30] [Journée portes ouvertes]</b> <i>Titre</i></p>`, start: "2026-12-02 09:00", end: "17:30", kind: "portes-ouvertes", title: "Titre"},
		{name: "markdown", block: `**[Le mercredi 2/12 de 10h à 11h] [Table ronde]** *Titre en Markdown*`, start: "2026-12-02 10:00", end: "11:00", kind: "table-ronde", title: "Titre en Markdown"},
		{name: "next year", block: `<p><b>[Le mercredi 6/1 de 10h à 11h] [Atelier]</b> <i>Titre</i></p>`, start: "2027-01-06 10:00", end: "11:00", kind: "atelier", title: "Titre"},
		{name: "year written", block: `<p><b>[Le jeudi 25/11/2027 de 10h à 11h] [Atelier]</b> <i>Titre</i></p>`, start: "2027-11-25 10:00", end: "11:00", kind: "atelier", title: "Titre"},
		{name: "autumn DST", block: `<p><b>[Le dimanche 25/10/2026 de 2h30 à 4h] [Webinaire]</b> <i>Titre</i></p>`, start: "2026-10-25 02:30", end: "04:00", kind: "webinaire", title: "Titre"},
		{name: "DST", block: `<p><b>[Le dimanche 28/3/2027 de 2h30 à 4h] [Webinaire]</b> <i>Titre</i></p>`, start: "2027-03-28 03:30", end: "04:00", kind: "webinaire", title: "Titre"},
		{name: "no end", block: `<p><b>[Le mercredi 2/12 à 10h] [Atelier]</b> <i>Titre</i></p>`, start: "2026-12-02 10:00", kind: "atelier", title: "Titre", note: "pas d'heure de fin"},
		{name: "unknown kind", block: `<p><b>[Le mercredi 2/12 de 10h à 11h] [Conférence]</b> <i>Titre</i></p>`, problem: "type de session inconnu : « Conférence »"},
		{name: "no kind", block: `<p><b>[Le mercredi 2/12 de 10h à 11h]</b> <i>Titre</i></p>`, problem: "il manque le type de session"},
		{name: "wrong weekday", block: `<p><b>[Le jeudi 2/12 de 10h à 11h] [Atelier]</b> <i>Titre</i></p>`, problem: "le 02/12/2026 est un mercredi, pas un jeudi"},
		{name: "impossible date", block: `<p><b>[Le 31/11 de 10h à 11h] [Atelier]</b> <i>Titre</i></p>`, problem: "date impossible"},
		{name: "end before start", block: `<p><b>[Le mercredi 2/12 de 11h à 10h] [Atelier]</b> <i>Titre</i></p>`, problem: "l'heure de fin n'est pas après"},
		{name: "no time", block: `<p><b>[Le mercredi 2/12] [Atelier]</b> <i>Titre</i></p>`, problem: "date et heure illisibles : « Le mercredi 2/12 »"},
		{name: "no title", block: `<p><b>[Le mercredi 2/12 de 10h à 11h] [Atelier]</b> <i> </i></p>`, problem: "pas de titre"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			good := `<p><b>[Le lundi 7/12 de 14h à 15h] [Webinaire]</b> <i>Voisin</i></p>`
			post := header + good + "\n\nTexte.\n\n" + tc.block + "\n\nDescription.\n\n" + good + "\n"
			p, err := agenda.ParsePost([]byte(post), loc)
			if err != nil {
				t.Fatal(err)
			}
			if tc.problem != "" {
				if len(p.Problems) != 1 || p.Problems[0].Block != 2 || !strings.Contains(p.Problems[0].Message, tc.problem) {
					t.Fatalf("problems %+v, want block 2: %q", p.Problems, tc.problem)
				}
				if len(p.Entries) != 2 {
					t.Errorf("%d sessions read around the bad block, want 2", len(p.Entries))
				}
				return
			}
			if len(p.Problems) != 0 || len(p.Entries) != 3 {
				t.Fatalf("problems %+v, %d sessions", p.Problems, len(p.Entries))
			}
			e := p.Entries[1]
			got := e.Start.In(loc).Format("2006-01-02 15:04")
			end := ""
			if e.End != nil {
				end = e.End.In(loc).Format("15:04")
			}
			if got != tc.start || end != tc.end || string(e.Kind) != tc.kind || e.Title != tc.title || e.Description != "Description." {
				t.Errorf("read %s–%s %s %q %q, want %s–%s %s %q", got, end, e.Kind, e.Title, e.Description, tc.start, tc.end, tc.kind, tc.title)
			}
			if tc.note != "" && (len(p.Notes) != 1 || !strings.Contains(p.Notes[0].Message, tc.note)) {
				t.Errorf("notes %+v, want %q", p.Notes, tc.note)
			}
		})
	}
}

func TestParsePostErrors(t *testing.T) {
	for name, post := range map[string]string{
		"no front matter": "<p><b>[Le mercredi 2/12 de 10h à 11h] [Atelier]</b> <i>Titre</i></p>",
		"no year":         "---\ntitle: Essais\n---\n<p><b>[Le mercredi 2/12 de 10h à 11h] [Atelier]</b> <i>Titre</i></p>",
		"no block":        header + "Rien à l'agenda.\n",
	} {
		if _, err := agenda.ParsePost([]byte(post), testkit.Paris(t)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// FuzzParsePost feeds the block parser any text after a valid header: it
// must not panic, and what it reads must be a session rappel can store.
func FuzzParsePost(f *testing.F) {
	f.Add(string(readFixture(f)[strings.Index(string(readFixture(f)), "\n---\n")+5:]))
	f.Add(`<p><b>[Le mercredi 2/12 de 10 h 30 à 11h] [Atelier] [Thème]</b> <i>Titre</i></p>` + "\n* 77 Av. de Ségur 75015 Paris\n* [Inscriptions](https://example.org/i)\n")
	f.Add("**[le 31/12 de 23h à 0h] [Webinaire]** *x*")
	loc := testkit.Paris(f)
	f.Fuzz(func(t *testing.T, body string) {
		p, err := agenda.ParsePost([]byte(header+body), loc)
		if err != nil {
			return
		}
		for _, e := range p.Entries {
			if e.Title == "" || e.Kind == "" || e.Start.IsZero() || e.Key == "" {
				t.Fatalf("incomplete session %+v", e)
			}
			if e.End != nil && !e.End.After(e.Start) {
				t.Fatalf("end %v not after start %v", e.End, e.Start)
			}
		}
		for _, pr := range p.Problems {
			if pr.Block < 1 || pr.Message == "" {
				t.Fatalf("problem without block or message: %+v", pr)
			}
		}
	})
}
