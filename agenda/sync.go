package agenda

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/dinum/rappel/store"
)

// Action is what an import does, or would do, to one session.
type Action string

// The actions of an import.
const (
	Create     Action = "create"
	Update     Action = "update"
	Reschedule Action = "reschedule"
	Cancel     Action = "cancel"
	Unchanged  Action = "unchanged"
	// Missing is a session the programme no longer lists: reported, never
	// cancelled on that ground alone (a block removed by mistake would
	// otherwise tell every agent signed up that the session is off).
	Missing Action = "missing"
	// Kept is a session cancelled in rappel that the programme still
	// lists: left cancelled.
	Kept Action = "kept"
)

// Change is one session's line of an import report.
type Change struct {
	Action Action
	// Entry is the programme's session; nil for Missing.
	Entry *Entry
	// Session is rappel's: as it is (dry run, or unchanged), or as the
	// import left it. Zero for a Create in a dry run.
	Session store.Session
	// Fields names, in French, what changed.
	Fields []string
	// From is the start before a Reschedule.
	From time.Time
}

// Report is what an import did, or would do.
type Report struct {
	Source   string
	DryRun   bool
	Changes  []Change
	Problems []Problem
	Notes    []Problem
}

// Count is the number of changes of an action.
func (r Report) Count(a Action) int {
	n := 0
	for _, c := range r.Changes {
		if c.Action == a {
			n++
		}
	}
	return n
}

// ErrBusy says that another import of the same programme is under way.
var ErrBusy = errors.New("agenda: another import of this programme is under way")

// Importer brings the sessions of a programme in line with it.
type Importer struct {
	Store *store.Store
	// OrganiserID owns the programme: the sessions it creates, and the only
	// ones it matches, updates and reports on. Nil is the operator (the
	// command line, the followed feeds). A programme of the same name
	// imported by another owner is another programme, whoever imported
	// first: an administrator included.
	OrganiserID *int64
	// Now is the clock, for tests; default time.Now.
	Now func() time.Time
}

// Options tune one import.
type Options struct {
	// DryRun says what would change, and changes nothing.
	DryRun bool
	// NoWait returns ErrBusy rather than wait for another import of the
	// same programme (a replica following a feed another one follows).
	NoWait bool
}

// Import creates the programme's new sessions, updates those it created
// before (matched by key, else by title when the date changed), moves
// those whose time changed (the agents signed up get the reschedule
// notice), cancels those a feed marks cancelled, and reports those no
// longer listed. The blocks the programme could not give are reported
// with its problems.
func (im Importer) Import(ctx context.Context, p Programme, o Options) (Report, error) {
	if p.Source == "" {
		return Report{}, errors.New("agenda: the programme has no name to match its sessions by")
	}
	unlock, ok, err := im.Store.LockAgenda(ctx, im.OrganiserID, p.Source, !o.NoWait)
	if err != nil {
		return Report{}, fmt.Errorf("import agenda: %w", err)
	}
	if !ok {
		return Report{}, ErrBusy
	}
	defer unlock()
	existing, err := im.Store.AgendaSessions(ctx, im.OrganiserID, p.Source)
	if err != nil {
		return Report{}, fmt.Errorf("import agenda: %w", err)
	}
	r := Report{Source: p.Source, DryRun: o.DryRun, Problems: p.Problems, Notes: p.Notes}
	p.Entries = normalized(p.Entries)
	plan := im.match(p, existing, &r)
	for _, c := range plan {
		if !o.DryRun {
			if c, err = im.apply(ctx, p.Source, c); err != nil {
				if !isRefusal(err) {
					return r, fmt.Errorf("import agenda: %w", err)
				}
				r.Problems = append(r.Problems, Problem{Block: c.Entry.Block, Heading: c.Entry.Heading, Message: refusal(err)})
				continue
			}
		}
		r.Changes = append(r.Changes, c)
	}
	return r, nil
}

// normalized is a copy of the entries with their texts in the form the
// store keeps them in, so that an import compares like with like.
func normalized(entries []Entry) []Entry {
	out := slices.Clone(entries)
	for i := range out {
		e := &out[i]
		e.Title, e.Location, e.Description = store.OneLine(e.Title), store.OneLine(e.Location), store.Paragraphs(e.Description)
		e.Title, e.Location, e.Description = frenchText(e.Title), address(frenchText(e.Location)), frenchText(e.Description)
	}
	return out
}

// frenchText writes what a programme typed on a keyboard the way French
// typography has it: apostrophes, and « État » for « Etat ».
func frenchText(s string) string {
	return etat.ReplaceAllString(apostrophes(s), "${1}État${2}${3}")
}

// etat is the word « Etat » (or « Etats »), written without its accent.
var etat = regexp.MustCompile(`(^|[^\pL])Etat(s?)($|[^\pL])`)

// addressWords are the abbreviations of a street's kind that programmes
// use, and the word a letter writes.
var addressWords = regexp.MustCompile(`(?i)\b(av|bd|boul|pl|fg)\.?(\s)`)

var addressFull = map[string]string{"av": "avenue", "bd": "boulevard", "boul": "boulevard", "pl": "place", "fg": "faubourg"}

// postcodeNoComma is a French postcode that follows the street without
// the comma that separates them.
var postcodeNoComma = regexp.MustCompile(`([^,\s])\s+(\d{5}\s+\pL)`)

// address writes a place the way a letter does: « 77 avenue de Ségur,
// 75015 Paris » for « 77 Av. de Ségur 75015 Paris ».
func address(s string) string {
	s = addressWords.ReplaceAllStringFunc(s, func(m string) string {
		sub := addressWords.FindStringSubmatch(m)
		return addressFull[strings.ToLower(sub[1])] + sub[2]
	})
	return postcodeNoComma.ReplaceAllString(s, "$1, $2")
}

// apostrophes writes the apostrophes a programme typed straight (« l'ANCT »)
// as French typography has them (« l’ANCT »): between two letters only,
// so that quotes and code are left alone.
func apostrophes(s string) string {
	if !strings.ContainsRune(s, '\'') {
		return s
	}
	r := []rune(s)
	for i := 1; i+1 < len(r); i++ {
		if r[i] == '\'' && unicode.IsLetter(r[i-1]) && unicode.IsLetter(r[i+1]) {
			r[i] = '’'
		}
	}
	return string(r)
}

// match pairs the programme's entries with the sessions, and decides.
func (im Importer) match(p Programme, existing []store.Session, r *Report) []Change {
	byKey := map[string]int{}
	for i, s := range existing {
		byKey[*s.AgendaKey] = i
	}
	used := make([]bool, len(existing))
	seen := map[string]int{}
	var unmatched []int // entries without a session of their key
	pairs := map[int]int{}
	for i := range p.Entries {
		e := &p.Entries[i]
		if first, dup := seen[e.Key]; dup {
			r.Problems = append(r.Problems, Problem{Block: e.Block, Heading: e.Heading,
				Message: fmt.Sprintf("même date et même titre que le bloc %d : ignoré", first)})
			continue
		}
		seen[e.Key] = e.Block
		if j, ok := byKey[e.Key]; ok {
			pairs[i], used[j] = j, true
			continue
		}
		unmatched = append(unmatched, i)
	}
	// A session whose date changed has a new key: it is the one of the
	// same title, when there is exactly one on either side.
	byTitle := map[string][]int{}
	for j, s := range existing {
		if !used[j] {
			byTitle[fold(s.Title)] = append(byTitle[fold(s.Title)], j)
		}
	}
	entriesByTitle := map[string]int{}
	for _, i := range unmatched {
		entriesByTitle[fold(p.Entries[i].Title)]++
	}
	var changes []Change
	for i := range p.Entries {
		e := &p.Entries[i]
		if seen[e.Key] != e.Block {
			continue
		}
		j, ok := pairs[i]
		if !ok {
			t := fold(e.Title)
			if c := byTitle[t]; len(c) == 1 && entriesByTitle[t] == 1 {
				j, ok = c[0], true
				used[j] = true
			}
		}
		if !ok {
			if err := im.params(e).Validate(); err != nil {
				r.Problems = append(r.Problems, Problem{Block: e.Block, Heading: e.Heading, Message: refusal(err)})
				continue
			}
			if e.Cancelled {
				r.Notes = append(r.Notes, Problem{Block: e.Block, Heading: e.Heading, Message: "annulée dans le programme : pas créée"})
				continue
			}
			changes = append(changes, Change{Action: Create, Entry: e})
			continue
		}
		changes = append(changes, im.decide(e, existing[j], r))
	}
	now := im.now()
	for j, s := range existing {
		if !used[j] && s.Status == store.SessionScheduled && s.StartsAt.After(now) {
			changes = append(changes, Change{Action: Missing, Session: s})
		}
	}
	return changes
}

// decide compares an entry with its session.
func (im Importer) decide(e *Entry, s store.Session, r *Report) Change {
	c := Change{Entry: e, Session: s}
	switch {
	case s.Status == store.SessionCancelled && e.Cancelled:
		c.Action = Unchanged
		return c
	case s.Status == store.SessionCancelled:
		c.Action = Kept
		return c
	case e.Cancelled:
		c.Action = Cancel
		return c
	}
	c.Fields = diff(e, s)
	c.Action = Update
	if !e.Start.Equal(s.StartsAt) {
		c.Action, c.From = Reschedule, s.StartsAt
	}
	if len(c.Fields) == 0 && *s.AgendaKey == e.Key {
		c.Action = Unchanged
	}
	return c
}

// diff names what the entry changes of the session.
func diff(e *Entry, s store.Session) []string {
	var out []string
	add := func(changed bool, name string) {
		if changed {
			out = append(out, name)
		}
	}
	add(e.Kind != s.Kind, "type")
	add(e.Title != s.Title, "titre")
	add(e.Description != s.Description, "description")
	add(e.Location != s.Location, "lieu")
	add(e.JoinURL != s.JoinURL, "lien pour rejoindre")
	add(e.PageURL != s.PageURL, "page de l'événement")
	add(!e.Start.Equal(s.StartsAt), "début")
	add(e.End != nil && (s.EndsAt == nil || !e.End.Equal(*s.EndsAt)), "fin")
	add(e.Accessible != s.Accessible, "accessibilité")
	return out
}

func (im Importer) params(e *Entry) store.SessionParams {
	return store.SessionParams{
		Kind: e.Kind, Title: e.Title, Description: e.Description, Location: e.Location, JoinURL: e.JoinURL, PageURL: e.PageURL,
		StartsAt: e.Start, EndsAt: e.End, Accessible: e.Accessible, OrganiserID: im.OrganiserID,
	}
}

// apply carries a change out.
func (im Importer) apply(ctx context.Context, source string, c Change) (Change, error) {
	var err error
	switch c.Action {
	case Create:
		p := im.params(c.Entry)
		p.Agenda = &store.AgendaRef{Source: source, Key: c.Entry.Key}
		c.Session, err = im.Store.CreateSession(ctx, p)
	case Update, Reschedule:
		if *c.Session.AgendaKey != c.Entry.Key {
			if err = im.Store.SetAgendaKey(ctx, c.Session.ID, c.Entry.Key); err != nil {
				return c, err
			}
		}
		if len(c.Fields) > 0 {
			e := c.Entry
			c.Session, _, err = im.Store.UpdateSession(ctx, c.Session.ID, store.SessionChanges{
				Kind: &e.Kind, Title: &e.Title, Description: &e.Description, Location: &e.Location,
				JoinURL: &e.JoinURL, PageURL: &e.PageURL, StartsAt: &e.Start, EndsAt: e.End, Accessible: &e.Accessible,
			})
		}
	case Cancel:
		c.Session, err = im.Store.CancelSession(ctx, c.Session.ID)
	}
	return c, err
}

func (im Importer) now() time.Time {
	if im.Now != nil {
		return im.Now()
	}
	return time.Now()
}

// isRefusal says whether the store refused a session for what it says
// (a block's fault), rather than failed.
func isRefusal(err error) bool {
	var fe *store.FieldError
	return errors.As(err, &fe) || errors.Is(err, store.ErrInvalid) || errors.Is(err, store.ErrCancelled)
}

// refusal is the French reason of a refusal.
func refusal(err error) string {
	var fe *store.FieldError
	if errors.As(err, &fe) {
		return fe.Message
	}
	if errors.Is(err, store.ErrCancelled) {
		return "la session a été annulée entre-temps : pas modifiée"
	}
	return "refusée par la base : " + err.Error()
}
