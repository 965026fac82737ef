package when

import (
	"testing"
	"time"

	"github.com/dinum/rappel/internal/testkit"
)

func TestParseWhen(t *testing.T) {
	t.Parallel()
	loc := testkit.Paris(t)
	for in, want := range map[string]string{
		"2021-11-17T17:00":          "2021-11-17T16:00:00Z",
		"2021-11-17 17:00":          "2021-11-17T16:00:00Z",
		" 2021-11-17 17:00:30 ":     "2021-11-17T16:00:30Z",
		"2021-07-01T09:30":          "2021-07-01T07:30:00Z",
		"2021-11-17T17:00:00+01:00": "2021-11-17T16:00:00Z",
		"2021-11-17T16:00:00Z":      "2021-11-17T16:00:00Z",
		"2027-03-28T02:30":          "2027-03-28T01:30:00Z", // skipped hour: 03:30 summer time
		"2026-10-25T02:30":          "2026-10-25T00:30:00Z", // repeated hour: the first
	} {
		got, err := Parse(in, loc)
		if err != nil {
			t.Errorf("Parse(%q): %v", in, err)
			continue
		}
		if got.UTC().Format(time.RFC3339) != want {
			t.Errorf("Parse(%q) = %s, want %s", in, got.UTC().Format(time.RFC3339), want)
		}
	}
	for _, bad := range []string{"", "demain", "17/11/2021 17:00", "2021-11-17", "2021-13-01T10:00", "2021-02-30 10:00", "2021-11-17T25:00", "0000-01-01 0:00", "2300-01-01T10:00"} {
		if _, err := Parse(bad, loc); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func FuzzParseWhen(f *testing.F) {
	for _, s := range []string{"2021-11-17T17:00", "2021-11-17 17:00", "2021-11-17T17:00:00+01:00", "2027-03-28T02:30", "x"} {
		f.Add(s)
	}
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Parse(s, loc)
		if err != nil {
			return
		}
		// Whatever is accepted must read back to the same instant.
		again, err := Parse(got.UTC().Format(time.RFC3339Nano), loc)
		if err != nil || !again.Equal(got) {
			t.Fatalf("Parse(%q) = %s, which reads back as %s, %v", s, got, again, err)
		}
	})
}
