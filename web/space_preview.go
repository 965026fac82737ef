package web

import (
	"errors"
	"mime"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/notify"
	"github.com/dinum/rappel/notify/mailview"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
)

// testsPerHour is how many tests a member may send themself in an hour.
const testsPerHour = 10

type previewData struct {
	Session  overviewView
	Messages []previewChoice
	Kind     string
	// Label names the message in a sentence; Heading as a title.
	Label, Heading string
	// What the message says, as a mail client shows it.
	Subject, From, ReplyTo, Attachment, Text string
}

type previewChoice struct {
	Kind, Label string
	Current     bool
}

// preview shows a message of the session as it will leave, for a person
// whose name is an example; a button sends it to the member.
func (s *Server) preview(w http.ResponseWriter, r *http.Request, o store.SessionOverview) {
	k, msg, ok := s.previewMessage(w, r, o)
	if !ok {
		return
	}
	d := previewData{Session: s.overviewView(o), Kind: string(k), Label: templates.MessageLabel(k)}
	d.Heading = capitalize(d.Label)
	for _, c := range s.cfg.Preview.Kinds(o.TemplateInput()) {
		d.Messages = append(d.Messages, previewChoice{Kind: string(c), Label: templates.MessageLabel(c), Current: c == k})
	}
	d.Subject, d.Text = msg.Subject(), msg.Parts["text/plain"]
	d.From, d.ReplyTo = decodeHeader(msg.Header.Get("From")), decodeHeader(msg.Header.Get("Reply-To"))
	if cal, ok := msg.Parts["text/calendar"]; ok {
		d.Attachment = "fichier d’agenda .ics"
		if strings.Contains(cal, "METHOD:CANCEL") {
			d.Attachment += ", qui retire l’événement de l’agenda"
		}
	}
	s.renderSpace(w, r, http.StatusOK, "space-preview", spacePage{Title: "Aperçu : " + d.Label + " – " + o.Title, Data: d})
}

// previewHTML serves the HTML part alone, as a mail client would show it:
// its own styles, no script, no form, nothing from elsewhere.
func (s *Server) previewHTML(w http.ResponseWriter, r *http.Request, o store.SessionOverview) {
	_, msg, ok := s.previewMessage(w, r, o)
	if !ok {
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox")
	h.Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(msg.Parts["text/html"]))
}

func (s *Server) previewMessage(w http.ResponseWriter, r *http.Request, o store.SessionOverview) (kind.Message, mailview.Message, bool) {
	if s.cfg.Preview == nil {
		s.spaceNotFound(w, r)
		return "", mailview.Message{}, false
	}
	k := kind.Message(r.URL.Query().Get("message"))
	if k == "" {
		k = kind.J1
		if ks := s.cfg.Preview.Kinds(o.TemplateInput()); len(ks) > 2 {
			k = ks[2]
		}
	}
	e, err := s.cfg.Preview.Build(o.TemplateInput(), o.ScheduleVersion, k, notify.SampleRecipient)
	if errors.Is(err, notify.ErrUnknownKind) {
		s.spaceNotFound(w, r)
		return "", mailview.Message{}, false
	}
	var msg mailview.Message
	if err == nil {
		msg, err = mailview.Read(e.Data)
	}
	if err != nil {
		s.spaceServerError(w, r, err)
		return "", mailview.Message{}, false
	}
	return k, msg, true
}

// sendTest asks a worker to send the message to the member's address.
func (s *Server) sendTest(w http.ResponseWriter, r *http.Request, o store.SessionOverview) {
	k := kind.Message(r.PostFormValue("message"))
	if s.cfg.Preview == nil || !contains(s.cfg.Preview.Kinds(o.TemplateInput()), k) {
		s.spaceNotFound(w, r)
		return
	}
	back := spacePath + "/sessions/" + strconv.FormatInt(o.ID, 10) + "/apercu?message=" + url.QueryEscape(string(k))
	err := s.store.RequestTestSend(r.Context(), o.ID, k, memberOf(r).Email, testsPerHour)
	switch {
	case errors.Is(err, store.ErrTooManyTests):
		http.Redirect(w, r, back+"&fait=trop-essais", http.StatusSeeOther)
	case err != nil:
		s.spaceServerError(w, r, err)
	default:
		http.Redirect(w, r, back+"&fait=essai", http.StatusSeeOther)
	}
}

func contains(ks []kind.Message, k kind.Message) bool {
	for _, c := range ks {
		if c == k {
			return true
		}
	}
	return false
}

// decodeHeader shows an address header as a mail client does: « DINUM
// <rappels@example.gouv.fr> ».
func decodeHeader(v string) string {
	if a, err := mail.ParseAddress(v); err == nil {
		if a.Name == "" {
			return a.Address
		}
		return a.Name + " <" + a.Address + ">"
	}
	if d, err := new(mime.WordDecoder).DecodeHeader(v); err == nil {
		return d
	}
	return v
}
