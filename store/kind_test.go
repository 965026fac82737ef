package store_test

import (
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/when"
)

// constraint reads the definition of a CHECK of the schema.
func constraint(t *testing.T, b *testBundle, name string) string {
	t.Helper()
	var def string
	if err := b.st.DB().GetContext(b.ctx, &def, `SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = $1`, name); err != nil {
		t.Fatalf("read constraint %s: %v", name, err)
	}
	return def
}

// TestSessionKindsMatchTheDatabase: the database accepts exactly the
// session kinds of kind.Sessions; a kind added to the table without its
// migration, or the other way round, fails here.
func TestSessionKindsMatchTheDatabase(t *testing.T) {
	t.Parallel()
	b := setup(t)
	def := constraint(t, b, "sessions_kind_check")
	var inDB []string
	for _, m := range regexp.MustCompile(`'([^']+)'::text`).FindAllStringSubmatch(def, -1) {
		inDB = append(inDB, m[1])
	}
	slices.Sort(inDB)
	table := kind.SessionValues()
	slices.Sort(table)
	if !slices.Equal(inDB, table) {
		t.Errorf("the database's CHECK allows %v, kind.Sessions has %v (%s)", inDB, table, def)
	}
}

// TestMessageKindsMatchTheDatabase: every notice of kind.Notices and the
// reminder of any offset can be stored; what is no kind's shape cannot.
func TestMessageKindsMatchTheDatabase(t *testing.T) {
	t.Parallel()
	b := setup(t)
	def := constraint(t, b, "deliveries_kind_check")
	m := regexp.MustCompile(`~ '([^']+)'::text`).FindStringSubmatch(def)
	var maxLen int
	if l := regexp.MustCompile(`length\(kind\) <= (\d+)`).FindStringSubmatch(def); l != nil {
		maxLen, _ = strconv.Atoi(l[1])
	}
	if m == nil {
		t.Fatalf("unexpected CHECK: %s", def)
	}
	accepts := func(k kind.Message) bool {
		var ok bool
		if err := b.st.DB().GetContext(b.ctx, &ok, `SELECT $1 ~ $2`, string(k), m[1]); err != nil {
			t.Fatal(err)
		}
		return ok && (maxLen == 0 || len(k) <= maxLen)
	}
	for _, n := range kind.Notices {
		if !accepts(n.Kind) {
			t.Errorf("the database refuses the notice %s", n.Kind)
		}
	}
	for _, offset := range []string{"1d", "1h", "2d", "3h", "15m", "90m"} {
		r, err := when.ParseReminder(offset)
		if err != nil {
			t.Fatal(err)
		}
		k := r.Kind()
		if !accepts(k) || !regexp.MustCompile(kind.ReminderPattern).MatchString(string(k)) {
			t.Errorf("the reminder %s (%s) is refused by the database or by kind.ReminderPattern", k, offset)
		}
	}
	for _, bad := range []kind.Message{"", "reminder-", "J1", "rappel la veille", "h1;drop"} {
		if accepts(bad) {
			t.Errorf("the database accepts %q, which is no kind's shape", bad)
		}
	}
}
