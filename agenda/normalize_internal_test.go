package agenda

import (
	"strings"
	"testing"
	"time"
)

func TestFrenchTextOfImports(t *testing.T) {
	for in, want := range map[string]string{
		"la DINUM et l'ANCT":               "la DINUM et l’ANCT",
		"services déconcentrés de l’Etat.": "services déconcentrés de l’État.",
		"Etats généraux":                   "États généraux",
		"Etatisme, Etat-major":             "Etatisme, État-major",
		"un 'mot' entre guillemets droits": "un 'mot' entre guillemets droits",
		"déjà l’État":                      "déjà l’État",
	} {
		if got := frenchText(in); got != want {
			t.Errorf("frenchText(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"77 Av. de Ségur 75015 Paris":                                     "77 avenue de Ségur, 75015 Paris",
		"Lieu de la transformation publique, 77 Av. de Ségur 75015 Paris": "Lieu de la transformation publique, 77 avenue de Ségur, 75015 Paris",
		"12 bd Haussmann, 75009 Paris":                                    "12 boulevard Haussmann, 75009 Paris",
		"Ensemble Fontenoy-Ségur, 20 avenue de Ségur, 75007 Paris":        "Ensemble Fontenoy-Ségur, 20 avenue de Ségur, 75007 Paris",
		"Salle Avenir, 3 place du Marché 97300 Cayenne":                   "Salle Avenir, 3 place du Marché, 97300 Cayenne",
	} {
		if got := address(in); got != want {
			t.Errorf("address(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSeriesLeavesTheTitleNotTheKey: a title's « [Série] » becomes a theme,
// and the entry keeps the key it had when the series was in its title, so
// that sessions imported before are matched, not created again.
func TestSeriesLeavesTheTitleNotTheKey(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	post := "---\ntitle: Programme\ndate: 2027-10-01 12:00:00 +02:00\nevent_start_date: 2027-11-01 00:00:00 +01:00\n---\n\n" +
		"<p><b>[Le mercredi 10/11/2027 de 10h à 11h30] [Atelier]</b> <i>[Baromètre Numérique de l’Agent] Environnement numérique</i></p>\n\nDepuis 2019.\n"
	p, err := ParsePost([]byte(post), loc)
	if err != nil || len(p.Entries) != 1 {
		t.Fatalf("%v %+v", err, p)
	}
	e := p.Entries[0]
	if e.Title != "Environnement numérique" || !strings.HasPrefix(e.Description, "Thème : Baromètre Numérique de l’Agent\n\n") {
		t.Errorf("title %q, description %q", e.Title, e.Description)
	}
	if want := "2027-11-10|" + fold("[Baromètre Numérique de l’Agent] Environnement numérique"); e.Key != want {
		t.Errorf("key %q, want %q", e.Key, want)
	}
}
