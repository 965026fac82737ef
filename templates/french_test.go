package templates

import (
	"strings"
	"testing"
	"time"

	"github.com/dinum/rappel/internal/testkit"
	"github.com/dinum/rappel/kind"
)

// visible shows the non-breaking spaces, so that expectations can be read.
func visible(s string) string {
	return strings.NewReplacer(nbsp, "~", nnbsp, "^").Replace(s)
}

func TestClockAndDay(t *testing.T) {
	t.Parallel()
	loc := testkit.Paris(t)
	for _, tt := range []struct {
		at, clock, day string
	}{
		{"2021-11-17 17:00", "17~h", "mercredi 17 novembre 2021"},
		{"2021-11-17 17:30", "17~h~30", "mercredi 17 novembre 2021"},
		{"2021-11-01 09:05", "9~h~05", "lundi 1er novembre 2021"},
		{"2022-01-01 00:00", "0~h", "samedi 1er janvier 2022"},
		{"2021-08-15 12:00", "12~h", "dimanche 15 août 2021"},
		{"2021-02-28 23:59", "23~h~59", "dimanche 28 février 2021"},
		{"2021-12-31 10:00", "10~h", "vendredi 31 décembre 2021"},
	} {
		at, err := time.ParseInLocation("2006-01-02 15:04", tt.at, loc)
		if err != nil {
			t.Fatal(err)
		}
		if got := visible(Clock(at)); got != tt.clock {
			t.Errorf("Clock(%s) = %q, want %q", tt.at, got, tt.clock)
		}
		if got := Day(at); got != tt.day {
			t.Errorf("Day(%s) = %q, want %q", tt.at, got, tt.day)
		}
	}
}

func TestSpan(t *testing.T) {
	t.Parallel()
	loc := testkit.Paris(t)
	at := func(s string) *time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return &v
	}
	for _, tt := range []struct {
		start string
		end   *time.Time
		want  string
	}{
		{"2021-11-17 17:00", at("2021-11-17 17:30"), "mercredi 17 novembre 2021 de 17~h à 17~h~30"},
		{"2021-11-25 09:00", at("2021-11-25 17:30"), "jeudi 25 novembre 2021 de 9~h à 17~h~30"},
		{"2021-11-17 17:00", nil, "mercredi 17 novembre 2021 à 17~h"},
		{"2021-11-30 18:00", at("2021-12-01 12:00"), "du mardi 30 novembre 2021 à 18~h au mercredi 1er décembre 2021 à 12~h"},
		{"2021-12-31 22:00", at("2022-01-01 02:00"), "du vendredi 31 décembre 2021 à 22~h au samedi 1er janvier 2022 à 2~h"},
		// The night clocks go back, and the night they go forward: Paris
		// time throughout, whatever the length.
		{"2026-10-25 01:00", at("2026-10-25 04:00"), "dimanche 25 octobre 2026 de 1~h à 4~h"},
		{"2027-03-28 01:00", at("2027-03-28 04:00"), "dimanche 28 mars 2027 de 1~h à 4~h"},
		// Midnight, and a session that ends at midnight the next day.
		{"2021-11-01 00:00", nil, "lundi 1er novembre 2021 à 0~h"},
		{"2021-11-30 20:00", at("2021-12-01 00:00"), "du mardi 30 novembre 2021 à 20~h au mercredi 1er décembre 2021 à 0~h"},
		// A formation over three days.
		{"2021-11-22 09:00", at("2021-11-24 17:30"), "du lundi 22 novembre 2021 à 9~h au mercredi 24 novembre 2021 à 17~h~30"},
	} {
		if got := visible(Span(*at(tt.start), tt.end, loc)); got != tt.want {
			t.Errorf("Span(%s) = %q, want %q", tt.start, got, tt.want)
		}
	}
	// The same instant shown in UTC is another wall-clock time.
	if got := visible(Span(*at("2021-11-17 17:00"), nil, time.UTC)); got != "mercredi 17 novembre 2021 à 16~h" {
		t.Errorf("Span in UTC = %q", got)
	}
}

func TestRelative(t *testing.T) {
	t.Parallel()
	loc := testkit.Paris(t)
	start := time.Date(2021, 11, 17, 17, 0, 0, 0, loc)
	for _, tt := range []struct {
		before time.Duration
		want   string
		soon   bool
	}{
		{time.Hour, "dans une heure", true},
		{59*time.Minute + 50*time.Second, "dans une heure", true},
		{20 * time.Minute, "dans 20 minutes", true},
		{time.Minute, "dans 1 minute", true},
		{90 * time.Minute, "dans 1~h~30", true},
		{3 * time.Hour, "aujourd’hui à 17~h", false},
		{24 * time.Hour, "demain à 17~h", false},
		{18 * time.Hour, "demain à 17~h", false}, // the evening before, 23:00
		{48 * time.Hour, "après-demain à 17~h", false},
		{5 * 24 * time.Hour, "le mercredi 17 novembre à 17~h", false},
		{0, "maintenant", true},
	} {
		got, soon := Relative(start.Add(-tt.before), start, loc)
		if visible(got) != tt.want || soon != tt.soon {
			t.Errorf("Relative(%s before) = %q, %v; want %q, %v", tt.before, visible(got), soon, tt.want, tt.soon)
		}
	}
	// Across the spring change, "demain" is a calendar day, 23 hours away.
	springStart := time.Date(2027, 3, 28, 10, 0, 0, 0, loc)
	if got, _ := Relative(springStart.Add(-23*time.Hour), springStart, loc); visible(got) != "demain à 10~h" {
		t.Errorf("J-1 across the spring change says %q", visible(got))
	}
	// A year boundary keeps the year.
	if got, _ := Relative(time.Date(2021, 12, 20, 9, 0, 0, 0, loc), time.Date(2022, 1, 4, 9, 0, 0, 0, loc), loc); visible(got) != "le mardi 4 janvier 2022 à 9~h" {
		t.Errorf("across a year = %q", visible(got))
	}
}

func TestTypography(t *testing.T) {
	t.Parallel()
	got := visible(Typography("Rappel : « Titre » ; oui ! non ? https://x.fr:443/a"))
	if want := "Rappel~: «~Titre~»^; oui^! non^? https://x.fr:443/a"; got != want {
		t.Errorf("Typography = %q, want %q", got, want)
	}
}

func TestTruncate(t *testing.T) {
	t.Parallel()
	if got := Truncate("court", 10); got != "court" {
		t.Errorf("Truncate kept %q", got)
	}
	got := Truncate("Simplifier les démarches des citoyens et le quotidien des agents grâce aux API", 40)
	if n := len([]rune(got)); n > 40 || !strings.HasSuffix(got, "…") {
		t.Errorf("Truncate = %q (%d characters)", got, n)
	}
	if strings.Contains(got, "agen…") {
		t.Errorf("Truncate cut a word: %q", got)
	}
}

func TestWords(t *testing.T) {
	t.Parallel()
	for k, want := range map[kind.Session]string{
		"atelier": "l’atelier", "webinaire": "le webinaire", "formation": "la formation",
		"table-ronde": "la table ronde", "portes-ouvertes": "la journée portes ouvertes",
	} {
		if got := Words(k).The; got != want {
			t.Errorf("Words(%s).The = %q, want %q", k, got, want)
		}
	}
	if Words("webinaire").To != "au webinaire" || Words("atelier").This != "cet atelier" || Words("formation").Of != "de la formation" {
		t.Error("contractions and demonstratives are wrong")
	}
}

// TestWordsOfEveryKind ties the words to kind's table: every session kind
// has its own (not the fallback "session"), and no word is left for a
// kind the table no longer has.
func TestWordsOfEveryKind(t *testing.T) {
	t.Parallel()
	for _, s := range kind.Sessions {
		if w, ok := kindWords[s.Kind]; !ok || w.Label == "" || w.The == "" || w.To == "" || w.Of == "" || w.This == "" {
			t.Errorf("no complete words for the session kind %s", s.Kind)
		}
	}
	for k := range kindWords {
		if !k.Valid() {
			t.Errorf("words for %s, which kind.Sessions does not have", k)
		}
	}
}

func TestDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		10 * time.Millisecond:           "10~ms",
		250 * time.Millisecond:          "250~ms",
		1250 * time.Millisecond:         "1,2~s",
		12 * time.Second:                "12~s",
		0:                               "0~ms",
		2 * time.Minute:                 "2~min",
		200 * time.Second:               "3~min 20~s",
		90 * time.Minute:                "1~h~30",
		3 * time.Hour:                   "3~h",
		48 * time.Hour:                  "2~jours",
		24 * time.Hour:                  "1~jour",
		-1500 * time.Millisecond:        "-1,5~s",
		2*time.Hour + 5*time.Minute + 1: "2~h~05",
	} {
		if got := visible(Duration(d)); got != want {
			t.Errorf("Duration(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestRemindersPhrase(t *testing.T) {
	for _, c := range []struct {
		when             []string
		schedule, phrase string
	}{
		{nil, "", ""},
		{[]string{"la veille"}, "la veille", "un rappel la veille"},
		{[]string{"la veille", "une heure avant"}, "la veille, puis une heure avant", "des rappels la veille, puis une heure avant"},
		{[]string{"7 jours avant", "la veille", "une heure avant"}, "7 jours avant, la veille, puis une heure avant",
			"des rappels 7 jours avant, la veille, puis une heure avant"},
	} {
		if got := Schedule(c.when); got != c.schedule {
			t.Errorf("Schedule(%q) = %q, want %q", c.when, got, c.schedule)
		}
		if got := RemindersPhrase(c.when); got != c.phrase {
			t.Errorf("RemindersPhrase(%q) = %q, want %q", c.when, got, c.phrase)
		}
	}
}
