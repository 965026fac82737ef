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
		checkOutlookAndDarkMode(t, k.kind, html, s.in.JoinURL)
	}
}

// checkOutlookAndDarkMode checks what holds a message up in Outlook for
// Windows and in dark mode: layout tables marked role="presentation", each
// button a coloured table cell, the heading before the greeting, a hidden
// preheader, the join link written in full, and a dark palette whose
// contrasts are those of the light one, which French typography must not
// have touched.
func checkOutlookAndDarkMode(t *testing.T, kind, html, joinURL string) {
	t.Helper()
	tables := strings.Count(html, "<table")
	if tables < 2 || strings.Count(html, `<table role="presentation"`) != tables {
		t.Errorf("%s: %d tables, not all of them role=presentation", kind, tables)
	}
	if !strings.Contains(html, `<table role="presentation" width="600"`) {
		t.Errorf("%s: no fixed width for Outlook", kind)
	}
	if h1, hello := strings.Index(html, "<h1"), strings.Index(html, "Bonjour"); h1 < 0 || hello < h1 {
		t.Errorf("%s: the greeting comes before the heading", kind)
	}
	if !regexp.MustCompile(`<body[^>]*>\r?\n<div style="display:none;[^"]*mso-hide:all;">[^<&]{20,}`).MatchString(html) {
		t.Errorf("%s: no preheader", kind)
	}
	buttons := strings.Count(html, `<td class="r-button" bgcolor="#000091"`)
	// The join button of a hybrid session; the confirmation's and the
	// offer's own; none for who holds no place yet, nor in a cancellation.
	want := map[string]int{"cancellation": 0, "confirmation": 1, "waitlisted": 0, "offer": 1}[kind]
	joins := kind != "cancellation" && kind != "confirmation" && kind != "waitlisted" && kind != "offer"
	if joins {
		want = 1
	}
	if buttons != want || strings.Count(html, "mso-padding-alt") != want {
		t.Errorf("%s: %d buttons as table cells, want %d", kind, buttons, want)
	}
	if joins && !strings.Contains(html, ">"+joinURL+"</a>") {
		t.Errorf("%s: the join link is not written in full", kind)
	}
	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(html)
	if style == nil || strings.ContainsAny(style[1], "\u00a0\u202f") {
		t.Fatalf("%s: no style, or one that typography changed", kind)
	}
	dark := map[string]map[string]string{}
	for _, rule := range regexp.MustCompile(`\.(r-[a-z]+) \{([^}]*)\}`).FindAllStringSubmatch(style[1], -1) {
		dark[rule[1]] = map[string]string{}
		for _, m := range colorRe.FindAllStringSubmatch(" "+rule[2], -1) {
			dark[rule[1]][m[1]] = m[2]
		}
	}
	card := dark["r-card"]["background-color"]
	for _, pair := range [][2]string{
		{dark["r-card"]["color"], card}, {dark["r-muted"]["color"], card}, {dark["r-link"]["color"], card},
		{dark["r-button"]["color"], dark["r-button"]["background-color"]},
	} {
		if pair[0] == "" || pair[1] == "" || contrast(pair[0], pair[1]) < 7 {
			t.Errorf("%s: dark palette %s on %s, want 7:1", kind, pair[0], pair[1])
		}
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
