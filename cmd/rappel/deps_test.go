package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBinaryLinksNoTestCode: the production binary links neither the test
// SMTP server nor the packages that exist for tests.
func TestBinaryLinksNoTestCode(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.Contains(dep, "emersion/go-smtp") || strings.HasSuffix(dep, "/smtptest") || strings.HasSuffix(dep, "/storetest") {
			t.Errorf("bin/rappel links %s", dep)
		}
	}
}
