package web_test

import (
	"os"
	"strings"
	"testing"
)

// TestAPIAgendaImport imports the fixture through the API: a dry run, the
// import, a second import that changes nothing, and another organiser's
// import of the same programme, which is a programme of its own: it
// creates its own sessions and neither moves, reports nor blocks the
// first one's.
func TestAPIAgendaImport(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dinum, ditp := b.apiToken(t, "DINUM", false), b.apiToken(t, "DITP", false)
	post, err := os.ReadFile("../docs/fixtures/agenda-mois-innovation-2021.md")
	if err != nil {
		t.Fatal(err)
	}
	count := func(r apiResult, action string) int {
		n := 0
		for _, c := range r.json["changes"].([]any) {
			if c.(map[string]any)["action"] == action {
				n++
			}
		}
		return n
	}
	r := b.call(t, dinum, "POST", "/api/agenda/import?dry_run=true", "text/markdown", string(post))
	if r.code != 200 || count(r, "create") != 12 || r.json["dry_run"] != true {
		t.Fatalf("dry run: %d %s", r.code, r.body)
	}
	if l := b.callJSON(t, dinum, "GET", "/api/sessions?all=true", ""); len(l.list) != 0 {
		t.Fatalf("the dry run created %d sessions", len(l.list))
	}
	r = b.call(t, dinum, "POST", "/api/agenda/import", "text/markdown", string(post))
	if r.code != 200 || count(r, "create") != 12 {
		t.Fatalf("import: %d %s", r.code, r.body)
	}
	first := r.json["changes"].([]any)[0].(map[string]any)
	if first["starts_at"] != "2021-11-10T10:00:00+01:00" || first["ends_at"] != "2021-11-10T11:30:00+01:00" {
		t.Errorf("first session: %v", first)
	}
	if r = b.call(t, dinum, "POST", "/api/agenda/import", "text/markdown", string(post)); count(r, "unchanged") != 12 {
		t.Errorf("second import: %s", r.body)
	}
	r = b.call(t, ditp, "POST", "/api/agenda/import", "text/markdown", strings.Replace(string(post), "de 10h à 11h30] [Atelier]</b> <i>[Baromètre", "de 11h à 12h] [Atelier]</b> <i>[Baromètre", 1))
	if r.code != 200 || len(r.json["problems"].([]any)) != 0 || count(r, "create") != 12 || count(r, "reschedule") != 0 {
		t.Errorf("other organiser's import: %s", r.body)
	}
	if r = b.call(t, dinum, "POST", "/api/agenda/import", "text/markdown", string(post)); count(r, "unchanged") != 12 {
		t.Errorf("the first organiser's programme changed after the other's import: %s", r.body)
	}
	if l := b.callJSON(t, ditp, "GET", "/api/sessions?all=true", ""); len(l.list) != 12 {
		t.Errorf("the other organiser sees %d sessions, want its own 12", len(l.list))
	}
	if r := b.call(t, dinum, "POST", "/api/agenda/import", "text/calendar", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"); r.code != 422 || r.json["field"] != "source" {
		t.Errorf("feed without source: %d %s", r.code, r.body)
	}
}
