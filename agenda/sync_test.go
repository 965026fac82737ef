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

func importPost(t *testing.T, st *store.Store, post string, first time.Time, o agenda.Options) agenda.Report {
	t.Helper()
	p, err := agenda.ParsePost([]byte(post), testkit.Paris(t))
	if err != nil {
		t.Fatal(err)
	}
	if !first.IsZero() {
		p.MoveTo(first, testkit.Paris(t))
	}
	r, err := agenda.Importer{Store: st}.Import(context.Background(), p, o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func countActions(r agenda.Report) map[agenda.Action]int {
	out := map[agenda.Action]int{}
	for _, c := range r.Changes {
		out[c.Action]++
	}
	return out
}

// TestImportFixture imports the fixture into PostgreSQL and reads every
// session back, field by field; importing it again changes nothing.
func TestImportFixture(t *testing.T) {
	st, _ := storetest.NewStore(t)
	ctx := context.Background()
	post := string(readFixture(t))
	r := importPost(t, st, post, time.Time{}, agenda.Options{})
	if got := countActions(r); got[agenda.Create] != 12 || len(got) != 1 || len(r.Problems) != 0 {
		t.Fatalf("first import: %v, problems %v", got, r.Problems)
	}
	for i, c := range r.Changes {
		s, err := st.SessionByID(ctx, c.Session.ID)
		if err != nil {
			t.Fatal(err)
		}
		checkPublished(t, i, string(s.Kind), s.Title, s.Location, s.PageURL, s.Description, s.StartsAt, s.EndsAt, s.Accessible, true)
		if s.AgendaSource == nil || *s.AgendaSource != "Mois de l’innovation publique édition 2021" {
			t.Errorf("session %d: agenda source %v", s.ID, s.AgendaSource)
		}
	}
	again := importPost(t, st, post, time.Time{}, agenda.Options{})
	if got := countActions(again); got[agenda.Unchanged] != 12 || len(got) != 1 {
		t.Errorf("second import: %v", got)
	}
	all, err := st.Sessions(ctx, store.SessionFilter{IncludePast: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 12 {
		t.Errorf("%d sessions after two imports, want 12", len(all))
	}
}

// TestReimportChanges imports the programme moved to the coming days, then
// a changed version of it: a time changed is a reschedule with its notice,
// a date changed is the same session moved, a link changed an update, a
// block removed is reported and left alone; a dry run says all that and
// changes nothing.
func TestReimportChanges(t *testing.T) {
	st, _ := storetest.NewStore(t)
	ctx := context.Background()
	post := string(readFixture(t))
	first := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	created := importPost(t, st, post, first, agenda.Options{})
	ids := map[int]int64{}
	for _, c := range created.Changes {
		ids[c.Entry.Block] = c.Session.ID
	}
	if _, _, err := st.Subscribe(ctx, store.SubscribeParams{SessionID: ids[3], Email: "marie.dupont@example.gouv.fr", Name: "Marie Dupont", Source: "cli"}); err != nil {
		t.Fatal(err)
	}

	changed := strings.NewReplacer(
		"[Le mercredi 17/11 de 17h à 17h30]", "[Le mercredi 17/11 de 18h à 18h30]",
		"[Le jeudi 25/11 de 17h à 18h]", "[Le vendredi 26/11 de 17h à 18h]",
		"https://design.numerique.gouv.fr/formations/accessibilite/", "https://design.numerique.gouv.fr/formations/accessibilite-2/",
	).Replace(post)
	changed = changed[:strings.LastIndex(changed, `<p style="margin-top: 30px"><b>[Le mardi 30/11`)]

	dry := importPost(t, st, changed, first, agenda.Options{DryRun: true})
	want := map[agenda.Action]int{agenda.Unchanged: 8, agenda.Reschedule: 2, agenda.Update: 1, agenda.Missing: 1}
	if got := countActions(dry); !equal(got, want) {
		t.Fatalf("dry run: %v, want %v", got, want)
	}
	if s, _ := st.SessionByID(ctx, ids[3]); s.ScheduleVersion != 1 {
		t.Fatalf("the dry run moved session %d", s.ID)
	}

	r := importPost(t, st, changed, first, agenda.Options{})
	if got := countActions(r); !equal(got, want) {
		t.Fatalf("import: %v, want %v", got, want)
	}
	for _, c := range r.Changes {
		switch {
		case c.Action == agenda.Reschedule && c.Session.ID == ids[3]:
			if c.Session.ScheduleVersion != 2 || !c.Session.StartsAt.Equal(c.From.Add(time.Hour)) {
				t.Errorf("session 3 moved from %v to %v, version %d", c.From, c.Session.StartsAt, c.Session.ScheduleVersion)
			}
		case c.Action == agenda.Reschedule && c.Session.ID == ids[10]:
			if !c.Session.StartsAt.Equal(c.From.Add(24 * time.Hour)) {
				t.Errorf("session 10 moved from %v to %v", c.From, c.Session.StartsAt)
			}
		case c.Action == agenda.Reschedule:
			t.Errorf("session %d rescheduled", c.Session.ID)
		case c.Action == agenda.Update:
			if c.Session.ID != ids[4] || strings.Join(c.Fields, ",") != "page de l'événement" || !strings.HasSuffix(c.Session.PageURL, "accessibilite-2/") {
				t.Errorf("update of session %d: %v, URL %s", c.Session.ID, c.Fields, c.Session.PageURL)
			}
		case c.Action == agenda.Missing:
			if c.Session.ID != ids[12] || c.Session.Status != store.SessionScheduled {
				t.Errorf("missing session %d, status %s", c.Session.ID, c.Session.Status)
			}
		}
	}
	deliveries, err := st.SessionDeliveries(ctx, ids[3])
	if err != nil {
		t.Fatal(err)
	}
	notices := 0
	for _, d := range deliveries {
		if d.Kind == "reschedule" {
			notices++
		}
	}
	if notices != 1 {
		t.Errorf("%d reschedule notices for the agent signed up, want 1", notices)
	}
	again := importPost(t, st, changed, first, agenda.Options{})
	if got := countActions(again); got[agenda.Unchanged] != 11 || got[agenda.Missing] != 1 {
		t.Errorf("third import: %v", got)
	}
}

func equal(a, b map[agenda.Action]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
