package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/dinum/rappel/token"
)

// apiToken creates a token for an organiser.
func (b *testBundle) apiToken(t *testing.T, organiser string, admin bool) string {
	t.Helper()
	raw, hash, prefix, err := token.NewAPIToken()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.st.CreateToken(context.Background(), organiser, admin, hash, prefix); err != nil {
		t.Fatal(err)
	}
	return raw
}

type apiResult struct {
	code int
	body string
	json map[string]any
	list []map[string]any
}

func (b *testBundle) call(t *testing.T, tok, method, path, contentType, body string) apiResult {
	t.Helper()
	req, _ := http.NewRequest(method, b.srv.URL+path, strings.NewReader(body))
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := apiResult{code: resp.StatusCode, body: string(raw)}
	if strings.HasPrefix(strings.TrimSpace(r.body), "[") {
		_ = json.Unmarshal(raw, &r.list)
	} else {
		_ = json.Unmarshal(raw, &r.json)
	}
	return r
}

func (b *testBundle) callJSON(t *testing.T, tok, method, path, body string) apiResult {
	t.Helper()
	return b.call(t, tok, method, path, "application/json", body)
}

const newSession = `{"kind": "webinaire", "title": "Open data et territoires", "starts_at": "2030-11-24 16:00", "ends_at": "2030-11-24T17:00:00+01:00", "url": "https://app.livestorm.co/x"}`

func TestAPIAuthentication(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tok := b.apiToken(t, "DINUM", false)
	for name, header := range map[string]string{"None": "", "Wrong": "rappel_faux"} {
		r := b.callJSON(t, header, "GET", "/api/sessions", "")
		if r.code != 401 || !strings.Contains(r.json["error"].(string), "jeton") {
			t.Errorf("%s token: %d %s", name, r.code, r.body)
		}
	}
	if r := b.callJSON(t, tok, "GET", "/api/sessions", ""); r.code != 200 {
		t.Errorf("valid token: %d %s", r.code, r.body)
	}
	tokens, _ := b.st.Tokens(context.Background())
	if _, err := b.st.RevokeToken(context.Background(), tokens[0].ID); err != nil {
		t.Fatal(err)
	}
	if r := b.callJSON(t, tok, "GET", "/api/sessions", ""); r.code != 401 {
		t.Errorf("revoked token: %d", r.code)
	}
}

func TestAPISessions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tok := b.apiToken(t, "DINUM", false)

	r := b.callJSON(t, tok, "POST", "/api/sessions", newSession)
	if r.code != 201 || r.json["title"] != "Open data et territoires" || r.json["starts_at"] != "2030-11-24T15:00:00Z" {
		t.Fatalf("create = %d %s", r.code, r.body)
	}
	id := int64(r.json["id"].(float64))
	path := "/api/sessions/" + itoa(id)

	for name, tt := range map[string]struct {
		body  string
		code  int
		field string
	}{
		"UnknownKind":  {`{"kind": "conférence", "title": "x", "starts_at": "2030-01-01 10:00"}`, 422, "kind"},
		"MissingTitle": {`{"kind": "atelier", "starts_at": "2030-01-01 10:00"}`, 422, "title"},
		"BadDate":      {`{"kind": "atelier", "title": "x", "starts_at": "demain"}`, 422, "starts_at"},
		"UnknownField": {`{"kind": "atelier", "title": "x", "starts_at": "2030-01-01 10:00", "salle": "B12"}`, 400, "salle"},
		"WrongType":    {`{"kind": "atelier", "title": 12, "starts_at": "2030-01-01 10:00"}`, 400, "title"},
		"NotJSON":      {`kind=atelier`, 400, ""},
	} {
		r := b.callJSON(t, tok, "POST", "/api/sessions", tt.body)
		if r.code != tt.code || r.json["field"] != nilIfEmpty(tt.field) || r.json["error"] == "" {
			t.Errorf("%s: %d %s", name, r.code, r.body)
		}
	}
	if r := b.callJSON(t, tok, "POST", "/api/sessions", `{"title": "`+strings.Repeat("x", 70<<10)+`"}`); r.code != 413 {
		t.Errorf("huge body: %d", r.code)
	}

	if r := b.callJSON(t, tok, "PATCH", path, `{"starts_at": "2030-11-24 17:00"}`); r.code != 200 || r.json["schedule_version"] != 2.0 {
		t.Errorf("move = %d %s", r.code, r.body)
	}
	if r := b.callJSON(t, tok, "POST", path+"/subscribers", `{"email": "Marie@Example.gouv.fr", "name": "Marie"}`); r.code != 201 || r.json["email"] != "marie@example.gouv.fr" {
		t.Errorf("add subscriber = %d %s", r.code, r.body)
	}
	if r := b.callJSON(t, tok, "POST", path+"/subscribers", `{"email": "marie@"}`); r.code != 422 || r.json["field"] != "email" {
		t.Errorf("bad subscriber = %d %s", r.code, r.body)
	}
	csv := "Courriel;Nom\njean@example.gouv.fr;Jean\nbad;x\nMARIE@example.gouv.fr;M\n"
	r = b.call(t, tok, "POST", path+"/import", "text/csv", csv)
	if r.code != 200 || r.json["added"] != 1.0 || r.json["already_present"] != 1.0 || len(r.json["rejected"].([]any)) != 1 {
		t.Errorf("import = %d %s", r.code, r.body)
	}
	r = b.call(t, tok, "POST", path+"/import?confirm=true", "text/csv", "email\nlea@example.gouv.fr\n")
	if r.code != 200 || r.json["invited"] != 1.0 {
		t.Errorf("import with confirmation = %d %s", r.code, r.body)
	}
	if r := b.callJSON(t, tok, "GET", path+"/deliveries", ""); r.code != 200 || len(r.list) == 0 {
		t.Errorf("deliveries = %d %s", r.code, r.body)
	}
	if r := b.callJSON(t, tok, "POST", path+"/cancel", ""); r.code != 200 || r.json["status"] != "cancelled" {
		t.Errorf("cancel = %d %s", r.code, r.body)
	}
	if r := b.callJSON(t, tok, "POST", path+"/cancel", ""); r.code != 409 {
		t.Errorf("second cancel = %d", r.code)
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// TestAPIOrganisersAreApart: an organiser reaches none of another's
// sessions, lists or reports, by any endpoint; an administrator reaches all.
func TestAPIOrganisersAreApart(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dinum, ditp, admin := b.apiToken(t, "DINUM", false), b.apiToken(t, "DITP", false), b.apiToken(t, "Exploitation", true)
	r := b.callJSON(t, dinum, "POST", "/api/sessions", newSession)
	path := "/api/sessions/" + itoa(int64(r.json["id"].(float64)))
	b.callJSON(t, dinum, "POST", path+"/subscribers", `{"email": "marie@example.gouv.fr"}`)

	for _, c := range []struct{ method, suffix, contentType, body string }{
		{"GET", "", "", ""},
		{"PATCH", "", "application/json", `{"title": "Piraté"}`},
		{"POST", "/cancel", "", ""},
		{"POST", "/subscribers", "application/json", `{"email": "intrus@example.gouv.fr"}`},
		{"POST", "/import", "text/csv", "email\nintrus@example.gouv.fr\n"},
		{"GET", "/deliveries", "", ""},
	} {
		r := b.call(t, ditp, c.method, path+c.suffix, c.contentType, c.body)
		if r.code != 404 || r.json["error"] != "session introuvable" {
			t.Errorf("DITP %s %s: %d %s", c.method, c.suffix, r.code, r.body)
		}
	}
	if r := b.callJSON(t, ditp, "GET", "/api/sessions", ""); r.code != 200 || len(r.list) != 0 {
		t.Errorf("DITP list = %s", r.body)
	}
	if r := b.callJSON(t, admin, "GET", "/api/sessions", ""); len(r.list) != 1 {
		t.Errorf("admin list = %s", r.body)
	}
	if r := b.callJSON(t, admin, "GET", path+"/deliveries", ""); r.code != 200 {
		t.Errorf("admin report = %d", r.code)
	}
	// Nothing the other organiser tried changed anything.
	r = b.callJSON(t, dinum, "GET", path, "")
	if r.json["title"] != "Open data et territoires" || r.json["status"] != "scheduled" {
		t.Errorf("session after the attempts: %s", r.body)
	}
	signups, _ := b.st.Signups(context.Background(), int64(r.json["id"].(float64)))
	if len(signups) != 1 {
		t.Errorf("%d sign-ups after the attempts, want 1", len(signups))
	}
}

// TestAPISignupsAndCapacity: a session's places through the API, and its
// sign-ups with who waits and when people left.
func TestAPISignupsAndCapacity(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tok := b.apiToken(t, "DINUM", false)
	r := b.callJSON(t, tok, "POST", "/api/sessions", `{"kind": "atelier", "title": "Deux places", "starts_at": "2031-03-18T14:00", "capacity": 2}`)
	if r.code != 201 || r.json["capacity"] != float64(2) {
		t.Fatalf("create: %d %s", r.code, r.body)
	}
	id := fmt.Sprint(int64(r.json["id"].(float64)))
	for _, e := range []string{"un", "deux", "trois"} {
		b.callJSON(t, tok, "POST", "/api/sessions/"+id+"/subscribers", `{"email": "`+e+`@example.gouv.fr"}`)
	}
	r = b.callJSON(t, tok, "GET", "/api/sessions/"+id+"/signups", "")
	statuses := map[string]string{}
	for _, m := range r.list {
		statuses[m["email"].(string)] = m["status"].(string)
	}
	if statuses["trois@example.gouv.fr"] != "waitlisted" || statuses["un@example.gouv.fr"] != "confirmed" {
		t.Errorf("sign-ups: %s", r.body)
	}
	if r := b.callJSON(t, tok, "PATCH", "/api/sessions/"+id, `{"capacity": 0}`); r.code != 200 || r.json["capacity"] != nil {
		t.Errorf("no more limit: %d %s", r.code, r.body)
	}
	if r := b.callJSON(t, tok, "PATCH", "/api/sessions/"+id, `{"capacity": -3}`); r.code != 422 || r.json["field"] != "capacity" {
		t.Errorf("bad capacity: %d %s", r.code, r.body)
	}
	if r := b.callJSON(t, tok, "PATCH", "/api/sessions/"+id, `{"reminders": "7d, 1d ,1h"}`); r.code != 200 || r.json["reminders"] != "7d,1d,1h" {
		t.Errorf("reminders: %d %s", r.code, r.body)
	}
	if r := b.callJSON(t, tok, "PATCH", "/api/sessions/"+id, `{"reminders": "demain"}`); r.code != 422 || r.json["field"] != "reminders" {
		t.Errorf("bad reminders: %d %s", r.code, r.body)
	}
}
