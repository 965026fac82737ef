package notify_test

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var (
	linkRe  = regexp.MustCompile(`(?s)<a href="([^"]+)"[^>]*>(.*?)</a>`)
	colorRe = regexp.MustCompile(`(?:^|[;" ])(color|background-color):\s*(#[0-9a-fA-F]{6})`)
	tagRe   = regexp.MustCompile(`<[^>]+>`)
)

// TestAccessibleHTML checks, for every message kind, what an accessibility
// review of an email looks at: the language, one heading, no image, link
// texts that make sense out of context, enough contrast, and a text part
// that says everything the HTML says.
func TestAccessibleHTML(t *testing.T) {
	t.Parallel()
	c := composer(t)
	s := agenda(t)[2] // hybrid: every block shows
	for _, k := range goldenKinds {
		p := render(t, c, goldenMessage(s, k.kind, k.before))
		html, text := p.Parts["text/html"], strings.ReplaceAll(p.Parts["text/plain"], "\r\n", "\n")
		if !strings.Contains(html, `<html lang="fr">`) || strings.Count(html, "<h1") != 1 || strings.Contains(html, "<img") {
			t.Errorf("%s: structure", k.kind)
		}
		links := linkRe.FindAllStringSubmatch(html, -1)
		// The session's links, its cancellation and the opt-out; the
		// confirmation request carries its link only, and a cancellation
		// notice none (there is nothing left to cancel).
		want := map[string]int{"confirmation": 1, "cancellation": 0}[k.kind]
		if k.kind != "confirmation" && k.kind != "cancellation" {
			want = 2
		}
		if len(links) < want {
			t.Errorf("%s: %d links, want %d at least", k.kind, len(links), want)
		}
		for _, m := range links {
			label := strings.ToLower(strings.TrimSpace(tagRe.ReplaceAllString(m[2], "")))
			if len(label) < 10 || label == "ici" || strings.Contains(label, "cliquez") {
				t.Errorf("%s: link text %q says nothing out of context", k.kind, label)
			}
			// A mail link is written as its address in the text part.
			if !strings.Contains(text, strings.TrimPrefix(strings.ReplaceAll(m[1], "&amp;", "&"), "mailto:")) {
				t.Errorf("%s: the text part lacks the link %s", k.kind, m[1])
			}
		}
		for _, want := range []string{s.in.Title, "accessible aux personnes à mobilité réduite", "heure de Paris"} {
			if strings.Contains(html, want) != strings.Contains(text, want) {
				t.Errorf("%s: %q in one part only", k.kind, want)
			}
		}
		checkContrast(t, k.kind, html)
	}
}

// checkContrast computes the WCAG contrast of every text colour of the
// message against the background it is drawn on (white, or the button's).
func checkContrast(t *testing.T, kind, html string) {
	t.Helper()
	for _, style := range regexp.MustCompile(`style="([^"]*)"`).FindAllStringSubmatch(html, -1) {
		var fg, bg string
		for _, m := range colorRe.FindAllStringSubmatch(style[1], -1) {
			if m[1] == "color" {
				fg = m[2]
			} else {
				bg = m[2]
			}
		}
		if fg == "" {
			continue
		}
		if bg == "" {
			bg = "#ffffff"
		}
		if ratio := contrast(fg, bg); ratio < 7 {
			t.Errorf("%s: contrast %s on %s is %.1f:1, want 7:1 (WCAG AAA)", kind, fg, bg, ratio)
		}
	}
}

func luminance(hex string) float64 {
	var rgb [3]float64
	for i := range 3 {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			rgb[i] = c / 12.92
		} else {
			rgb[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*rgb[0] + 0.7152*rgb[1] + 0.0722*rgb[2]
}

func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}
