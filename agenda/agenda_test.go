package agenda

import (
	"testing"
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/templates"
)

// TestKindNamesMatchTheTable: every session kind is read back from the
// names people see (its label in the templates' words), from its value
// as stored (AGENDA_FEED_KIND, --kind) and from each of its table names,
// as a programme writes them.
func TestKindNamesMatchTheTable(t *testing.T) {
	t.Parallel()
	for _, s := range kind.Sessions {
		names := append([]string{templates.Words(s.Kind).Label, string(s.Kind)}, s.Names...)
		for _, name := range names {
			if got, ok := kindOf(name); !ok || got != s.Kind {
				t.Errorf("kindOf(%q) = %q, %v; want %s", name, got, ok, s.Kind)
			}
		}
		for _, n := range s.Names {
			if fold(n) != n {
				t.Errorf("the name %q of %s is not folded (%q): it would never match", n, s.Kind, fold(n))
			}
		}
	}
}

func TestParseDuration(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Duration{
		"PT2H": 2 * time.Hour, "PT1H30M": 90 * time.Minute, "P1D": 24 * time.Hour, "P1DT2H": 26 * time.Hour,
		"P2W": 14 * 24 * time.Hour, "PT45S": 45 * time.Second, "-PT15M": -15 * time.Minute,
	} {
		if got, err := parseDuration(in); err != nil || got != want {
			t.Errorf("parseDuration(%s) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "P", "PT", "2H", "PT2X", "P1W2D", "PT99999999H"} {
		if _, err := parseDuration(bad); err == nil {
			t.Errorf("parseDuration(%q) accepted", bad)
		}
	}
}
