package notify_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"github.com/dinum/rappel/internal/testkit"
	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/notify"
	"github.com/dinum/rappel/notify/notifytest"
	"github.com/dinum/rappel/notify/smtptest"
)

// calendarOf sends m and reads its .ics back with an independent parser
// (emersion/go-ical), re-encoding it to check its required properties.
func calendarOf(t *testing.T, c *notify.Composer, m notify.Message) (*ical.Calendar, smtptest.Parsed) {
	t.Helper()
	msg, err := c.Compose(m)
	if err != nil {
		t.Fatal(err)
	}
	p, err := smtptest.Message{Data: msg.Data}.Parse()
	if err != nil {
		t.Fatal(err)
	}
	data := p.Parts["text/calendar"]
	if data == "" {
		t.Fatalf("no calendar attached to %s", m.Kind)
	}
	cal, err := ical.NewDecoder(strings.NewReader(data)).Decode()
	if err != nil {
		t.Fatalf("calendar does not parse: %v\n%s", err, data)
	}
	if err := ical.NewEncoder(&bytes.Buffer{}).Encode(cal); err != nil {
		t.Fatalf("calendar is not valid iCalendar: %v\n%s", err, data)
	}
	return cal, p
}

func TestCalendarAttachment(t *testing.T) {
	t.Parallel()
	c := composer(t)
	loc := testkit.Paris(t)
	m := webinaire(t)
	m.Kind, m.ScheduleVersion, m.Now = "j1", 1, m.Session.StartsAt.Add(-24*time.Hour)
	cal, _ := calendarOf(t, c, m)

	if got := cal.Props.Get(ical.PropMethod).Value; got != "PUBLISH" {
		t.Errorf("METHOD = %s", got)
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("%d events", len(events))
	}
	ev := events[0]
	if s, _ := ev.Props.Text(ical.PropSummary); s != "Webinaire – Simplifier les démarches des citoyens et le quotidien des agents grâce aux API" {
		t.Errorf("SUMMARY = %q", s)
	}
	// No contact: nobody to name as organiser, so no invitation.
	if ev.Props.Get(ical.PropOrganizer) != nil || ev.Props.Get(ical.PropAttendee) != nil {
		t.Errorf("ORGANIZER or ATTENDEE without a contact: %v", ev.Props)
	}
	if uid := ev.Props.Get(ical.PropUID).Value; uid != "session-12@example.gouv.fr" {
		t.Errorf("UID = %s", uid)
	}
	if seq := ev.Props.Get(ical.PropSequence).Value; seq != "0" {
		t.Errorf("SEQUENCE = %s", seq)
	}
	start, err := ev.DateTimeStart(nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2021, 11, 17, 16, 0, 0, 0, time.UTC); !start.Equal(want) {
		t.Errorf("DTSTART = %s, want %s UTC", start, want)
	}
	if tzid := ev.Props.Get(ical.PropDateTimeStart).Params.Get(ical.ParamTimezoneID); tzid != "Europe/Paris" {
		t.Errorf("DTSTART TZID = %s", tzid)
	}
	if end, _ := ev.DateTimeEnd(nil); !end.Equal(start.Add(30 * time.Minute)) {
		t.Errorf("DTEND = %s", end)
	}
	// An online session has no place: LOCATION holds an address only, and
	// the link to join is in the description.
	if loc := ev.Props.Get(ical.PropLocation); loc != nil {
		t.Errorf("LOCATION = %s for a session online", loc.Value)
	}
	if d, _ := ev.Props.Text(ical.PropDescription); !strings.Contains(d, "Pour rejoindre en ligne\u00a0: https://webinaire.numerique.gouv.fr/") {
		t.Errorf("DESCRIPTION lacks the link to join: %q", d)
	}
	if u := ev.Props.Get(ical.PropURL).Value; !strings.HasPrefix(u, "https://app.livestorm.co/") {
		t.Errorf("URL = %s", u)
	}
	checkTimezone(t, cal, start.In(loc))

	t.Run("MovedRaisesSequence", func(t *testing.T) {
		t.Parallel()
		moved := m
		moved.Kind, moved.ScheduleVersion = "reschedule", 3
		cal, _ := calendarOf(t, c, moved)
		if seq := cal.Events()[0].Props.Get(ical.PropSequence).Value; seq != "2" {
			t.Errorf("SEQUENCE = %s, want 2 after two moves", seq)
		}
	})

	t.Run("Cancel", func(t *testing.T) {
		t.Parallel()
		cancelled := m
		cancelled.Kind, cancelled.ScheduleVersion = "cancellation", 3
		cal, p := calendarOf(t, c, cancelled)
		ev := cal.Events()[0]
		if cal.Props.Get(ical.PropMethod).Value != "CANCEL" || ev.Props.Get(ical.PropStatus).Value != "CANCELLED" ||
			ev.Props.Get(ical.PropSequence).Value != "3" || ev.Props.Get(ical.PropUID).Value != "session-12@example.gouv.fr" {
			t.Errorf("cancel: %v", ev.Props)
		}
		if !strings.Contains(p.Header.Get("Content-Type"), "multipart/mixed") {
			t.Errorf("structure = %s", p.Header.Get("Content-Type"))
		}
	})

	t.Run("InvitationWithAContact", func(t *testing.T) {
		t.Parallel()
		// The same draft serves two readers: each is the ATTENDEE of
		// their own invitation, and of its cancellation.
		for _, k := range []string{"confirmed", "j1", "reschedule", "cancellation"} {
			for _, who := range []string{"marie.dupont@example.gouv.fr", "jean.martin@example.gouv.fr"} {
				inv := m
				inv.Kind, inv.Recipient.Email = kind.Message(k), who
				inv.Session.Contact = "Équipe du Mois de l’innovation publique <innovation@modernisation.gouv.fr>"
				cal, _ := calendarOf(t, c, inv)
				ev := cal.Events()[0]
				method := map[string]string{"cancellation": "CANCEL"}[k]
				if method == "" {
					method = "REQUEST"
				}
				org, att := ev.Props.Get(ical.PropOrganizer), ev.Props.Get(ical.PropAttendee)
				switch {
				case cal.Props.Get(ical.PropMethod).Value != method:
					t.Errorf("%s: METHOD = %s, want %s", k, cal.Props.Get(ical.PropMethod).Value, method)
				case org == nil || !strings.EqualFold(org.Value, "mailto:innovation@modernisation.gouv.fr") ||
					org.Params.Get(ical.ParamCommonName) != "Équipe du Mois de l’innovation publique":
					t.Errorf("%s: ORGANIZER = %v", k, org)
				case att == nil || att.Value != "mailto:"+who || att.Params.Get(ical.ParamParticipationStatus) != "ACCEPTED" ||
					att.Params.Get(ical.ParamRSVP) != "FALSE":
					t.Errorf("%s to %s: ATTENDEE = %v", k, who, att)
				}
			}
		}
	})

	t.Run("NoCalendarTheSameDay", func(t *testing.T) {
		t.Parallel()
		for _, k := range []string{"h1", "reminder-15m", "reminder-3h"} {
			late := m
			late.Kind = kind.Message(k)
			if p := render(t, c, late); p.Parts["text/calendar"] != "" {
				t.Errorf("%s carries a calendar file", k)
			}
		}
	})

	t.Run("NoCalendarBeforeConfirmation", func(t *testing.T) {
		t.Parallel()
		req := m
		req.Kind, req.ConfirmToken = "confirmation", "x"
		if p := render(t, c, req); p.Parts["text/calendar"] != "" || p.ContentType != "multipart/alternative" {
			t.Error("a calendar is attached to a sign-up not yet confirmed")
		}
	})

	t.Run("AcrossDSTAndOtherZones", func(t *testing.T) {
		t.Parallel()
		for _, tt := range []struct{ zone, at string }{
			{"Europe/Paris", "2027-03-28T10:00:00"}, // the day clocks go forward
			{"Europe/Paris", "2026-10-25T01:30:00"}, // before they go back
			{"America/Cayenne", "2026-12-01T09:00:00"},
			{"Pacific/Noumea", "2026-12-01T09:00:00"},
		} {
			zone, err := time.LoadLocation(tt.zone)
			if err != nil {
				t.Fatal(err)
			}
			start, _ := time.ParseInLocation("2006-01-02T15:04:05", tt.at, zone)
			zc := notifytest.Composer(t, zone)
			dst := m
			dst.Session.StartsAt, dst.Session.EndsAt = start, nil
			cal, _ := calendarOf(t, zc, dst)
			got, err := cal.Events()[0].DateTimeStart(nil)
			if err != nil || !got.Equal(start) {
				t.Errorf("%s %s: DTSTART = %s, %v", tt.zone, tt.at, got, err)
			}
			checkTimezone(t, cal, start)
		}
	})
}

// checkTimezone reads the VTIMEZONE as a calendar application without a
// zone database would: the component in force at the event must give the
// event's true offset.
func checkTimezone(t *testing.T, cal *ical.Calendar, start time.Time) {
	t.Helper()
	var tz *ical.Component
	for _, c := range cal.Children {
		if c.Name == ical.CompTimezone {
			tz = c
		}
	}
	if tz == nil {
		t.Fatal("no VTIMEZONE")
	}
	_, want := start.Zone()
	var best string
	var bestOffset string
	for _, sub := range tz.Children {
		at := sub.Props.Get(ical.PropDateTimeStart).Value
		if at <= start.Format("20060102T150405") && at > best {
			best, bestOffset = at, sub.Props.Get(ical.PropTimezoneOffsetTo).Value
		}
	}
	wantOffset := formatOffset(want)
	if bestOffset != wantOffset {
		t.Errorf("VTIMEZONE gives %s at %s, want %s", bestOffset, start, wantOffset)
	}
}

func formatOffset(seconds int) string {
	sign := "+"
	if seconds < 0 {
		sign, seconds = "-", -seconds
	}
	return sign + time.Date(0, 1, 1, seconds/3600, seconds%3600/60, 0, 0, time.UTC).Format("1504")
}

// TestTimezoneAroundTheEventOnly: the VTIMEZONE holds the change in force
// at the start and those during the event, however far its end (a session
// stored before ends were bounded): a calendar file stays small.
func TestTimezoneAroundTheEventOnly(t *testing.T) {
	t.Parallel()
	c := composer(t)
	loc := testkit.Paris(t)
	components := func(cal *ical.Calendar) int {
		for _, comp := range cal.Children {
			if comp.Name == ical.CompTimezone {
				return len(comp.Children)
			}
		}
		return 0
	}
	for _, tc := range []struct {
		name       string
		start, end time.Time
		want       int
	}{
		{"OneDayAfterTheChange", time.Date(2026, 11, 10, 10, 0, 0, 0, loc), time.Date(2026, 11, 10, 12, 0, 0, 0, loc), 1},
		{"AcrossTheAutumnChange", time.Date(2026, 10, 20, 10, 0, 0, 0, loc), time.Date(2026, 10, 30, 12, 0, 0, 0, loc), 2},
		{"EndCenturiesAway", time.Date(2027, 3, 1, 10, 0, 0, 0, loc), time.Date(9999, 12, 31, 12, 0, 0, 0, loc), 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := webinaire(t)
			m.Kind = "j1"
			m.Session.StartsAt, m.Session.EndsAt, m.Now = tc.start, &tc.end, tc.start.Add(-24*time.Hour)
			cal, _ := calendarOf(t, c, m)
			if n := components(cal); n != tc.want {
				t.Errorf("VTIMEZONE has %d components, want %d", n, tc.want)
			}
			checkTimezone(t, cal, tc.start)
		})
	}
}
