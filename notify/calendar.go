package notify

import (
	"bytes"
	"cmp"
	"fmt"
	"net/mail"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/templates"
)

// localFormat is a DATE-TIME in a TZID's local time.
const localFormat = "20060102T150405"

// calendarFor says which messages carry an .ics file and with which
// method. The event comes with the acknowledgement, the reminders counted
// in days (a person an organiser signed up gets no acknowledgement: the
// first reminder is their way into the calendar) and every move; not with
// the confirmation request (not signed up yet) nor with reminders of the
// same day, when it is too late to plan. With an organiser to name, it is
// an invitation (REQUEST) addressed to the reader, already accepted, which
// Outlook, Google Agenda and Apple Calendar all file, update and, with the
// CANCEL of the cancellation, remove; without one, RFC 5546 allows no
// invitation, and it is a PUBLISH, which calendars import and update by UID.
func calendarFor(k kind.Message, organiser bool) (ics.Method, bool) {
	switch k {
	case kind.Confirmation, kind.Waitlisted, kind.Offer:
		// Nobody holds a place yet: nothing to put in a calendar.
		return "", false
	case kind.Cancellation:
		return ics.MethodCancel, true
	}
	if label, ok := k.ReminderOffset(); ok && !strings.HasSuffix(label, "d") {
		return "", false
	}
	if organiser {
		return ics.MethodRequest, true
	}
	return ics.MethodPublish, true
}

// calendar builds the .ics of a message: one event per session, with a
// UID that stays the same and a SEQUENCE raised at every move (and once
// more to cancel), times in the configured zone with its VTIMEZONE, so that
// calendar applications update the event rather than add another. attendee
// is the reader's address, named in an invitation and its cancellation.
func (c *Composer) calendar(m Message, method ics.Method, attendee string) ([]byte, error) {
	loc := c.zone(m.Session)
	cal := ics.NewCalendarFor("DINUM//rappel//FR")
	cal.SetMethod(method)
	cal.SetProductId("-//DINUM//rappel//FR")
	start := m.Session.StartsAt.In(loc)
	end := templates.EndOrHour(m.Session.StartsAt, m.Session.EndsAt).In(loc)
	cal.AddVTimezone(vtimezone(loc, start, end))

	ev := cal.AddEvent(fmt.Sprintf("session-%d@%s", m.Session.ID, c.domain))
	ev.SetDtStampTime(m.Now)
	seq := max(m.ScheduleVersion-1, 0)
	status := ics.ObjectStatusConfirmed
	if method == ics.MethodCancel {
		seq, status = m.ScheduleVersion, ics.ObjectStatusCancelled
	}
	ev.SetSequence(seq)
	ev.SetStatus(status)
	ev.SetProperty(ics.ComponentPropertyDtStart, start.Format(localFormat), ics.WithTZID(loc.String()))
	ev.SetProperty(ics.ComponentPropertyDtEnd, end.Format(localFormat), ics.WithTZID(loc.String()))
	ev.SetSummary(templates.Words(m.Session.Kind).Label + " – " + m.Session.Title)
	if d := c.eventDescription(m); d != "" {
		ev.SetDescription(d)
	}
	if m.Session.Location != "" {
		ev.SetLocation(m.Session.Location) // the address alone: a map finds it
	}
	if m.Session.PageURL != "" {
		ev.SetURL(m.Session.PageURL)
	}
	if r := c.replyTo(m.Session); r != nil {
		ev.SetOrganizer("mailto:"+r.Address, ics.WithCN(cmp.Or(r.Name, r.Address)))
		if method == ics.MethodRequest || method == ics.MethodCancel {
			// Accepted already, and no answer asked: the sign-up is the
			// answer, and the organiser's mailbox gets no replies.
			// RSVP is written in capitals, as RFC 5545 does and as some
			// clients insist (the library writes « false »).
			ev.AddAttendee(attendee, ics.ParticipationStatusAccepted,
				&ics.KeyValues{Key: string(ics.ParameterRsvp), Value: []string{"FALSE"}})
		}
	}
	var buf bytes.Buffer
	if err := cal.SerializeTo(&buf); err != nil {
		return nil, fmt.Errorf("build calendar of session %d: %w", m.Session.ID, err)
	}
	return buf.Bytes(), nil
}

// eventDescription is what a calendar shows of the event: its
// description, how to join, whom to write to, and the place's access.
func (c *Composer) eventDescription(m Message) string {
	parts := []string{}
	if m.Session.Description != "" {
		parts = append(parts, m.Session.Description)
	}
	if m.Session.JoinURL != "" {
		parts = append(parts, "Pour rejoindre en ligne\u00a0: "+m.Session.JoinURL)
	}
	if r := c.replyTo(m.Session); r != nil {
		parts = append(parts, "Une question\u202f? Écrivez à "+contactWords(r))
	}
	if m.Session.Accessible {
		parts = append(parts, "Le lieu est accessible aux personnes à mobilité réduite.")
	}
	return strings.Join(parts, "\n\n")
}

// calendarFileName names the attachment after what it does.
func calendarFileName(k kind.Message) string {
	if k == kind.Cancellation {
		return "annulation.ics"
	}
	return "invitation.ics"
}

// contactWords writes a contact for a reader: « Nom (adresse) ».
func contactWords(a *mail.Address) string {
	if a.Name == "" {
		return a.Address
	}
	return a.Name + " (" + a.Address + ")"
}

// vtimezone describes loc around an event from Go's own zone database, for
// any zone: the last transition before the event and those during it (at
// most 31 days of it: sessions are no longer), each as a STANDARD or
// DAYLIGHT component, or one STANDARD for a zone without changes. Its size
// and cost do not grow with the event's length.
func vtimezone(loc *time.Location, start, end time.Time) *ics.VTimezone {
	tz := ics.NewTimezone(loc.String())
	if limit := start.Add(31 * 24 * time.Hour); end.After(limit) {
		end = limit
	}
	transitions := zoneTransitions(loc, start.AddDate(-1, 0, 0), end)
	for len(transitions) > 1 && !transitions[1].After(start) {
		transitions = transitions[1:] // only the last one before the start
	}
	if len(transitions) == 0 {
		name, off := start.Zone()
		tz.Components = append(tz.Components, zoneComponent(false, "19700101T000000", off, off, name))
		return tz
	}
	for _, at := range transitions {
		_, from := at.Add(-time.Second).In(loc).Zone()
		after := at.In(loc)
		name, to := after.Zone()
		// DTSTART is the local time of the change, read in the old offset.
		local := at.UTC().Add(time.Duration(from) * time.Second).Format(localFormat)
		tz.Components = append(tz.Components, zoneComponent(after.IsDST(), local, from, to, name))
	}
	return tz
}

func zoneComponent(daylight bool, dtstart string, from, to int, name string) ics.Component {
	base := ics.ComponentBase{}
	base.SetProperty(ics.ComponentPropertyDtStart, dtstart)
	base.SetProperty(ics.ComponentProperty("TZOFFSETFROM"), formatOffset(from))
	base.SetProperty(ics.ComponentProperty("TZOFFSETTO"), formatOffset(to))
	base.SetProperty(ics.ComponentProperty("TZNAME"), name)
	if daylight {
		return &ics.Daylight{ComponentBase: base}
	}
	return &ics.Standard{ComponentBase: base}
}

func formatOffset(seconds int) string {
	sign := '+'
	if seconds < 0 {
		sign, seconds = '-', -seconds
	}
	return fmt.Sprintf("%c%02d%02d", sign, seconds/3600, seconds%3600/60)
}

// zoneTransitions finds the instants, between from and to, at which loc
// changes its offset: a daily scan, then a bisection to the second.
func zoneTransitions(loc *time.Location, from, to time.Time) []time.Time {
	var out []time.Time
	offset := func(unix int64) int { _, o := time.Unix(unix, 0).In(loc).Zone(); return o }
	const day = 24 * 3600
	for t := from.Unix(); t < to.Unix(); t += day {
		if offset(t) == offset(t+day) {
			continue
		}
		// offset(lo) is the old one, offset(hi) the new one.
		lo, hi := t, t+day
		for hi-lo > 1 {
			mid := lo + (hi-lo)/2
			if offset(mid) == offset(lo) {
				lo = mid
			} else {
				hi = mid
			}
		}
		out = append(out, time.Unix(hi, 0))
	}
	return out
}
