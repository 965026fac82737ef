package config

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// exampleKeyRe finds a SECRET_KEYS value written in a file: an env file
// line, a YAML field, a shell assignment.
var exampleKeyRe = regexp.MustCompile(`SECRET_KEYS\s*[=:]\s*"?([^"\s$<{(]+)"?`)

// TestExampleKeysAreRefused reads every example the project ships (deploy/,
// the README, the docs) and checks that none of the keys they show starts
// rappel: a deployment that copied one would sign its links with a key
// anyone can read.
func TestExampleKeysAreRefused(t *testing.T) {
	t.Parallel()
	var files []string
	_ = filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && !strings.HasSuffix(path, ".go") && (strings.HasPrefix(path, "../deploy/") ||
			strings.HasPrefix(path, "../docs/") || path == "../README.md") {
			files = append(files, path)
		}
		return nil
	})
	found := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range exampleKeyRe.FindAllStringSubmatch(string(data), -1) {
			found++
			_, err := Parse([]string{"SECRET_KEYS=" + m[1]})
			if err == nil || !strings.Contains(err.Error(), "SECRET_KEYS :") || !strings.Contains(err.Error(), "openssl rand -base64 32") {
				t.Errorf("%s: the example key %q is accepted: %v", f, m[1], err)
			}
		}
	}
	if found < 2 {
		t.Errorf("found %d example keys in %d files, want the systemd and the Kubernetes ones at least", found, len(files))
	}
}

func TestWeakKeysAreRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ key, want string }{
		{"REMPLACER_PAR_UNE_CLE_ALEATOIRE_DE_32_CARACTERES_AU_MOINS", "exemple du projet"},
		{"a_remplacer_par_une_cle_aleatoire_de_32_caracteres", "exemple du projet"},
		{"CHANGEME-CHANGEME-CHANGEME-CHANGEME", "texte à remplacer"},
		{"mon-super-secret-de-rappel-2026-dinum", "texte à remplacer"},
		{"court", "trop courte"},
		{"0123456789abcdef0123456789abcdef", "trop prévisible"},
		{strings.Repeat("z", 40), "trop prévisible"},
		{strings.Repeat("ab12", 10), "trop prévisible"},
		{"Bonjour je suis une clé bien longue pour rappel", "espaces"},
	} {
		_, err := Parse([]string{"SECRET_KEYS=" + tc.key})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "openssl rand -base64 32") {
			t.Errorf("key %q: %v, want an error saying %q and how to make a key", tc.key, err, tc.want)
		}
	}
	// The second key of a list is checked as well as the first.
	if _, err := Parse([]string{"SECRET_KEYS=" + validKey + "," + strings.Repeat("z", 40)}); err == nil || !strings.Contains(err.Error(), "clé n° 2") {
		t.Errorf("a weak second key: %v", err)
	}
}

func TestRandomKeysAreAccepted(t *testing.T) {
	t.Parallel()
	for _, key := range []string{
		validKey, // openssl rand -base64 32
		"3f9a0c1e5b7d2468ace0135f79bd2468ace013579bdf02468ace13579bdf0246", // openssl rand -hex 32
		"Jt7Qw9zX2mK4pL8vR1nB6cY3hF5dS0gA",                                 // 32 random characters
	} {
		cfg, err := Parse([]string{"SECRET_KEYS=" + key})
		if err != nil {
			t.Errorf("key %q refused: %v", key, err)
			continue
		}
		if len(cfg.SecretKeys) != 1 || len(cfg.SecretKeys[0]) < 32 {
			t.Errorf("key %q gives %d bytes", key, len(cfg.SecretKeys[0]))
		}
	}
}
