package web

import (
	"net/http"
	"strconv"

	"github.com/dinum/rappel/store"
)

// calendarLink sends a reader to an online calendar's form for a session,
// filled with its current times: the links of « Ajouter à votre agenda en
// ligne » in the messages. A cancelled or past session shows its page,
// which says so, rather than add anything.
func (s *Server) calendarLink(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.publicSession(w, r)
	if !ok {
		return
	}
	if sess.Status == store.SessionCancelled || !sess.StartsAt.After(timeNow()) {
		http.Redirect(w, r, "/sessions/"+strconv.FormatInt(sess.ID, 10), http.StatusSeeOther)
		return
	}
	words := s.words(sess)
	var target string
	switch r.PathValue("service") {
	case "google":
		target = words.GoogleCalendarURL()
	case "outlook":
		target = words.OutlookCalendarURL()
	case "microsoft-365":
		target = words.Office365CalendarURL()
	default:
		s.notFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusSeeOther)
}
