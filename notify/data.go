package notify

import (
	"strconv"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/token"
	"github.com/dinum/rappel/when"
)

func (c *Composer) data(m Message) templates.Data {
	zone := c.zone(m.Session)
	left, soon := templates.Relative(m.Now, m.Session.StartsAt, zone)
	d := templates.Data{
		Kind:      m.Kind,
		Recipient: m.Recipient,
		Session:   templates.NewSession(m.Session, zone),
		TimeLeft:  left,
		Soon:      soon,
	}
	c.setLinks(&d, c.cfg.Tokens.Sign(token.Unsubscribe, m.SignupID))
	if m.PreviousStartsAt != nil {
		d.PreviousWhen = templates.Span(*m.PreviousStartsAt, m.PreviousEndsAt, zone)
		py, pm, pd := m.PreviousStartsAt.In(zone).Date()
		ny, nm, nd := m.Session.StartsAt.In(zone).Date()
		d.DateChanged = py != ny || pm != nm || pd != nd
	}
	if m.ConfirmToken != "" {
		d.ConfirmURL = c.ConfirmURL(m.ConfirmToken)
	}
	d.WaitPosition = m.WaitPosition
	if m.OfferUntil != nil {
		t := m.OfferUntil.In(zone)
		d.OfferUntil = templates.DayNoYear(t) + " à " + templates.Clock(t)
	}
	if r := c.replyTo(m.Session); r != nil && m.Session.Contact == "" {
		// No contact for the session or its organiser: MAIL_REPLY_TO is
		// the one named.
		d.Session.Contact, d.Session.ContactName, d.Session.ContactEmail = r.String(), r.Name, r.Address
	}
	d.Signature = c.cfg.From.Name
	if d.Session.ContactName != "" {
		d.Signature = d.Session.ContactName
	}
	d.EventsURL = c.cfg.PublicURL.String()
	d.ConfirmValidity = c.cfg.ConfirmValidity
	d.Reminders = c.cfg.Reminders
	if set := when.SetOr(m.Session.Reminders, nil); set != nil {
		d.Reminders = templates.RemindersOf(set)
	}
	_, d.Calendar = calendarFor(m.Kind, c.replyTo(m.Session) != nil)
	if d.Calendar && m.Kind != kind.Cancellation {
		d.AddToCalendar = c.calendarLinks(m.Session.ID)
	}
	return d
}

// holeData puts marks in place of the recipient's values.
func (c *Composer) holeData(d templates.Data, hasName bool) templates.Data {
	d.Recipient = templates.Recipient{Email: holeMarks[holeEmail]}
	if hasName {
		d.Recipient.Name = holeMarks[holeName]
	}
	c.setLinks(&d, holeMarks[holeUnsubscribe])
	if d.ConfirmURL != "" {
		d.ConfirmURL = c.ConfirmURL(holeMarks[holeConfirm])
	}
	return d
}

// probe is the recipient a draft is checked with: a name and an address
// with every character HTML escapes, and tokens of the real alphabet.
var probe = recipientValues{
	name: "Zoé D’Arc-O’Neil & Éloïse \"+<>'", email: "zoe.probe+test@example.invalid",
	unsubscribe: "AAAAAAAAAAc_Sonde-Jeton_0123456789", confirm: "Sonde_Confirmation-abcdefghij0123456789",
}

// calendarLinks are the web's addresses that open the session in an online
// calendar (web/agenda_links.go).
func (c *Composer) calendarLinks(sessionID int64) templates.CalendarLinks {
	base := c.cfg.PublicURL.JoinPath("sessions", strconv.FormatInt(sessionID, 10), "agenda")
	return templates.CalendarLinks{
		Outlook:   base.JoinPath("outlook").String(),
		Office365: base.JoinPath("microsoft-365").String(),
		Google:    base.JoinPath("google").String(),
	}
}
