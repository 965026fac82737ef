package web

import (
	"net/http"

	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
)

type deliveriesData struct {
	Session    overviewView
	Deliveries []deliveryView
	Pager      pager
}

// deliveryView is one message of the report, in an organiser's words.
type deliveryView struct {
	Email, Name, Message, Due string
	// State is what became of it; Failed marks a message that will not
	// arrive, Explanation what the refusal means.
	State, Explanation string
	Failed, Pending    bool
	Attempts           []attemptView
}

type attemptView struct{ At, Outcome string }

// deliveryList shows the session's messages, person by person, the
// failures first.
func (s *Server) deliveryList(w http.ResponseWriter, r *http.Request, o store.SessionOverview) {
	total, err := s.store.CountDeliveries(r.Context(), o.ID)
	if err != nil {
		s.spaceServerError(w, r, err)
		return
	}
	pg := newPager(r, total)
	list, err := s.store.DeliveryPage(r.Context(), store.DeliveryQuery{SessionID: o.ID, Limit: pageSize, Offset: pg.offset()})
	if err != nil {
		s.spaceServerError(w, r, err)
		return
	}
	d := deliveriesData{Session: s.overviewView(o), Pager: pg}
	for _, rep := range list {
		d.Deliveries = append(d.Deliveries, s.deliveryView(rep, o.Timezone))
	}
	s.renderSpace(w, r, http.StatusOK, "space-deliveries", spacePage{Title: "Envois – " + o.Title, Data: d})
}

func (s *Server) deliveryView(d store.DeliveryReport, zone string) deliveryView {
	v := deliveryView{Email: d.Email, Name: d.Name, Message: templates.MessageLabel(d.Kind), Due: s.at(d.DueAt, zone)}
	switch d.Status {
	case store.DeliverySent:
		v.State = "Envoyé " + s.at(*d.SentAt, zone)
		if n := len(d.History); n > 1 {
			v.State += ", à la tentative n° " + itoa(int64(n))
		}
	case store.DeliveryFailed:
		v.Failed = true
		v.State = "Échec : le message n’a pas pu être remis"
		if d.LastError != nil {
			v.Explanation = templates.ExplainFailure(*d.LastError)
		}
	case store.DeliverySkipped:
		v.State = "Non envoyé : " + templates.SkipReasons[deref(d.SkipReason)]
	default:
		v.Pending = true
		v.State = "Prévu"
		if len(d.History) > 0 {
			v.State = "En attente d’une nouvelle tentative"
		}
	}
	for _, a := range d.History {
		out := templates.AttemptOutcomes[a.Outcome]
		if a.Error != nil {
			if e := templates.ExplainFailure(*a.Error); e != "" {
				out += " : " + e
			}
			out += " (réponse du serveur : « " + *a.Error + " »)"
		}
		v.Attempts = append(v.Attempts, attemptView{At: s.at(a.At, zone), Outcome: out})
	}
	return v
}
