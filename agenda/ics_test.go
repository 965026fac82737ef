package agenda_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dinum/rappel/agenda"
	"github.com/dinum/rappel/internal/testkit"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/store/storetest"
)

// feed is an iCalendar feed of four events a month from now, one of each
// way of giving a time; moved and cancel change it as an organiser would.
func feed(day time.Time, moved, cancel bool) string {
	d := day.Format("20060102")
	next := day.AddDate(0, 0, 1).Format("20060102")
	first := "DTSTART;TZID=Europe/Paris:" + d + "T100000\r\nDTEND;TZID=Europe/Paris:" + d + "T113000"
	if moved {
		first = "DTSTART;TZID=Europe/Paris:" + d + "T110000\r\nDTEND;TZID=Europe/Paris:" + d + "T123000"
	}
	status := "STATUS:CONFIRMED"
	if cancel {
		status = "STATUS:CANCELLED"
	}
	return strings.Join([]string{
		"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Essais//FR",
		"BEGIN:VEVENT", "UID:premier@example.gouv.fr", "DTSTAMP:20261101T000000Z", first,
		"SUMMARY:[Atelier] Premier atelier", "LOCATION:77 av. de Ségur\\, 75015 Paris",
		"DESCRIPTION:Accessible aux personnes à mobilité réduite.\\nVenez nombreux.",
		"URL:https://example.gouv.fr/premier", "END:VEVENT",
		"BEGIN:VEVENT", "UID:second@example.gouv.fr", "DTSTAMP:20261101T000000Z",
		"DTSTART:" + d + "T150000Z", "DTEND:" + d + "T160000Z", "CATEGORIES:Mois de l'innovation,Webinaire",
		"SUMMARY:Données ouvertes", status, "END:VEVENT",
		"BEGIN:VEVENT", "UID:troisieme@example.gouv.fr", "DTSTAMP:20261101T000000Z",
		"DTSTART;TZID=Romance Standard Time:" + next + "T090000", "DURATION:PT2H",
		"SUMMARY:Formation : Accessibilité", "END:VEVENT",
		"BEGIN:VEVENT", "UID:quatrieme@example.gouv.fr", "DTSTAMP:20261101T000000Z",
		"DTSTART;VALUE=DATE:" + next, "SUMMARY:[Webinaire] Toute la journée", "END:VEVENT",
		"END:VCALENDAR", "",
	}, "\r\n")
}

func TestImportICS(t *testing.T) {
	st, _ := storetest.NewStore(t)
	ctx := context.Background()
	loc := testkit.Paris(t)
	day := time.Now().In(loc).AddDate(0, 1, 0)
	importFeed := func(moved, cancel bool) agenda.Report {
		t.Helper()
		p, err := agenda.ParseICS(strings.NewReader(feed(day, moved, cancel)), "https://example.gouv.fr/agenda.ics", loc, "")
		if err != nil {
			t.Fatal(err)
		}
		r, err := agenda.Importer{Store: st}.Import(ctx, p, agenda.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := importFeed(false, false)
	if got := countActions(r); got[agenda.Create] != 3 || len(got) != 1 {
		t.Fatalf("first import: %v", got)
	}
	if len(r.Problems) != 1 || r.Problems[0].Block != 4 || !strings.Contains(r.Problems[0].Message, "journée entière") {
		t.Errorf("problems %+v, want the all-day event", r.Problems)
	}
	at := func(h, m int, dayOffset int) time.Time {
		return time.Date(day.Year(), day.Month(), day.Day()+dayOffset, h, m, 0, 0, loc)
	}
	want := []struct {
		kind, title, location, url string
		start, end                 time.Time
		accessible                 bool
	}{
		{"atelier", "Premier atelier", "77 avenue de Ségur, 75015 Paris", "https://example.gouv.fr/premier", at(10, 0, 0), at(11, 30, 0), true},
		{"webinaire", "Données ouvertes", "", "", time.Date(day.Year(), day.Month(), day.Day(), 15, 0, 0, 0, time.UTC), time.Date(day.Year(), day.Month(), day.Day(), 16, 0, 0, 0, time.UTC), false},
		{"formation", "Accessibilité", "", "", at(9, 0, 1), at(11, 0, 1), false},
	}
	ids := make([]int64, 3)
	for i, c := range r.Changes {
		s := c.Session
		ids[i] = s.ID
		w := want[i]
		if string(s.Kind) != w.kind || s.Title != w.title || s.Location != w.location || s.PageURL != w.url || s.Accessible != w.accessible ||
			!s.StartsAt.Equal(w.start) || s.EndsAt == nil || !s.EndsAt.Equal(w.end) {
			t.Errorf("event %d: %+v, want %+v", i+1, s, w)
		}
	}
	if s, _ := st.SessionByID(ctx, ids[0]); s.Description != "Accessible aux personnes à mobilité réduite.\nVenez nombreux." {
		t.Errorf("description %q", s.Description)
	}

	r = importFeed(true, true)
	wantActions := map[agenda.Action]int{agenda.Reschedule: 1, agenda.Cancel: 1, agenda.Unchanged: 1}
	if got := countActions(r); !equal(got, wantActions) {
		t.Fatalf("second import: %v, want %v", got, wantActions)
	}
	if s, _ := st.SessionByID(ctx, ids[0]); !s.StartsAt.Equal(at(11, 0, 0)) || s.ScheduleVersion != 2 {
		t.Errorf("moved event: start %v version %d", s.StartsAt, s.ScheduleVersion)
	}
	if s, _ := st.SessionByID(ctx, ids[1]); s.Status != store.SessionCancelled {
		t.Errorf("cancelled event: status %s", s.Status)
	}
	r = importFeed(true, true)
	if got := countActions(r); got[agenda.Unchanged] != 3 || len(got) != 1 {
		t.Errorf("third import: %v", got)
	}
}
