package when

import (
	"testing"
	"time"

	"github.com/dinum/rappel/internal/testkit"
)

func TestParseReminders(t *testing.T) {
	t.Parallel()

	t.Run("Default", func(t *testing.T) {
		t.Parallel()
		rs, err := ParseReminders(DefaultReminders)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 2 || rs[0].Kind() != "j1" || rs[1].Kind() != "h1" {
			t.Fatalf("kinds = %v", rs)
		}
		if rs[0].MaxLate != 6*time.Hour || rs[1].MaxLate != 15*time.Minute {
			t.Errorf("max lateness = %s, %s; want 6h, 15m", rs[0].MaxLate, rs[1].MaxLate)
		}
	})

	t.Run("KindsAndLabels", func(t *testing.T) {
		t.Parallel()
		for in, want := range map[string]string{
			"1d": "j1", "1h": "h1", "60m": "h1", "2m": "reminder-2m", "90m": "reminder-90m",
			"1h30m": "reminder-90m", "2d": "reminder-2d", "3h": "reminder-3h", " 15m ": "reminder-15m",
		} {
			r, err := ParseReminder(in)
			if err != nil {
				t.Fatalf("ParseReminder(%q): %v", in, err)
			}
			if string(r.Kind()) != want {
				t.Errorf("ParseReminder(%q).Kind() = %q, want %q", in, r.Kind(), want)
			}
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		for _, in := range []string{"", "0m", "30s", "1.25m", "-1h", "d", "0d", "61d", "1w", "1h,1h", "1d,,1h", "abc"} {
			if _, err := ParseReminders(in); err == nil {
				t.Errorf("ParseReminders(%q) accepted", in)
			}
		}
	})

	t.Run("MaxLate", func(t *testing.T) {
		t.Parallel()
		rs, _ := ParseReminders("1d,1h,2m")
		if err := ApplyMaxLate(rs, "1h=10m, 1d=2h"); err != nil {
			t.Fatal(err)
		}
		if rs[0].MaxLate != 2*time.Hour || rs[1].MaxLate != 10*time.Minute || rs[2].MaxLate != 30*time.Second {
			t.Errorf("max lateness = %s %s %s", rs[0].MaxLate, rs[1].MaxLate, rs[2].MaxLate)
		}
		for _, bad := range []string{"1h", "1h=", "1h=-5m", "3h=1m", "x=1m"} {
			if err := ApplyMaxLate(rs, bad); err == nil {
				t.Errorf("ApplyMaxLate(%q) accepted", bad)
			}
		}
	})
}

// TestDueAt checks the time rules of DESIGN.md, including the DST changes
// of 2026-10-25 and 2027-03-28 in Paris.
func TestDueAt(t *testing.T) {
	t.Parallel()
	loc := testkit.Paris(t)
	day, _ := ParseReminder("1d")
	hour, _ := ParseReminder("1h")
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name      string
		start     string
		r         Reminder
		wantLocal string
		wantGap   time.Duration
	}{
		{"J1Ordinary", "2021-11-17 17:00", day, "2021-11-16 17:00", 24 * time.Hour},
		// The clocks go back at 03:00 on 2026-10-25 and forward at 02:00 on
		// 2027-03-28. A J-1 whose day before straddles the change is 25 h or
		// 23 h before the start.
		{"J1AcrossAutumnChange", "2026-10-25 10:00", day, "2026-10-24 10:00", 25 * time.Hour},
		{"J1AcrossSpringChange", "2027-03-28 10:00", day, "2027-03-27 10:00", 23 * time.Hour},
		{"J1AcrossNextAutumnChange", "2027-10-31 10:00", day, "2027-10-30 10:00", 25 * time.Hour},
		// The day after a change, the J-1 falls on the change day but after
		// the change: both times have the same offset, 24 h apart.
		{"J1DayAfterAutumnChange", "2026-10-26 10:00", day, "2026-10-25 10:00", 24 * time.Hour},
		{"J1DayAfterSpringChange", "2027-03-29 10:00", day, "2027-03-28 10:00", 24 * time.Hour},
		// Early in the morning the day after, the J-1 falls before the change.
		{"J1EarlyDayAfterAutumnChange", "2026-10-26 01:30", day, "2026-10-25 01:30", 25 * time.Hour},
		{"J1EarlyDayAfterSpringChange", "2027-03-29 01:30", day, "2027-03-28 01:30", 23 * time.Hour},
		{"H1Ordinary", "2021-11-17 17:00", hour, "2021-11-17 16:00", time.Hour},
		{"H1OverSpringGap", "2027-03-28 03:30", hour, "2027-03-28 01:30", time.Hour},
		{"J1OnNewYear", "2027-01-01 00:30", day, "2026-12-31 00:30", 24 * time.Hour},
		{"J1OnMarchFirst", "2028-03-01 09:00", day, "2028-02-29 09:00", 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			start := at(tt.start)
			due := tt.r.DueAt(start, loc)
			if got := due.In(loc).Format("2006-01-02 15:04"); got != tt.wantLocal {
				t.Errorf("due at %s Paris time, want %s", got, tt.wantLocal)
			}
			if gap := start.Sub(due); gap != tt.wantGap {
				t.Errorf("due %s before the start, want %s", gap, tt.wantGap)
			}
			if due.Location() != time.UTC {
				t.Errorf("due time in %s, want UTC", due.Location())
			}
		})
	}
}

// TestWallClockAmbiguous checks the times a DST change skips or repeats.
func TestWallClockAmbiguous(t *testing.T) {
	t.Parallel()
	loc := testkit.Paris(t)

	t.Run("RepeatedHourTakesFirst", func(t *testing.T) {
		t.Parallel()
		got := WallClock(loc, 2026, time.October, 25, 2, 30, 0, 0)
		if want := time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC); !got.Equal(want) {
			t.Errorf("02:30 on 2026-10-25 = %s UTC, want %s (the first, summer-time occurrence)", got.UTC(), want)
		}
	})

	t.Run("SkippedHourMovesForward", func(t *testing.T) {
		t.Parallel()
		got := WallClock(loc, 2027, time.March, 28, 2, 30, 0, 0)
		if want := "2027-03-28 03:30 +0200"; got.Format("2006-01-02 15:04 -0700") != want {
			t.Errorf("02:30 on 2027-03-28 = %s, want %s", got.Format("2006-01-02 15:04 -0700"), want)
		}
	})

	t.Run("J1OfSessionAfterGapLandsInGap", func(t *testing.T) {
		t.Parallel()
		day, _ := ParseReminder("1d")
		start := time.Date(2027, 3, 29, 2, 30, 0, 0, loc)
		due := day.DueAt(start, loc)
		if got := due.In(loc).Format("2006-01-02 15:04"); got != "2027-03-28 03:30" {
			t.Errorf("J-1 of 2027-03-29 02:30 = %s, want 2027-03-28 03:30", got)
		}
	})
}

func TestReminderForKind(t *testing.T) {
	t.Parallel()
	rs, _ := ParseReminders("1d,1h")
	_ = ApplyMaxLate(rs, "1h=5m")
	kinds := KindOffsets(rs)
	if r, ok := ReminderForKind(kinds, "h1"); !ok || r.MaxLate != 5*time.Minute {
		t.Errorf("h1 = %+v, %v", r, ok)
	}
	if r, ok := ReminderForKind(kinds, "reminder-2m"); !ok || r.Duration != 2*time.Minute || r.MaxLate != 30*time.Second {
		t.Errorf("reminder-2m = %+v, %v", r, ok)
	}
	if _, ok := ReminderForKind(kinds, "confirmation"); ok {
		t.Error("confirmation is not a reminder")
	}
}
