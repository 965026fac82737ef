package csvimport

import (
	"strings"
	"testing"
)

func TestSafeCell(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+33 1 23": "'+33 1 23", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx",
		"Marie": "Marie", "": "", "a=b": "a=b",
	} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
	var b strings.Builder
	w, _ := NewWriter(&b)
	_ = w.Write("=cmd|' /C calc'!A0", "ok")
	_ = w.Flush()
	if got := b.String(); got != "\ufeff'=cmd|' /C calc'!A0;ok\r\n" {
		t.Errorf("written %q", got)
	}
}
