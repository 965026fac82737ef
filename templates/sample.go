package templates

import (
	"time"

	"github.com/dinum/rappel/kind"
)

// sampleSession is a session of the 2021 agenda, used to try templates.
func sampleSession(loc *time.Location, online, onSite bool) SessionInput {
	start := time.Date(2021, 11, 24, 10, 30, 0, 0, loc)
	end := start.Add(2 * time.Hour)
	in := SessionInput{
		ID: 42, Kind: kind.TableRonde, Title: "Travail en mode hybride, et maintenant ?",
		Description: "Le télétravail s’installe désormais de façon pérenne dans les organisations.",
		StartsAt:    start, EndsAt: &end, Accessible: onSite,
	}
	in.PageURL = "https://www.modernisation.gouv.fr/mois-de-linnovation-publique/travail-en-mode-hybride-et-maintenant"
	if online {
		in.JoinURL = "https://webconf.numerique.gouv.fr/travail-hybride-et-maintenant"
	}
	if onSite {
		in.Location = "Lieu de la transformation publique, 77 avenue de Ségur, 75015 Paris"
	}
	return in
}

// Sample is the data of a message about a sample session, as a recipient
// named Camille Exemple would get it: for trying templates.
func Sample(loc *time.Location, k kind.Message, online, onSite bool) Data {
	in := sampleSession(loc, online, onSite)
	now := in.StartsAt.Add(-24 * time.Hour)
	left, soon := Relative(now, in.StartsAt, loc)
	prev := in.StartsAt.Add(-24 * time.Hour)
	prevEnd := prev.Add(2 * time.Hour)
	d := Data{
		Kind:            k,
		Recipient:       Recipient{Name: "Camille Exemple", Email: "camille.exemple@example.gouv.fr"},
		Session:         NewSession(in, loc),
		TimeLeft:        left,
		Soon:            soon,
		UnsubscribeURL:  "https://rappel.example.gouv.fr/desinscription/exemple",
		PreviousWhen:    Span(prev, &prevEnd, loc),
		ConfirmURL:      "https://rappel.example.gouv.fr/confirmation/exemple",
		ConfirmValidity: "48 heures",
		Reminders:       "des rappels la veille, puis une heure avant",
		Calendar:        true,
		Signature:       "Équipe du Mois de l’innovation publique",
		EventsURL:       "https://rappel.example.gouv.fr/",
		OfferURL:        "https://rappel.example.gouv.fr/place/exemple",
		AddToCalendar: CalendarLinks{
			Outlook:   "https://rappel.example.gouv.fr/sessions/42/agenda/outlook",
			Office365: "https://rappel.example.gouv.fr/sessions/42/agenda/microsoft-365",
			Google:    "https://rappel.example.gouv.fr/sessions/42/agenda/google",
		},
	}
	switch k {
	case kind.Waitlisted:
		d.WaitPosition = 3
	case kind.Offer:
		d.OfferUntil = DayNoYear(now.Add(12*time.Hour)) + " à " + Clock(now.Add(12*time.Hour))
	}
	return d
}

func sampleData(loc *time.Location) []Data {
	return []Data{
		Sample(loc, kind.J1, true, false),
		Sample(loc, kind.J1, false, true),
		Sample(loc, kind.J1, true, true),
	}
}

func samplePages(loc *time.Location) []Page {
	s := NewSession(sampleSession(loc, true, true), loc)
	site := Site{Controller: "DINUM", Contact: "contact@example.gouv.fr", Retention: "90 jours", Pending: "72 heures",
		Accessibility: "non conforme", AccessibilityURL: "/accessibilite", LegalURL: "/mentions-legales",
		PrivacyURL: "/donnees-personnelles", Reminders: "la veille, puis une heure avant"}
	return []Page{
		{Title: "Exemple", Site: site, Message: "Message d’exemple.", Action: "/exemple", Session: s,
			Sessions: []Session{s}, Reminders: "des rappels la veille, puis une heure avant"},
		{Title: "Exemple", Site: site, Session: s, Closed: true, All: true,
			Values: map[string]string{"email": "x"}, Errors: map[string]string{"email": "invalide"}},
	}
}
