package web

import (
	"net/http"
	"strconv"

	"github.com/dinum/rappel/store"
)

type journalData struct {
	Entries []journalView
	Pager   pager
}

type journalView struct {
	At, Who, Action, Detail string
	SessionID               int64
	Session                 string
}

// journal shows what the team did, newest first (an administrator's: every
// team's), a page at a time.
func (s *Server) journal(w http.ResponseWriter, r *http.Request) {
	team := memberOf(r).Team()
	org := team.ID
	if team.IsAdmin {
		org = 0
	}
	page := max(1, atoiOr(r.URL.Query().Get("page"), 1))
	// One entry more than a page says whether there is a next one, without
	// counting the whole journal.
	entries, err := s.store.Journal(r.Context(), org, pageSize+1, (page-1)*pageSize)
	if err != nil {
		s.spaceServerError(w, r, err)
		return
	}
	pg := pager{Page: page}
	if page > 1 {
		pg.Prev = pageLink(r, page-1)
	}
	if len(entries) > pageSize {
		entries, pg.Next = entries[:pageSize], pageLink(r, page+1)
	}
	d := journalData{Pager: pg}
	for _, e := range entries {
		d.Entries = append(d.Entries, s.journalView(e))
	}
	s.renderSpace(w, r, http.StatusOK, "space-journal", spacePage{Title: "Journal de l’équipe", Data: d})
}

func (s *Server) journalView(e store.JournalEntry) journalView {
	v := journalView{At: s.at(e.At, ""), Who: e.MemberEmail, Action: e.Action, Detail: e.Detail}
	if e.SessionID != nil {
		v.SessionID, v.Session = *e.SessionID, "session n° "+strconv.FormatInt(*e.SessionID, 10)
	}
	if e.SessionTitle != nil {
		v.Session = *e.SessionTitle
	}
	return v
}
