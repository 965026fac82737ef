package csvimport

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

func parse(t *testing.T, s string) Result {
	t.Helper()
	res, err := Parse(strings.NewReader(s))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return res
}

func TestParse(t *testing.T) {
	t.Parallel()

	t.Run("SemicolonFrenchHeaders", func(t *testing.T) {
		t.Parallel()
		res := parse(t, "Prénom;Nom;Courriel\nMarie;Dupont;Marie.Dupont@Example.gouv.fr\n")
		if len(res.Rows) != 1 || res.Rows[0].Email != "marie.dupont@example.gouv.fr" || res.Rows[0].Name != "Marie Dupont" || res.Rows[0].Line != 2 {
			t.Errorf("rows = %+v", res.Rows)
		}
	})

	t.Run("CommaAndBOM", func(t *testing.T) {
		t.Parallel()
		res := parse(t, "\ufeffemail,nom\r\njean@example.org,Jean Martin\r\n")
		if len(res.Rows) != 1 || res.Rows[0].Name != "Jean Martin" {
			t.Errorf("rows = %+v", res.Rows)
		}
	})

	t.Run("Windows1252", func(t *testing.T) {
		t.Parallel()
		raw, _ := charmap.Windows1252.NewEncoder().String("Adresse e-mail;Prénom\nhelene@example.org;Hélène\n")
		res := parse(t, raw)
		if len(res.Rows) != 1 || res.Rows[0].Name != "Hélène" {
			t.Errorf("rows = %+v", res.Rows)
		}
	})

	t.Run("QuotedFieldsAndBlankLines", func(t *testing.T) {
		t.Parallel()
		res := parse(t, "e-mail;nom\n\n\"a@example.org\";\"Dupont; Marie\"\n;\n\"b@example.org\";\"sur\ndeux lignes\"\nc@example.org;C\n")
		if len(res.Rows) != 3 || res.Rows[0].Name != "Dupont; Marie" || res.Rows[1].Name != "sur deux lignes" {
			t.Fatalf("rows = %+v", res.Rows)
		}
		if res.Rows[2].Line != 7 {
			t.Errorf("line of c@ = %d, want 7 (the header is line 1, a quoted field spans two)", res.Rows[2].Line)
		}
	})

	t.Run("RejectsAndDuplicates", func(t *testing.T) {
		t.Parallel()
		res := parse(t, "courriel\nok@example.org\npas-une-adresse\nOK@example.org\n@example.org\n  \n")
		if len(res.Rows) != 1 {
			t.Errorf("rows = %+v", res.Rows)
		}
		if len(res.Rejected) != 2 || res.Rejected[0].Line != 3 || res.Rejected[1].Line != 5 {
			t.Errorf("rejected = %+v", res.Rejected)
		}
		if len(res.Duplicates) != 1 || res.Duplicates[0].Line != 4 || !strings.Contains(res.Duplicates[0].Reason, "ligne 2") {
			t.Errorf("duplicates = %+v", res.Duplicates)
		}
	})

	t.Run("FormulaStaysText", func(t *testing.T) {
		t.Parallel()
		res := parse(t, "email;nom\nx@example.org;=HYPERLINK(\"http://evil\")\n")
		if len(res.Rows) != 1 || res.Rows[0].Name != "=HYPERLINK(\"http://evil\")" {
			t.Errorf("rows = %+v", res.Rows)
		}
	})
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for name, in := range map[string]string{
		"Empty":         "",
		"NoEmailColumn": "nom;prénom\nDupont;Marie\n",
	} {
		if _, err := Parse(strings.NewReader(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"email;nom\na@example.org;A\n",
		"\ufeffCourriel,Prénom,Nom\r\nb@example.org,B,C\r\n",
		"e-mail\n\"a@b.fr\n",
		"adresse e-mail;nom\n;\n\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Parse(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, r := range res.Rows {
			if r.Email != strings.ToLower(r.Email) || !strings.Contains(r.Email, "@") || seen[r.Email] {
				t.Fatalf("bad row %+v", r)
			}
			seen[r.Email] = true
			if r.Line < 2 {
				t.Fatalf("row on line %d: the header is line 1", r.Line)
			}
		}
		for _, r := range append(res.Rejected, res.Duplicates...) {
			if r.Line < 2 || r.Reason == "" {
				t.Fatalf("bad rejection %+v", r)
			}
		}
	})
}
