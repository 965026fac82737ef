package notify

import (
	"sync"

	"github.com/dinum/rappel/kind"
)

// draftKey is everything a draft depends on but the recipient.
type draftKey struct {
	kind                                      kind.Message
	sessionKind                               kind.Session
	title, description, location, joinURL     string
	pageURL, contact, zone, reminders         string
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
