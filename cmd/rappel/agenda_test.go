package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const fixturePost = "../../docs/fixtures/agenda-mois-innovation-2021.md"

// TestAgendaImportCommand imports the fixture and lists the programme
// exactly as published: date, hours, kind and title of each session.
func TestAgendaImportCommand(t *testing.T) {
	t.Parallel()
	b := setup(t)
	out := b.ok(t, "agenda", "import", fixturePost)
	if !strings.Contains(out, "En tout — créée : 12.") {
		t.Fatalf("import report:\n%s", out)
	}
	list := b.ok(t, "session", "list", "--all")
	for _, line := range []string{
		"atelier          2021-11-10  10:00–11:30  Environnement numérique de travail des agents publics : quelles évolutions ?",
		"atelier          2021-11-15  18:00–20:00  Comment l’administration peut-elle aider proactivement les jeunes dans leur entrée dans la vie active ?",
		"webinaire        2021-11-17  17:00–17:30  Simplifier les démarches des citoyens et le quotidien des agents grâce aux API",
		"formation        2021-11-18  10:00–12:00  Services publics en ligne : formez-vous à l’accessibilité !",
		"atelier          2021-11-24  10:00–11:30  Collectivités territoriales : la DINUM et l’ANCT vous présentent leurs outils pour accélérer vos projets de transformation numérique",
		"table-ronde      2021-11-24  10:30–12:30  Travail en mode hybride, et maintenant ?",
		"webinaire        2021-11-24  16:00–17:00  Open data et territoires, quel accompagnement pour les collectivités locales ?",
		"portes-ouvertes  2021-11-25  09:00–17:30  À la découverte de la mission Transfo de la DINUM",
		"webinaire        2021-11-25  14:00–15:00  Les entrepreneurs d’intérêt général vous aident à porter un projet d’innovation numérique dans votre territoire",
		"webinaire        2021-11-25  17:00–18:00  Numérique écoresponsable",
		"webinaire        2021-11-26  11:00–11:30  Simplifier les démarches des citoyens et le quotidien des agents grâce aux API",
		"formation        2021-11-30  10:00–12:00  Services publics en ligne : formez-vous au design !",
	} {
		if !strings.Contains(list, line) {
			t.Errorf("session list lacks %q:\n%s", line, list)
		}
	}
	if out := b.ok(t, "agenda", "import", "--dry-run", fixturePost); !strings.Contains(out, "En tout — inchangée : 12.") || !strings.Contains(out, "rien n'a été modifié") {
		t.Errorf("dry run of the same programme:\n%s", out)
	}
	if n := b.sessionCount(t); n != 12 {
		t.Errorf("%d sessions after two imports, want 12", n)
	}

	// A block gone wrong is named, and the others still import.
	data, err := os.ReadFile(fixturePost)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(data), "[Le jeudi 18/11 de 10h à 12h] [Formation]", "[Le jeudi 18/11 de 10h à 12h] [Conférence]", 1)
	bad = strings.Replace(bad, "title: Mois de l’innovation publique édition 2021", "title: Autre programme", 1)
	path := filepath.Join(t.TempDir(), "programme.md")
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	out = b.ok(t, "agenda", "import", path)
	if !strings.Contains(out, "En tout — créée : 11.") ||
		!strings.Contains(out, "bloc 4 « [Le jeudi 18/11 de 10h à 12h] [Conférence] Services publics en ligne") ||
		!strings.Contains(out, "» : type de session inconnu : « Conférence »") {
		t.Errorf("import with a bad block:\n%s", out)
	}
	b.fails(t, 1, "calendrier iCalendar illisible", "agenda", "import", "--ics", fixturePost)
	b.fails(t, 2, "--kind ne sert qu'avec --ics", "agenda", "import", "--kind", "atelier", fixturePost)
}

// TestImportedSessionsNeverSayJoin: the programme gives where to register,
// never where to join: no imported session is called online, and no
// message of one offers « Rejoindre » a registration page.
func TestImportedSessionsNeverSayJoin(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.env = append(b.env, serviceEnv(t, freeAddr(t))...)
	b.ok(t, "agenda", "import", fixturePost)
	list := strings.Split(strings.TrimSpace(b.ok(t, "session", "list", "--all")), "\n")[1:]
	if len(list) != 12 {
		t.Fatalf("%d sessions imported", len(list))
	}
	pages := 0
	for _, line := range list {
		id := strings.Fields(line)[0]
		show := b.ok(t, "session", "show", id)
		if strings.Contains(show, "Lien pour rejoindre") {
			t.Errorf("session %s has a link to join from the programme:\n%s", id, show)
		}
		if strings.Contains(show, "Page de l'événement : https://") {
			pages++
		}
		for _, k := range []string{"j1", "h1", "confirmed", "reschedule"} {
			text := b.ok(t, "preview", "--session", id, "--kind", k)
			for _, wrong := range []string{"Rejoindre", "rejoindre", "Où\u00a0: en ligne", "et en ligne", "ou en ligne"} {
				if strings.Contains(text, wrong) {
					t.Errorf("session %s, %s says %q:\n%s", id, k, wrong, text)
				}
			}
		}
	}
	if pages != 12 {
		t.Errorf("%d sessions of 12 have their event page", pages)
	}
}

// TestSessionInItsOwnZone: an atelier in Cayenne is planned and written in
// its zone: its J-1 is 9 h there the day before, 24 hours earlier, though
// Paris changes its clocks that night (the rule of Paris would make it 23).
func TestSessionInItsOwnZone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.env = append(b.env, serviceEnv(t, freeAddr(t))...)
	id := strings.TrimSpace(b.ok(t, "session", "add", "--kind", "atelier", "--title", "Atelier à Cayenne",
		"--timezone", "America/Cayenne", "--start", "2027-03-28 09:00", "--location", "Préfecture de la Guyane, Cayenne"))
	b.ok(t, "subscribe", "--session", id, "--email", "agent@example.gouv.fr")
	if show := b.ok(t, "session", "show", id); !strings.Contains(show, "dimanche 28 mars 2027 à 9\u00a0h") {
		t.Errorf("show:\n%s", show)
	}
	plan := b.ok(t, "plan", "--session", id)
	if !strings.Contains(plan, "rappel la veille : sera envoyé le 2027-03-27 09:00:00") {
		t.Errorf("plan:\n%s", plan)
	}
	text := b.ok(t, "preview", "--session", id, "--kind", "j1")
	if !strings.Contains(text, "dimanche 28 mars 2027 à 9\u00a0h") || !strings.Contains(text, "heure de Cayenne") || !strings.Contains(text, "demain à 9\u00a0h") {
		t.Errorf("preview:\n%s", text)
	}
	b.fails(t, 1, "fuseau horaire inconnu « Mars/Olympus »", "session", "add", "--kind", "atelier", "--title", "x",
		"--timezone", "Mars/Olympus", "--start", "2030-01-01 10:00")
}
