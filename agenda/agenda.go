// Package agenda reads the programmes organisers already publish, an
// agenda post (Markdown with front matter, one block per session) or an
// iCalendar feed, into sessions; sync.go brings rappel's sessions in line
// with them. Parsing is pure: what a block says wrong is a Problem naming
// the block, and the other blocks are read all the same.
package agenda

import (
	"cmp"
	"strings"
	"time"
	"unicode"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/templates"
	"golang.org/x/text/unicode/norm"
)

// Entry is one session as the programme publishes it.
type Entry struct {
	// Block is the entry's rank in the programme, from 1, and Heading what
	// names it there (the block's first line, the event's SUMMARY), so that
	// a message about it can say which one.
	Block   int
	Heading string
	// Key matches the entry to the session it created, from one import to
	// the next: the date and the title for a post, the UID for a feed.
	Key         string
	Kind        kind.Session
	Title       string
	Description string
	Location    string
	// JoinURL is where one joins online, PageURL the event's page (where
	// a programme says to register): only the first makes it online.
	JoinURL    string
	PageURL    string
	Start      time.Time
	End        *time.Time
	Accessible bool
	// Cancelled is set by a feed's STATUS:CANCELLED.
	Cancelled bool
	// keyTitle is the title as the programme wrote it, before its
	// bracketed series was moved out: what a post's key is made of, so
	// that sessions imported before keep theirs.
	keyTitle string
}

// Problem is what was wrong (or, for a note, worth saying) about a block.
type Problem struct {
	Block   int
	Heading string
	Message string
}

// Programme is what a post or a feed holds.
type Programme struct {
	// Source names the programme; the sessions it created are matched
	// within it.
	Source string
	// post says the keys are the date and the title, which a move changes.
	post    bool
	Entries []Entry
	// Problems are the blocks not imported, Notes what was imported with
	// a remark.
	Problems []Problem
	Notes    []Problem
}

// kindNames is how a message lists the kinds expected.
func kindNames() string {
	names := make([]string, len(kind.Sessions))
	for i, s := range kind.Sessions {
		names[i] = templates.Words(s.Kind).Label
	}
	return strings.Join(names, ", ")
}

// kindOf maps a programme's name of a kind to rappel's.
func kindOf(name string) (kind.Session, bool) {
	return kind.SessionNamed(fold(name))
}

// fold lowers s, strips its accents and collapses its spaces, so that
// "Journée  Portes Ouvertes" and "journee portes ouvertes" compare equal;
// typographic apostrophes become straight ones.
func fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case r == '’' || r == '‘':
			r = '\''
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// postKey is the key of a post's entry: its date in loc and its title.
func postKey(e *Entry, loc *time.Location) string {
	return e.Start.In(loc).Format("2006-01-02") + "|" + fold(cmp.Or(e.keyTitle, e.Title))
}

// MoveTo shifts the whole programme so that its first session starts at
// first, the others keeping their distance to it: to rehearse a
// programme, or to show it (make demo).
func (p *Programme) MoveTo(first time.Time, loc *time.Location) {
	if len(p.Entries) == 0 {
		return
	}
	earliest := p.Entries[0].Start
	for _, e := range p.Entries {
		if e.Start.Before(earliest) {
			earliest = e.Start
		}
	}
	d := first.Sub(earliest)
	for i := range p.Entries {
		e := &p.Entries[i]
		e.Start = e.Start.Add(d).In(loc)
		if e.End != nil {
			end := e.End.Add(d).In(loc)
			e.End = &end
		}
		if p.post {
			e.Key = postKey(e, loc)
		}
	}
}
