package when

import (
	"fmt"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/aa"
	"github.com/rickar/cal/v2/fr"
)

// WorkingDays moves the reminders counted in days off the days nobody
// works: a reminder that would fall on a Saturday, a Sunday or a French
// public holiday goes out the previous working day at the same time
// (REMINDERS_WORKING_DAYS). The holidays are those of a maintained
// calendar library (rickar/cal), not a list typed by hand; Alsace-Moselle
// adds Good Friday and Saint Stephen's day (26 December).
type WorkingDays struct {
	cal *cal.BusinessCalendar
}

// The calendars of public holidays.
const (
	CalendarFrance        = "france"
	CalendarAlsaceMoselle = "alsace-moselle"
)

// NewWorkingDays is the working days of a calendar of public holidays.
func NewWorkingDays(calendar string) (*WorkingDays, error) {
	c := cal.NewBusinessCalendar()
	c.AddHoliday(fr.Holidays...)
	switch calendar {
	case CalendarFrance, "":
	case CalendarAlsaceMoselle:
		c.AddHoliday(
			aa.GoodFriday.Clone(&cal.Holiday{Name: "Vendredi saint", Type: cal.ObservancePublic}),
			aa.ChristmasDay2.Clone(&cal.Holiday{Name: "Saint-Étienne", Type: cal.ObservancePublic}),
		)
	default:
		return nil, fmt.Errorf("« %s » : calendrier inconnu (%s ou %s)", calendar, CalendarFrance, CalendarAlsaceMoselle)
	}
	return &WorkingDays{cal: c}, nil
}

// IsWorkday says whether the day of t, on the wall clock of loc, is worked.
func (w *WorkingDays) IsWorkday(t time.Time, loc *time.Location) bool {
	l := t.In(loc)
	// The library reads the date of the time given: midday of that date
	// in UTC is the same date, whatever the zone.
	y, m, d := l.Date()
	return w.cal.IsWorkday(time.Date(y, m, d, 12, 0, 0, 0, time.UTC))
}

// DueAt is when reminder r of a session starting at start leaves: its due
// instant, moved back to the previous working day at the same wall-clock
// time when it is counted in days and falls on a day off. A nil WorkingDays
// moves nothing.
func (w *WorkingDays) DueAt(r Reminder, start time.Time, loc *time.Location) time.Time {
	due := r.DueAt(start, loc)
	if w == nil || r.Days == 0 {
		return due
	}
	local := due.In(loc)
	for range 14 { // two weeks off in a row is more than any calendar has
		if w.IsWorkday(local, loc) {
			break
		}
		y, m, d := local.Date()
		hh, mm, ss := local.Clock()
		local = WallClock(loc, y, m, d-1, hh, mm, ss, 0).In(loc)
	}
	return local.UTC()
}
