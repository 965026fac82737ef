package notify_test

import (
	"cmp"
	"flag"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	programme "github.com/dinum/rappel/agenda"
	"github.com/dinum/rappel/internal/testkit"
	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/notify"
	"github.com/dinum/rappel/notify/smtptest"
	"github.com/dinum/rappel/templates"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// agendaSession is a session of the fixture agenda (Mois de l'innovation
// publique 2021), short or stretched over a whole day.
type agendaSession struct {
	mode, length string
	in           templates.SessionInput
}

func agenda(t *testing.T) []agendaSession {
	loc := testkit.Paris(t)
	at := func(day, hour, minute int) time.Time { return time.Date(2021, 11, day, hour, minute, 0, 0, loc) }
	span := func(in templates.SessionInput, d time.Duration) templates.SessionInput {
		end := in.StartsAt.Add(d)
		in.EndsAt = &end
		return in
	}
	const segur = "Lieu de la transformation publique, 77 avenue de Ségur, 75015 Paris"
	return []agendaSession{
		{"en-ligne", "court", span(templates.SessionInput{ID: 3, Kind: "webinaire",
			Title:    "Simplifier les démarches des citoyens et le quotidien des agents grâce aux API",
			JoinURL:  "https://webinaire.numerique.gouv.fr/meeting/signin/4821/creator/1185/hash/5c1d7b6e",
			PageURL:  "https://app.livestorm.co/dinum-12/simplifier-demarches-api-mois-innovation?type=detailed",
			StartsAt: at(17, 17, 0)}, 30*time.Minute)},
		{"sur-place", "court", span(templates.SessionInput{ID: 2, Kind: "atelier",
			Title:    "Comment l’administration peut-elle aider proactivement les jeunes dans leur entrée dans la vie active ?",
			Location: segur, StartsAt: at(15, 18, 0),
			PageURL: "https://www.eventbrite.fr/e/billets-comment-ladministration-peut-elle-aider-proactivement-les-jeunes-199724931807"}, 2*time.Hour)},
		{"hybride", "court", span(templates.SessionInput{ID: 6, Kind: "table-ronde",
			Title: "Travail en mode hybride, et maintenant ?",
			Description: "Le télétravail s’installe désormais de façon pérenne dans les organisations.\n\n" +
				"Une table ronde de praticiens, agents et managers.",
			Location: segur, Accessible: true, StartsAt: at(24, 10, 30),
			JoinURL: "https://webconf.numerique.gouv.fr/travail-hybride-et-maintenant",
			PageURL: "https://www.modernisation.gouv.fr/mois-de-linnovation-publique/travail-en-mode-hybride-et-maintenant",
			Contact: "Équipe du Mois de l’innovation publique <innovation@modernisation.gouv.fr>"}, 2*time.Hour)},
		{"en-ligne", "journee", span(templates.SessionInput{ID: 4, Kind: "formation",
			Title:    "Services publics en ligne : formez-vous à l’accessibilité !",
			JoinURL:  "https://webconf.numerique.gouv.fr/formation-accessibilite",
			PageURL:  "https://design.numerique.gouv.fr/formations/accessibilite/",
			StartsAt: at(18, 9, 0)}, 8*time.Hour)},
		{"sur-place", "journee", span(templates.SessionInput{ID: 8, Kind: "portes-ouvertes",
			Title:    "À la découverte de la mission Transfo de la DINUM",
			Location: "Ensemble Fontenoy-Ségur, 20 avenue de Ségur, 75007 Paris", Accessible: true,
			StartsAt: at(25, 9, 0)}, 8*time.Hour+30*time.Minute)},
		{"hybride", "journee", span(templates.SessionInput{ID: 5, Kind: "atelier",
			Title:    "Collectivités territoriales : la DINUM et l’ANCT vous présentent leurs outils pour accélérer vos projets de transformation numérique",
			Location: segur, StartsAt: at(24, 9, 30),
			JoinURL: "https://webconf.numerique.gouv.fr/collectivites-dinum-anct",
			PageURL: "https://www.modernisation.gouv.fr/mois-de-linnovation-publique/collectivites-territoriales-la-dinum-et-lanct-vous-presentent-leurs",
			Contact: "Équipe du Mois de l’innovation publique <innovation@modernisation.gouv.fr>"}, 7*time.Hour+30*time.Minute)},
	}
}

// goldenKinds are the messages, with when each leaves before the start.
var goldenKinds = []struct {
	kind   string
	before time.Duration
}{
	{"j1", 24 * time.Hour},
	{"h1", time.Hour},
	{"reminder-2d", 48 * time.Hour},
	{"confirmation", 7 * 24 * time.Hour},
	{"confirmed", 7 * 24 * time.Hour},
	{"reschedule", 3 * 24 * time.Hour},
	{"cancellation", 3 * 24 * time.Hour},
	{"waitlisted", 7 * 24 * time.Hour},
	{"offer", 3 * 24 * time.Hour},
}

func goldenMessage(s agendaSession, k string, before time.Duration) notify.Message {
	m := notify.Message{
		DeliveryID: 100, Kind: kind.Message(k), SignupID: 7, ScheduleVersion: 2,
		Recipient: templates.Recipient{Name: "Marie Dupont", Email: "marie.dupont@example.gouv.fr"},
		Session:   s.in, Now: s.in.StartsAt.Add(-before),
	}
	switch k {
	case "confirmation":
		m.ConfirmToken = "Jeton-De-Confirmation"
	case "reschedule":
		prev, prevEnd := s.in.StartsAt.AddDate(0, 0, -7), s.in.EndsAt.AddDate(0, 0, -7)
		m.PreviousStartsAt, m.PreviousEndsAt = &prev, &prevEnd
	case "waitlisted":
		m.WaitPosition = 3
	case "offer":
		until := m.Now.Add(24 * time.Hour)
		m.OfferUntil = &until
	}
	return m
}

// goldenContact is the contact of the sessions rendered « avec-contact ».
const goldenContact = "Équipe du Mois de l’innovation publique <innovation@modernisation.gouv.fr>"

// TestGolden renders every message kind for sessions online, on site and
// both, short and over a whole day, with and without a contact, and
// compares them with the files of testdata/golden (go test ./notify -run
// TestGolden -update rewrites them).
func TestGolden(t *testing.T) {
	t.Parallel()
	c := composer(t)
	for _, s := range agenda(t) {
		for _, contact := range []string{"avec-contact", "sans-contact"} {
			s := s
			s.in.Contact = map[string]string{"avec-contact": goldenContact}[contact]
			for _, k := range goldenKinds {
				m := goldenMessage(s, k.kind, k.before)
				p := render(t, c, m)
				subject := p.Subject()
				if n := len([]rune(subject)); n > templates.SubjectMax {
					t.Errorf("%s %s-%s: subject of %d characters: %q", k.kind, s.mode, s.length, n, subject)
				}
				text := fmt.Sprintf("Objet : %s\nDe : %s\nRépondre à : %s\nÀ : %s\nPièce jointe : %s\n\n%s",
					subject, decodeHeader(p.Header.Get("From")), cmp.Or(decodeHeader(p.Header.Get("Reply-To")), "(aucun)"), p.Header.Get("To"),
					attachment(p), p.Parts["text/plain"])
				compareGolden(t, fmt.Sprintf("%s-%s-%s-%s.txt", k.kind, s.mode, s.length, contact), text)
				if s.mode == "hybride" && s.length == "court" && contact == "avec-contact" {
					compareGolden(t, k.kind+".html", p.Parts["text/html"])
				}
			}
		}
	}
}

func render(t *testing.T, c *notify.Composer, m notify.Message) smtptest.Parsed {
	t.Helper()
	msg, err := c.Compose(m)
	if err != nil {
		t.Fatal(err)
	}
	p, err := smtptest.Message{Data: msg.Data}.Parse()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func attachment(p smtptest.Parsed) string {
	if p.Parts["text/calendar"] == "" {
		return "aucune"
	}
	for _, line := range strings.Split(p.Parts["text/calendar"], "\n") {
		if method, ok := strings.CutPrefix(strings.TrimSpace(line), "METHOD:"); ok {
			return "fichier d’agenda .ics (" + method + ")"
		}
	}
	return "fichier d’agenda .ics"
}

func compareGolden(t *testing.T, name, got string) {
	t.Helper()
	got = strings.ReplaceAll(got, "\r\n", "\n")
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file missing: %v (run with -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from its golden file:\n--- want\n%s\n--- got\n%s", name, want, strings.TrimSpace(got))
	}
}

// TestEveryKindHasGoldens: a message kind added to kind's tables without
// its golden files (and so without a reader's look at them) fails here.
func TestEveryKindHasGoldens(t *testing.T) {
	t.Parallel()
	covered := map[string]bool{}
	for _, k := range goldenKinds {
		covered[kind.Message(k.kind).Template()] = true
	}
	for _, name := range kind.Templates() {
		if !covered[name] {
			t.Errorf("the messages of template %s have no golden files: add them to goldenKinds", name)
		}
	}
}

// TestSubjectsOfTheProgramme: the subject of every message of every
// session of the real programme is under 78 characters, « Rappel : »
// included, and a title shortened is cut at a word, never after a little
// word (« de », « à », « et »…).
func TestSubjectsOfTheProgramme(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../docs/fixtures/agenda-mois-innovation-2021.md")
	if err != nil {
		t.Fatal(err)
	}
	loc := testkit.Paris(t)
	prog, err := programme.ParsePost(data, loc)
	if err != nil || len(prog.Entries) != 12 {
		t.Fatalf("fixture: %d entries, %v", len(prog.Entries), err)
	}
	c := composer(t)
	shapes := map[string]map[string][]string{}
	little := map[string]bool{"de": true, "des": true, "du": true, "la": true, "le": true, "les": true,
		"à": true, "au": true, "aux": true, "en": true, "et": true, "ou": true, "pour": true}
	for _, e := range prog.Entries {
		for _, k := range goldenKinds {
			in := templates.SessionInput{ID: 1, Kind: e.Kind, Title: e.Title, Location: e.Location, PageURL: e.PageURL,
				StartsAt: e.Start, EndsAt: e.End}
			m := goldenMessage(agendaSession{in: in}, k.kind, k.before)
			p := render(t, c, m)
			subject := p.Subject()
			if n := len([]rune(subject)); n >= 78 {
				t.Errorf("%s of %q: %d characters: %q", k.kind, e.Title, n, subject)
			}
			prefix, shown, ok := strings.Cut(subject, " – ")
			shape := subjectShape(prefix, e.Kind, e.Start.In(loc))
			if shapes[k.kind] == nil {
				shapes[k.kind] = map[string][]string{}
			}
			shapes[k.kind][shape] = append(shapes[k.kind][shape], subject)
			if !ok || !strings.HasSuffix(shown, "…") {
				continue
			}
			plain := strings.NewReplacer("\u00a0", " ", "\u202f", " ", "’", "'")
			cut, title := plain.Replace(strings.TrimSuffix(shown, "…")), plain.Replace(e.Title)
			words := strings.Fields(cut)
			last := words[len(words)-1]
			rest, atWord := strings.CutPrefix(title, cut)
			atWord = atWord && (rest == "" || strings.ContainsRune(" ,;:", rune(rest[0])))
			if little[strings.ToLower(last)] || !atWord {
				t.Errorf("%s of %q: the title is cut badly: %q", k.kind, e.Title, subject)
			}
		}
	}
	for k, byShape := range shapes {
		if len(byShape) != 1 {
			t.Errorf("the subjects of %s have %d shapes, want one: %q", k, len(byShape), byShape)
		}
	}
}

// subjectShape is a subject's prefix with the session's own words (its
// kind, day and time) replaced by placeholders, so that two subjects of
// the same shape compare equal.
func subjectShape(prefix string, k kind.Session, start time.Time) string {
	return strings.NewReplacer(
		templates.Words(k).Name, "{genre}",
		templates.Words(k).Short, "{genre}",
		templates.DayNoYear(start), "{jour}",
		templates.Clock(start), "{heure}",
	).Replace(prefix)
}

// TestSubjectsLeaveRoomForTheTitle: with the longest kind, date and time
// there are, every subject still shows MinSubjectTitle characters of the
// title.
func TestSubjectsLeaveRoomForTheTitle(t *testing.T) {
	t.Parallel()
	loc := testkit.Paris(t)
	c := composer(t)
	// The longest day and month of the French calendar, at a time with
	// minutes, in a year other than the message's for the far reminders.
	start := time.Date(2027, time.September, 29, 10, 30, 0, 0, loc)
	title := strings.Repeat("Transformation numérique ", 6)
	end := start.Add(2 * time.Hour)
	for _, info := range kind.Sessions {
		for _, k := range append(goldenKinds, struct {
			kind   string
			before time.Duration
		}{"reminder-7d", 7 * 24 * time.Hour}) {
			in := templates.SessionInput{ID: 1, Kind: info.Kind, Title: title, Location: "Paris",
				StartsAt: start, EndsAt: &end}
			subject := render(t, c, goldenMessage(agendaSession{in: in}, k.kind, k.before)).Subject()
			_, shown, _ := strings.Cut(subject, " – ")
			if n := len([]rune(shown)); n < templates.MinSubjectTitle || len([]rune(subject)) > templates.SubjectMax {
				t.Errorf("%s of a %s: %d characters of the title in %q", k.kind, info.Kind, n, subject)
			}
		}
	}
}

// decodeHeader shows an address header as a mail client does.
func decodeHeader(v string) string {
	d, err := new(mime.WordDecoder).DecodeHeader(v)
	if err != nil {
		return v
	}
	return d
}
