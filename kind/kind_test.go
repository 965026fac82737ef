package kind

import (
	"regexp"
	"testing"
)

func TestReminderNames(t *testing.T) {
	t.Parallel()
	pattern := regexp.MustCompile(ReminderPattern)
	for label, want := range map[string]Message{"1d": J1, "1h": H1, "2d": "reminder-2d", "15m": "reminder-15m"} {
		got := ForReminder(label)
		if got != want {
			t.Errorf("ForReminder(%s) = %s, want %s", label, got, want)
		}
		if back, ok := got.ReminderOffset(); !ok || back != label {
			t.Errorf("%s.ReminderOffset() = %s, %v", got, back, ok)
		}
		if !pattern.MatchString(string(got)) || got.IsNotice() || got.Label() != "" {
			t.Errorf("%s is not read as a reminder", got)
		}
	}
	if ForReminder("15m").Template() != "reminder" || J1.Template() != "j1" || H1.Template() != "h1" {
		t.Error("reminders' templates")
	}
}

func TestNotices(t *testing.T) {
	t.Parallel()
	templates := map[string]bool{}
	for _, name := range Templates() {
		templates[name] = true
	}
	for _, n := range Notices {
		if _, ok := n.Kind.ReminderOffset(); ok || regexp.MustCompile(ReminderPattern).MatchString(string(n.Kind)) {
			t.Errorf("the notice %s is read as a reminder", n.Kind)
		}
		if !n.Kind.IsNotice() || n.Kind.Label() == "" || n.Kind.Template() != string(n.Kind) || !templates[string(n.Kind)] {
			t.Errorf("the notice %s is not complete", n.Kind)
		}
	}
}

func TestSessions(t *testing.T) {
	t.Parallel()
	for _, s := range Sessions {
		if !s.Kind.Valid() || len(s.Names) == 0 {
			t.Errorf("%s is not complete", s.Kind)
		}
		if k, ok := SessionNamed(string(s.Kind)); !ok || k != s.Kind {
			t.Errorf("SessionNamed(%s) = %s", s.Kind, k)
		}
	}
	if Session("conférence").Valid() {
		t.Error("an unknown kind is valid")
	}
}
