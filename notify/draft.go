package notify

import (
	"github.com/dinum/rappel/kind"
	"strings"
	"sync"
)

// A draft is the message of one kind about one session, at one time left,
// rendered and encoded once for all its recipients, with holes where each
// one's values go: a webinaire announced to 100,000 agents renders its
// templates once, not 100,000 times. Filling a hole copies bytes and
// encodes a name; what a recipient receives is what the templates would
// have written for them alone, which newDraft checks before using a draft.
type draft struct {
	// head is the headers every recipient shares, and the body up to the
	// first hole; pieces follow it.
	head   []byte
	pieces []piece
	// fillable is false when the templates use a recipient's values in a
	// way holes cannot reproduce (an operator's template testing a name,
	// say): each message is then rendered on its own.
	fillable bool
	size     int
}

// piece is a hole and the encoded bytes after it.
type piece struct {
	hole hole
	// col is the column where the hole starts, in a quoted-printable body.
	col int
	// after is what follows the hole, from column 0.
	after []byte
}

// hole is a recipient's value in a draft.
type hole uint8

const (
	holeName hole = iota + 1
	holeNameHTML
	holeEmail
	holeEmailHTML
	holeUnsubscribe
	holeConfirm
)

// holeMarks are what the templates are given in place of each value: plain
// ASCII, which no escaping, typography or encoding changes.
var holeMarks = map[hole]string{
	holeName:        "__rappel_hole_name__",
	holeEmail:       "__rappel_hole_email__",
	holeUnsubscribe: "__rappel_hole_unsubscribe__",
	holeConfirm:     "__rappel_hole_confirm__",
}

const holePrefix = "__rappel_hole_"

// recipientValues are what fills the holes of one message.
type recipientValues struct {
	name, email          string
	unsubscribe, confirm string
	nameHTML, emailHTML  string
}

func (v *recipientValues) get(h hole) string {
	switch h {
	case holeName:
		return v.name
	case holeNameHTML:
		return v.nameHTML
	case holeEmail:
		return v.email
	case holeEmailHTML:
		return v.emailHTML
	case holeUnsubscribe:
		return v.unsubscribe
	case holeConfirm:
		return v.confirm
	}
	return ""
}

// fillsSafely says whether a name reads the same put in a hole as written
// by the templates: French typography puts no-break spaces around ":", ";",
// "!", "?" and guillemets, which a name in a hole would escape; and a name
// on several lines would be tidied. Such rare names are rendered on their
// own.
func fillsSafely(name string) bool {
	return !strings.ContainsAny(name, ":;!?«»\r\n\t") && strings.TrimSpace(name) == name &&
		!strings.Contains(name, holePrefix)
}

// splitHoles cuts a rendered part at its holes: the text before the first,
// then each hole and the text after it.
func splitHoles(s string, html bool) (first string, holes []hole, after []string) {
	for {
		i := strings.Index(s, holePrefix)
		if i < 0 {
			break
		}
		h, n := holeAt(s[i:])
		if h == 0 {
			break
		}
		if html {
			switch h {
			case holeName:
				h = holeNameHTML
			case holeEmail:
				h = holeEmailHTML
			}
		}
		if holes == nil {
			first = s[:i]
		} else {
			after[len(after)-1] = s[:i]
		}
		holes = append(holes, h)
		after = append(after, "")
		s = s[i+n:]
	}
	if holes == nil {
		return s, nil, nil
	}
	after[len(after)-1] = s
	return first, holes, after
}

func holeAt(s string) (hole, int) {
	for h, mark := range holeMarks {
		if strings.HasPrefix(s, mark) {
			return h, len(mark)
		}
	}
	return 0, 0
}

// fill writes the message of one recipient.
func (d *draft) fill(dst []byte, v *recipientValues) []byte {
	dst = append(dst, d.head...)
	for _, p := range d.pieces {
		dst, _ = appendQP(dst, v.get(p.hole), p.col, false)
		// A soft break: what follows was encoded from column 0.
		dst = append(dst, '=', '\r', '\n')
		dst = append(dst, p.after...)
	}
	return dst
}

// draftKey is everything a draft depends on but the recipient.
type draftKey struct {
	kind                                      kind.Message
	sessionKind                               kind.Session
	title, description, location, url         string
	timeLeft                                  string
	session, starts, ends, prevStart, prevEnd int64
	version                                   int
	accessible, soon, hasName                 bool
}

// drafts keeps the drafts in use, a few sessions' worth.
type drafts struct {
	mu    sync.Mutex
	byKey map[draftKey]*draftEntry
}

type draftEntry struct {
	once sync.Once
	d    *draft
	err  error
}

// maxDrafts bounds the cache: drafts of sessions long sent are dropped all
// at once when it is full.
const maxDrafts = 256

func (ds *drafts) get(key draftKey, build func() (*draft, error)) (*draft, error) {
	ds.mu.Lock()
	if ds.byKey == nil || len(ds.byKey) >= maxDrafts {
		ds.byKey = map[draftKey]*draftEntry{}
	}
	e, ok := ds.byKey[key]
	if !ok {
		e = &draftEntry{}
		ds.byKey[key] = e
	}
	ds.mu.Unlock()
	e.once.Do(func() { e.d, e.err = build() })
	return e.d, e.err
}
