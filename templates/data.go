package templates

import (
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/when"
)

// Data is what every email template is given. Every message kind receives
// the same structure; fields that do not apply are empty.
type Data struct {
	// Kind is the message kind: "j1", "h1", "reminder-2m", ...
	Kind kind.Message
	// Subject is the rendered subject, for the HTML <title>; empty while the
	// subject itself is rendered.
	Subject string
	// Recipient is who the message is for.
	Recipient Recipient
	// Session is the session the message is about.
	Session Session
	// TimeLeft says when the session starts, seen from the moment the
	// message is built: "dans une heure", "dans 20 minutes", "demain à 17 h".
	TimeLeft string
	// Soon is true when TimeLeft is a duration ("dans 20 minutes") rather
	// than a day and a time.
	Soon bool
	// UnsubscribeURL is List-Unsubscribe's page: the session, with the
	// choice of everything. CancelURL cancels the attendance to this
	// session only (« Annulez votre inscription »); OptOutURL stops every
	// message of rappel (« Ne plus recevoir aucun message de rappel »).
	UnsubscribeURL string
	CancelURL      string
	OptOutURL      string
	// OfferURL is the page where a person offered a freed place takes it
	// or leaves it.
	OfferURL string
	// WaitPosition is the person's rank on the waiting list (its message);
	// OfferUntil when the offer of a place ends (« lundi 15 novembre à
	// 14 h »).
	WaitPosition int
	OfferUntil   string
	// PreviousWhen is, in a reschedule notice, the span the recipient knew
	// before the move: "mercredi 17 novembre 2021 de 17 h à 17 h 30".
	PreviousWhen string
	// DateChanged says a reschedule moved the session to another day, not
	// only to another time of the same day.
	DateChanged bool
	// ConfirmURL is, in a sign-up confirmation request, the link that
	// confirms the sign-up; ConfirmValidity says for how long it works
	// ("48 heures").
	ConfirmURL      string
	ConfirmValidity string
	// Reminders says which reminders a sign-up brings: « des rappels la
	// veille, puis une heure avant » (« un rappel la veille » for one).
	Reminders string
	// Calendar is true when an .ics file is attached to the message.
	Calendar bool
	// Signature is who signs the message: the name of the session's
	// contact, else the sender's; "" for none.
	Signature string
	// AddToCalendar are rappel's links that open the event in an online
	// calendar's form (empty where no .ics is attached).
	AddToCalendar CalendarLinks
	// EventsURL is the list of the events to come, for a reader whose
	// event was cancelled; "" when rappel serves no pages.
	EventsURL string
}

// CalendarLinks are the links of « Ajouter à votre agenda en ligne »: short
// addresses of rappel that send the reader to the form of Outlook.com,
// Outlook on the web (Microsoft 365) or Google Agenda with the session's
// current times, so that a link in an old message never adds a moved event
// at its former time.
type CalendarLinks struct {
	Outlook, Office365, Google string
}

// Recipient is the person a message is for.
type Recipient struct {
	Name  string
	Email string
}

// Session is a session as the templates show it, its times already written
// in French in the configured time zone.
type Session struct {
	ID          int64
	Title       string
	Description string
	Location    string
	// JoinURL is where one joins online (« Rejoindre »); PageURL the
	// event's page (« Page de l’événement »), never a way to join.
	JoinURL string
	PageURL string
	// Contact is whom to write to, "Nom <adresse>"; ContactName and
	// ContactEmail its two parts. Empty when nobody is named.
	Contact      string
	ContactName  string
	ContactEmail string
	Kind         KindWords
	// When is the whole span: "mercredi 17 novembre 2021 de 17 h à 17 h 30".
	When string
	// Day is the date of the start: "mercredi 17 novembre 2021".
	Day string
	// DayNoYear is the same without the year: "mercredi 17 novembre".
	DayNoYear string
	// Date is the shortest form, for subjects: "17 novembre".
	Date string
	// StartClock is the time of the start: "17 h".
	StartClock string
	// TimeZone names the zone of the times when it is not Paris time
	// ("heure de Paris" otherwise).
	TimeZone string
	// Online and OnSite say whether there is a link to join and a place;
	// Hybrid both.
	Online bool
	OnSite bool
	Hybrid bool
	// Accessible says the place is accessible to people with reduced
	// mobility.
	Accessible bool
	// start and end are the span's instants, for the links that add the
	// event to an online calendar (calendar_links.go).
	start, end time.Time
}

// SessionInput is a session as stored, before it is written in French.
type SessionInput struct {
	ID          int64
	Kind        kind.Session
	Title       string
	Description string
	Location    string
	JoinURL     string
	PageURL     string
	// Contact is "Nom <adresse>" or an address; "" for none.
	Contact string
	// Zone is the session's own IANA zone, "" for the configured one.
	Zone       string
	StartsAt   time.Time
	EndsAt     *time.Time
	Accessible bool
	// Reminders is the session's own reminder set ("7d,1d,1h"), "" for
	// the configured one: what a message says the person will get.
	Reminders string
}

// NewSession writes a session's times and kind in French, in its own zone
// or else in loc.
func NewSession(in SessionInput, loc *time.Location) Session {
	loc = when.Zone(in.Zone, loc)
	start := in.StartsAt.In(loc)
	name, email := splitContact(in.Contact)
	return Session{
		ID:           in.ID,
		Title:        in.Title,
		Description:  in.Description,
		Location:     in.Location,
		JoinURL:      in.JoinURL,
		PageURL:      in.PageURL,
		Contact:      in.Contact,
		ContactName:  name,
		ContactEmail: email,
		Kind:         Words(in.Kind),
		When:         Span(in.StartsAt, in.EndsAt, loc),
		Day:          Day(start),
		DayNoYear:    DayNoYear(start),
		Date:         DateShort(start),
		StartClock:   Clock(start),
		TimeZone:     zoneName(loc),
		Online:       in.JoinURL != "",
		OnSite:       in.Location != "",
		Hybrid:       in.JoinURL != "" && in.Location != "",
		Accessible:   in.Accessible,
		start:        in.StartsAt,
		end:          EndOrHour(in.StartsAt, in.EndsAt),
	}
}

// zoneNames are the French names of the zones of France and its
// overseas territories, as « heure de … » says them.
var zoneNames = map[string]string{
	"Europe/Paris":       "Paris",
	"America/Cayenne":    "Cayenne",
	"America/Martinique": "la Martinique",
	"America/Guadeloupe": "la Guadeloupe",
	"America/Miquelon":   "Saint-Pierre-et-Miquelon",
	"Indian/Reunion":     "La Réunion",
	"Indian/Mayotte":     "Mayotte",
	"Pacific/Noumea":     "Nouméa",
	"Pacific/Tahiti":     "Tahiti",
	"Pacific/Wallis":     "Wallis-et-Futuna",
}

// Zones are the zones whose French names rappel knows, Paris first then
// the overseas ones by name: those a session form offers.
func Zones() []string {
	out := make([]string, 0, len(zoneNames))
	for z := range zoneNames {
		out = append(out, z)
	}
	slices.SortFunc(out, func(a, b string) int {
		if (a == "Europe/Paris") != (b == "Europe/Paris") {
			if a == "Europe/Paris" {
				return -1
			}
			return 1
		}
		return strings.Compare(zoneNames[a], zoneNames[b])
	})
	return out
}

// ZoneName says which clock the times are read on: « heure de Paris »,
// « heure de Cayenne ».
func ZoneName(loc *time.Location) string { return zoneName(loc) }

// zoneName says which clock the times are read on: « heure de Paris »,
// « heure de Cayenne »; another zone by its city, as its name gives it.
func zoneName(loc *time.Location) string {
	if name, ok := zoneNames[loc.String()]; ok {
		return "heure de " + name
	}
	if loc == time.UTC || loc.String() == "UTC" {
		return "temps universel"
	}
	city := loc.String()
	if i := strings.LastIndex(city, "/"); i >= 0 {
		city = city[i+1:]
	}
	return "heure de " + strings.ReplaceAll(city, "_", " ")
}

// splitContact reads "Nom <adresse>" into its name and its address.
func splitContact(c string) (name, email string) {
	if c == "" {
		return "", ""
	}
	a, err := mail.ParseAddress(c)
	if err != nil {
		return "", c
	}
	return a.Name, a.Address
}

// Site is what every page says of the service and of who runs it: the
// footer's mandatory links (accessibility, legal notice, personal data)
// and the facts of the personal-data notice.
type Site struct {
	// Controller is who is responsible for the personal data (« DINUM »).
	Controller string
	// Contact is where to write to exercise one's rights.
	Contact string
	// Retention says how long sign-ups are kept after a session
	// (« 90 jours »); Pending how long an unconfirmed one is (« 72 heures »).
	Retention string
	Pending   string
	// Accessibility is the conformity the accessibility statement declares:
	// « non conforme », « partiellement conforme », « totalement conforme ».
	Accessibility string
	// AccessibilityURL, LegalURL and PrivacyURL are the footer's pages:
	// the operator's own, or rappel's (/accessibilite, /mentions-legales,
	// /donnees-personnelles).
	AccessibilityURL string
	LegalURL         string
	PrivacyURL       string
	// Reminders says when reminders leave: « la veille, puis une heure avant ».
	Reminders string
}

// Page is what every page template is given.
type Page struct {
	// Title names the page, in its <title>.
	Title string
	// Site is the service's information, the same on every page.
	Site Site
	// Message is the text of an error page, or why sign-ups are closed.
	Message string
	// Session is the session the page is about, if any.
	Session Session
	// Sessions are the sessions of the list page.
	Sessions []Session
	// Action is the address a form posts to.
	Action string
	// Values and Errors are the fields of a form sent back, and what is
	// wrong with them, by field name ("email", "name").
	Values map[string]string
	Errors map[string]string
	// Closed says a session takes no more sign-ups.
	Closed bool
	// All says an unsubscription covers every session; Choice that the
	// page lets the person choose it.
	All    bool
	Choice bool
	// Reminders says which reminders a sign-up brings: « des rappels la
	// veille, puis une heure avant ».
	Reminders string
	// Validity says how long a confirmation link works: « 48 heures »,
	// or until when an offered place is kept.
	Validity string
	// Full says the session has no free place: the form signs up for its
	// waiting list; Position is a person's rank on it.
	Full     bool
	Position int
}
