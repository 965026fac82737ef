package templates

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"time"
)

// overlay serves a file from the override folder when it has one, from the
// embedded templates otherwise; a folder lists the files of both.
type overlay struct {
	override fs.FS
	base     fs.FS
}

func (o overlay) Open(name string) (fs.File, error) {
	if f, err := o.override.Open(name); err == nil {
		return f, nil
	}
	return o.base.Open(name)
}

func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(o.base, name)
	if err != nil {
		return nil, err
	}
	extra, _ := fs.ReadDir(o.override, name)
	for _, e := range extra {
		if !slices.ContainsFunc(entries, func(b fs.DirEntry) bool { return b.Name() == e.Name() }) {
			entries = append(entries, e)
		}
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int {
		switch {
		case a.Name() < b.Name():
			return -1
		case a.Name() > b.Name():
			return 1
		}
		return 0
	})
	return entries, nil
}

// LoadWithOverrides parses the embedded templates, replacing those that dir
// holds under the same path (email/j1.txt.tmpl, pages/error.html.tmpl…),
// then renders every email and page once with sample data: a broken
// override stops the program at start, with its file and line, never at
// send time. An empty dir means the embedded templates alone.
func LoadWithOverrides(dir string) (*Set, error) {
	if dir == "" {
		return Load()
	}
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		return nil, &OverrideError{Message: "TEMPLATES_DIR : dossier introuvable : " + dir}
	}
	override := os.DirFS(dir)
	set, err := load(overlay{override: override, base: files})
	if err == nil {
		err = set.check()
	}
	if err != nil {
		return nil, &OverrideError{Message: "TEMPLATES_DIR : " + locate(err, dir, override)}
	}
	return set, nil
}

// OverrideError is a template of TEMPLATES_DIR that cannot be used; its
// message, in French, names the file and the line.
type OverrideError struct{ Message string }

func (e *OverrideError) Error() string { return e.Message }

var templateNameRe = regexp.MustCompile(`template: ([^:]+):(\d+)`)

// locate rewrites an error of text/template or html/template to name the
// overriding file in full, when the faulty template is one.
func locate(err error, dir string, override fs.FS) string {
	msg := err.Error()
	m := templateNameRe.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	for _, sub := range []string{"email", "pages"} {
		if _, statErr := fs.Stat(override, path.Join(sub, m[1])); statErr == nil {
			return fmt.Sprintf("modèle invalide %s, ligne %s : %s", path.Join(dir, sub, m[1]), m[2], msg)
		}
	}
	return msg
}

// check renders every email for sessions online, on site and both, and
// every page, so that an error that only shows when a template runs is
// found now.
func (s *Set) check() error {
	loc := time.FixedZone("CET", 3600)
	for _, name := range Emails {
		for _, d := range sampleData(loc) {
			if _, err := s.RenderEmail(name, d); err != nil {
				return err
			}
		}
	}
	for _, p := range Pages {
		for _, page := range samplePages(loc) {
			if err := s.RenderPage(discard{}, p, page); err != nil {
				return errors.Unwrap(err)
			}
		}
	}
	return nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
