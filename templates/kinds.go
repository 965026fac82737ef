package templates

import "github.com/dinum/rappel/kind"

// KindWords are the words that name a kind of session with the right
// article and gender, so that templates never build them by hand.
type KindWords struct {
	// Name is the bare noun: "atelier", "table ronde".
	Name string
	// Short is Name as a subject says it, short enough that every subject
	// keeps room for the title: "portes ouvertes" for the journée.
	Short string
	// Label starts with a capital: "Atelier", "Table ronde".
	Label string
	// The is the noun with its definite article: "l’atelier", "le webinaire".
	The string
	// TheCap is The with a capital: "L’atelier", "Le webinaire".
	TheCap string
	// This is the noun with its demonstrative: "cet atelier", "cette formation".
	This string
	// To is the noun after "à": "à l’atelier", "au webinaire".
	To string
	// Of is the noun after "de": "de l’atelier", "du webinaire".
	Of string
	// E is the ending that makes a participle agree with the noun: "" or
	// "e" ("prévu", "prévue").
	E string
}

var kindWords = map[kind.Session]KindWords{
	kind.Atelier: {
		Name: "atelier", Short: "atelier", Label: "Atelier", The: "l’atelier", TheCap: "L’atelier",
		This: "cet atelier", To: "à l’atelier", Of: "de l’atelier",
	},
	kind.Webinaire: {
		Name: "webinaire", Short: "webinaire", Label: "Webinaire", The: "le webinaire", TheCap: "Le webinaire",
		This: "ce webinaire", To: "au webinaire", Of: "du webinaire",
	},
	kind.Formation: {
		Name: "formation", Short: "formation", Label: "Formation", The: "la formation", TheCap: "La formation",
		This: "cette formation", To: "à la formation", Of: "de la formation", E: "e",
	},
	kind.TableRonde: {
		Name: "table ronde", Short: "table ronde", Label: "Table ronde", The: "la table ronde", TheCap: "La table ronde",
		This: "cette table ronde", To: "à la table ronde", Of: "de la table ronde", E: "e",
	},
	kind.PortesOuvertes: {
		Name: "journée portes ouvertes", Short: "portes ouvertes", Label: "Journée portes ouvertes",
		The: "la journée portes ouvertes", TheCap: "La journée portes ouvertes",
		This: "cette journée portes ouvertes", To: "à la journée portes ouvertes",
		Of: "de la journée portes ouvertes", E: "e",
	},
}

// Words returns the words of a session kind; an unknown kind is named
// "session", which fits every sentence of the templates.
func Words(k kind.Session) KindWords {
	if w, ok := kindWords[k]; ok {
		return w
	}
	return KindWords{
		Name: "session", Short: "session", Label: "Session", The: "la session", TheCap: "La session",
		This: "cette session", To: "à la session", Of: "de la session", E: "e",
	}
}
