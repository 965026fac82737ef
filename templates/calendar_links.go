package templates

import (
	"net/url"
	"strings"
	"time"
)

// The links of « Ajouter à votre agenda en ligne »: the event filled in
// the calendar's own form, for readers whose calendar is a web page and who
// would not know what to do with an .ics file. They are the addresses
// these services document for it; none carries a token or the reader's
// address.

// EndOrHour is the end of a session, or an hour after its start when it
// has none: what calendars are given.
func EndOrHour(start time.Time, end *time.Time) time.Time {
	if end != nil {
		return *end
	}
	return start.Add(time.Hour)
}

// calendarDetails is the text of the event: its description (shortened:
// the whole link must stay under what browsers and servers accept), how to
// join, and its page.
func (s Session) calendarDetails() string {
	var parts []string
	if d := Truncate(strings.TrimSpace(s.Description), 600); d != "" {
		parts = append(parts, d)
	}
	if s.JoinURL != "" {
		parts = append(parts, "Pour rejoindre en ligne\u00a0: "+s.JoinURL)
	}
	if s.PageURL != "" {
		parts = append(parts, "Page de l’événement\u00a0: "+s.PageURL)
	}
	return strings.Join(parts, "\n\n")
}

// calendarTitle names the event with its kind, as the .ics does.
func (s Session) calendarTitle() string { return s.Kind.Label + " – " + s.Title }

// GoogleCalendarURL opens Google Agenda's form for the event.
func (s Session) GoogleCalendarURL() string {
	const stamp = "20060102T150405Z"
	q := url.Values{
		"action":  {"TEMPLATE"},
		"text":    {s.calendarTitle()},
		"dates":   {s.start.UTC().Format(stamp) + "/" + s.end.UTC().Format(stamp)},
		"details": {s.calendarDetails()},
	}
	if s.Location != "" {
		q.Set("location", s.Location)
	}
	return "https://calendar.google.com/calendar/render?" + encode(q)
}

// OutlookCalendarURL opens Outlook.com's form for the event.
func (s Session) OutlookCalendarURL() string {
	return "https://outlook.live.com/calendar/0/action/compose?" + s.outlookQuery()
}

// Office365CalendarURL opens the form of Outlook on the web for a
// Microsoft 365 account, a ministry's usual one.
func (s Session) Office365CalendarURL() string {
	return "https://outlook.office.com/calendar/0/action/compose?" + s.outlookQuery()
}

func (s Session) outlookQuery() string {
	q := url.Values{
		"rru":     {"addevent"},
		"subject": {s.calendarTitle()},
		"startdt": {s.start.UTC().Format(time.RFC3339)},
		"enddt":   {s.end.UTC().Format(time.RFC3339)},
		"body":    {s.calendarDetails()},
	}
	if s.Location != "" {
		q.Set("location", s.Location)
	}
	return encode(q)
}

// encode writes a query with spaces as %20: Outlook's forms show a « + »
// as it is.
func encode(q url.Values) string { return strings.ReplaceAll(q.Encode(), "+", "%20") }
