package kind

import "slices"

// Session is the kind of a session.
type Session string

// The session kinds.
const (
	Atelier        Session = "atelier"
	Webinaire      Session = "webinaire"
	Formation      Session = "formation"
	TableRonde     Session = "table-ronde"
	PortesOuvertes Session = "portes-ouvertes"
)

// SessionInfo is one row of the table of session kinds.
type SessionInfo struct {
	Kind Session
	// Names are how published programmes write the kind (an agenda post's
	// tag, a feed's CATEGORIES or title), lower-cased and without accents.
	Names []string
}

// Sessions is the table of session kinds, in the order they are shown to
// people.
var Sessions = []SessionInfo{
	{Kind: Atelier, Names: []string{"atelier"}},
	{Kind: Webinaire, Names: []string{"webinaire", "webinar"}},
	{Kind: Formation, Names: []string{"formation"}},
	{Kind: TableRonde, Names: []string{"table ronde", "table-ronde"}},
	{Kind: PortesOuvertes, Names: []string{"journee portes ouvertes", "portes ouvertes"}},
}

// SessionValues are the session kinds as stored, in the table's order.
func SessionValues() []string {
	out := make([]string, len(Sessions))
	for i, s := range Sessions {
		out[i] = string(s.Kind)
	}
	return out
}

// Valid says whether k is a session kind of the table.
func (k Session) Valid() bool {
	return slices.ContainsFunc(Sessions, func(s SessionInfo) bool { return s.Kind == k })
}

// SessionNamed finds the kind a programme's name stands for (one of its
// Names, or the kind as stored); name is already lower-cased and without
// accents.
func SessionNamed(name string) (Session, bool) {
	for _, s := range Sessions {
		if string(s.Kind) == name || slices.Contains(s.Names, name) {
			return s.Kind, true
		}
	}
	return "", false
}
