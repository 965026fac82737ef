package when

import (
	"testing"
	"time"
)

// TestWorkingDays: a Monday session's J-1 leaves the Friday before at the
// same time; across 14 July, Easter Monday (and, in Alsace-Moselle, Good
// Friday and 26 December) it leaves the last day worked; a reminder
// counted in hours never moves; across the DST change of 2027-03-28 the
// wall-clock time stays.
func TestWorkingDays(t *testing.T) {
	t.Parallel()
	paris, _ := time.LoadLocation("Europe/Paris")
	france, err := NewWorkingDays(CalendarFrance)
	if err != nil {
		t.Fatal(err)
	}
	alsace, _ := NewWorkingDays(CalendarAlsaceMoselle)
	j1 := Reminder{Days: 1}
	at := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, paris) }
	for _, c := range []struct {
		name  string
		w     *WorkingDays
		r     Reminder
		start time.Time
		want  time.Time
	}{
		{"Monday", france, j1, at(2026, time.December, 7, 18), at(2026, time.December, 4, 18)},
		{"Tuesday", france, j1, at(2026, time.December, 8, 18), at(2026, time.December, 7, 18)},
		// 14 July 2027 is a Wednesday: the J-1 of the 15th goes the 13th.
		{"AfterBastilleDay", france, j1, at(2027, time.July, 15, 10), at(2027, time.July, 13, 10)},
		// Easter Monday 2027 is 29 March: the J-1 of Tuesday the 30th goes
		// Friday 26, before the DST change of the 28th, at the same time.
		{"AfterEasterMonday", france, j1, at(2027, time.March, 30, 9), at(2027, time.March, 26, 9)},
		{"GoodFridayInAlsace", alsace, j1, at(2027, time.March, 30, 9), at(2027, time.March, 25, 9)},
		// 26 December 2025 is a Friday, worked but in Alsace-Moselle.
		{"SaintStephenInAlsace", alsace, j1, at(2025, time.December, 27, 14), at(2025, time.December, 24, 14)},
		{"SaintStephenElsewhere", france, j1, at(2025, time.December, 27, 14), at(2025, time.December, 26, 14)},
		{"HoursNeverMove", france, Reminder{Duration: time.Hour}, at(2026, time.December, 7, 9), at(2026, time.December, 7, 8)},
		{"Off", nil, j1, at(2026, time.December, 7, 18), at(2026, time.December, 6, 18)},
	} {
		if got := c.w.DueAt(c.r, c.start, paris); !got.Equal(c.want) {
			t.Errorf("%s: %s, want %s", c.name, got.In(paris), c.want)
		}
	}
	if _, err := NewWorkingDays("bretagne"); err == nil {
		t.Error("an unknown calendar was accepted")
	}
}
