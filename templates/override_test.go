package templates

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeOverride puts one template file in a fresh override folder.
func writeOverride(t *testing.T, name, content string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestOverrides(t *testing.T) {
	t.Parallel()

	t.Run("ReplacesOneTemplate", func(t *testing.T) {
		t.Parallel()
		dir := writeOverride(t, "email/h1.txt.tmpl", `{{define "subject"}}C’est bientôt : {{.Session.Title}}{{end}}
{{define "body"}}À tout de suite, {{.Session.Kind.The}} commence {{.TimeLeft}}.{{end}}`)
		set, err := LoadWithOverrides(dir)
		if err != nil {
			t.Fatal(err)
		}
		loc := time.FixedZone("CET", 3600)
		e, err := set.RenderEmail("h1", Sample(loc, "h1", true, false))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(e.Subject, "C’est bientôt") || !strings.Contains(e.Text, "À tout de suite, la table ronde commence") {
			t.Errorf("override not used: %q\n%s", e.Subject, e.Text)
		}
		// The other templates are the embedded ones.
		if e, _ := set.RenderEmail("j1", Sample(loc, "j1", true, false)); !strings.Contains(e.Text, "Vous avez rendez-vous") {
			t.Errorf("j1 = %s", e.Text)
		}
	})

	for name, tt := range map[string]struct{ file, content, want string }{
		"Syntax":          {"email/j1.txt.tmpl", "{{define \"subject\"}}Rappel{{end}}\n{{define \"body\"}}\n{{if .Soon}}bientôt\n{{end}}", "j1.txt.tmpl, ligne"},
		"UnknownField":    {"email/j1.txt.tmpl", "{{define \"subject\"}}Rappel{{end}}\n{{define \"body\"}}\nBonjour {{.Destinataire}}{{end}}", "j1.txt.tmpl, ligne 3"},
		"UnknownFunction": {"email/cancellation.html.tmpl", "{{define \"body\"}}\n\n{{majuscules .Session.Title}}{{end}}", "cancellation.html.tmpl, ligne 3"},
		"MissingBlock":    {"email/reschedule.txt.tmpl", "{{define \"body\"}}x{{end}}", "no \"subject\" block"},
		"Page":            {"pages/error.html.tmpl", "{{define \"error\"}}{{template \"head\" .}}{{.Nope}}{{end}}", "error.html.tmpl"},
	} {
		t.Run("Broken"+name, func(t *testing.T) {
			t.Parallel()
			dir := writeOverride(t, tt.file, tt.content)
			_, err := LoadWithOverrides(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "TEMPLATES_DIR") {
				t.Errorf("err = %v, want it to name %q", err, tt.want)
			}
		})
	}

	t.Run("MissingFolder", func(t *testing.T) {
		t.Parallel()
		if _, err := LoadWithOverrides("/nonexistent/rappel"); err == nil || !strings.Contains(err.Error(), "TEMPLATES_DIR") {
			t.Errorf("err = %v", err)
		}
	})
}

// TestEmbeddedTemplatesPassTheirOwnCheck renders every template with
// every kind of session, as the start-up check of overrides does.
func TestEmbeddedTemplatesPassTheirOwnCheck(t *testing.T) {
	t.Parallel()
	set, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := set.check(); err != nil {
		t.Fatal(err)
	}
}
