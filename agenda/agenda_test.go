package agenda

import (
	"testing"

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
