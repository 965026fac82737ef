package agenda

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/dinum/rappel/when"
)

// frontMatter is what a post's front matter says that the import uses.
type frontMatter struct {
	Title          string   `json:"title"`
	Date           postTime `json:"date"`
	EventStartDate postTime `json:"event_start_date"`
	EventEndDate   postTime `json:"event_end_date"`
	Lieu           string   `json:"lieu"`
}

// postTime reads the dates of a front matter, which YAML may have made a
// timestamp ("2021-11-02T00:00:00+01:00") or left as written
// ("2021-11-02 00:00:00 +01:00").
type postTime struct{ time.Time }

func (t *postTime) UnmarshalJSON(b []byte) error {
	s, err := strconv.Unquote(string(b))
	if err != nil || s == "" {
		return nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05 -07:00", "2006-01-02 15:04:05", "2006-01-02"} {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v
			return nil
		}
	}
	return fmt.Errorf("date « %s » illisible", s)
}

var (
	// blockStart is the first line of a session's block: its tags in bold,
	// in HTML ("<b>[Le mercredi 10/11 de 10h à 11h30] [Atelier]</b>") or
	// Markdown ("**[…] […]**").
	blockStart = regexp.MustCompile(`^\s*(?:<p[^>]*>\s*)?(?:<b>|<strong>|\*\*)\s*\[`)
	// heading splits that line into its tags and its title in italics.
	heading = regexp.MustCompile(`^\s*(?:<p[^>]*>\s*)?(?:<b>|<strong>|\*\*)\s*((?:\[[^\]]*\]\s*)+)(?:</b>|</strong>|\*\*)\s*(?:<i>|<em>|\*|_)(.*?)(?:</i>|</em>|\*|_)\s*(?:</p>)?\s*$`)
	tag     = regexp.MustCompile(`\[([^\]]*)\]`)
	// dateLine reads "Le mercredi 10/11 de 10h à 11h30", "le 10/11 à 10 h 30",
	// "Le jeudi 25/11/2021 de 9h à 17h30", "de 10:00 à 11:30".
	dateLine = regexp.MustCompile(`(?i)^(?:le\s+)?(?:(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*(\d{2}|\d{4}))?\s*,?\s+(?:de\s+|à\s+|a\s+)?(\d{1,2})\s*[h:]\s*(\d{2})?(?:\s*(?:à|a|-|–)\s*(\d{1,2})\s*[h:]\s*(\d{2})?)?$`)
	htmlLink = regexp.MustCompile(`(?i)<a\s[^>]*href="([^"]+)"[^>]*>(.*?)</a>`)
	mdLink   = regexp.MustCompile(`\[([^\]]+)\]\((https?://[^)\s]+)\)`)
	bullet   = regexp.MustCompile(`^\s*[*+-]\s+(.*)$`)
	anyTag   = regexp.MustCompile(`<[^>]+>`)
	postcode = regexp.MustCompile(`\b\d{5}\b`)
	venue    = regexp.MustCompile(`(?i)(?:présentiel|réduite)\s+(?:au|à la|à l['’]|à)\s*(.+)$`)
)

var weekdays = map[string]time.Weekday{
	"dimanche": time.Sunday, "lundi": time.Monday, "mardi": time.Tuesday, "mercredi": time.Wednesday,
	"jeudi": time.Thursday, "vendredi": time.Friday, "samedi": time.Saturday,
}

var weekdayNames = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}

// ParsePost reads an agenda post: its front matter gives the year (from
// event_start_date, else date) and the programme's name; each block of the
// body gives a session, in loc. A post without front matter or blocks is
// an error; a block that cannot be read is a Problem.
func ParsePost(data []byte, loc *time.Location) (Programme, error) {
	fm, body, err := splitFrontMatter(data)
	if err != nil {
		return Programme{}, err
	}
	year := fm.EventStartDate.Year()
	if fm.EventStartDate.IsZero() {
		year = fm.Date.Year()
	}
	if year <= 1 {
		return Programme{}, errors.New("l'en-tête de l'article ne donne pas l'année : il faut event_start_date ou date")
	}
	p := Programme{Source: strings.TrimSpace(fm.Title), post: true}
	blocks := splitBlocks(body)
	if len(blocks) == 0 {
		return Programme{}, errors.New("aucune session dans l'article : chaque session commence par une ligne « [Le mercredi 10/11 de 10h à 11h30] [Atelier] Titre » en gras")
	}
	r := postReader{year: year, first: fm.EventStartDate.Time, last: fm.EventEndDate.Time, loc: loc}
	for i, lines := range blocks {
		e, note, err := r.block(lines)
		e.Block, e.Heading = i+1, headingText(lines[0])
		if err != nil {
			p.Problems = append(p.Problems, Problem{Block: e.Block, Heading: e.Heading, Message: err.Error()})
			continue
		}
		if note != "" {
			p.Notes = append(p.Notes, Problem{Block: e.Block, Heading: e.Heading, Message: note})
		}
		p.Entries = append(p.Entries, e)
	}
	return p, nil
}

func splitFrontMatter(data []byte) (frontMatter, []byte, error) {
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	var fm frontMatter
	rest, ok := bytes.CutPrefix(data, []byte("---\n"))
	if !ok {
		return fm, nil, errors.New("l'article ne commence pas par son en-tête (« --- », puis title, date, event_start_date…)")
	}
	head, body, ok := bytes.Cut(rest, []byte("\n---\n"))
	if !ok {
		return fm, nil, errors.New("l'en-tête de l'article ne se termine pas (ligne « --- » manquante)")
	}
	if err := yaml.Unmarshal(head, &fm); err != nil {
		return fm, nil, fmt.Errorf("en-tête de l'article illisible : %v", err)
	}
	return fm, body, nil
}

// splitBlocks cuts the body at each block's first line; the text before
// the first block is the post's introduction.
func splitBlocks(body []byte) [][]string {
	var blocks [][]string
	for _, line := range strings.Split(string(body), "\n") {
		if blockStart.MatchString(line) {
			blocks = append(blocks, []string{line})
		} else if len(blocks) > 0 {
			blocks[len(blocks)-1] = append(blocks[len(blocks)-1], line)
		}
	}
	return blocks
}

// headingText is a block's first line without its markup, to name it.
func headingText(line string) string {
	s := strings.NewReplacer("**", "", "*", "", "_", " ").Replace(text(line))
	return strings.Join(strings.Fields(s), " ")
}

// text strips the HTML tags of s and decodes its entities.
func text(s string) string {
	return strings.TrimSpace(html.UnescapeString(anyTag.ReplaceAllString(s, "")))
}

type postReader struct {
	year        int
	first, last time.Time
	loc         *time.Location
}

// block reads one session's block.
func (r postReader) block(lines []string) (e Entry, note string, err error) {
	m := heading.FindStringSubmatch(lines[0])
	if m == nil {
		return e, "", errors.New("première ligne illisible : attendu « [Le mercredi 10/11 de 10h à 11h30] [Atelier] » en gras, puis le titre en italique")
	}
	tags := tag.FindAllStringSubmatch(m[1], -1)
	if len(tags) < 2 {
		return e, "", errors.New("il manque le type de session : attendu « [Le mercredi 10/11 de 10h à 11h30] [Atelier] »")
	}
	e.Title = strings.Join(strings.Fields(text(m[2])), " ")
	if e.Title == "" {
		return e, "", errors.New("la session n'a pas de titre (en italique après les crochets)")
	}
	kindName := strings.TrimSpace(tags[1][1])
	k, ok := kindOf(kindName)
	if !ok {
		return e, "", fmt.Errorf("type de session inconnu : « %s » (attendus : %s)", kindName, kindNames())
	}
	e.Kind = k
	if e.Start, e.End, err = r.when(strings.TrimSpace(tags[0][1])); err != nil {
		return e, "", err
	}
	if e.End == nil {
		note = "pas d'heure de fin : la session est importée sans fin"
	}
	var themes []string
	for _, t := range tags[2:] {
		themes = append(themes, strings.TrimSpace(t[1]))
	}
	// « [Baromètre Numérique de l’Agent] Environnement… »: the series in
	// brackets is a theme, not the start of the title a subject shows.
	if m := seriesPrefix.FindStringSubmatch(e.Title); m != nil {
		e.keyTitle, e.Title = e.Title, m[2]
		themes = append(themes, strings.TrimSpace(m[1]))
	}
	readBody(&e, lines[1:], themes)
	e.Key = postKey(&e, r.loc)
	return e, note, nil
}

// seriesPrefix is a title's leading « [Série] ».
var seriesPrefix = regexp.MustCompile(`^\[([^\]]+)\]\s*(\S.*)$`)

// when reads the date and times of a block's first tag.
func (r postReader) when(s string) (start time.Time, end *time.Time, err error) {
	m := dateLine.FindStringSubmatch(strings.Join(strings.Fields(s), " "))
	if m == nil {
		return start, nil, fmt.Errorf("date et heure illisibles : « %s » (attendu par exemple « Le mercredi 10/11 de 10h à 11h30 »)", s)
	}
	day, _ := strconv.Atoi(m[2])
	month, _ := strconv.Atoi(m[3])
	year := r.yearOf(time.Month(month), m[4])
	date := time.Date(year, time.Month(month), day, 0, 0, 0, 0, r.loc)
	if date.Day() != day || date.Month() != time.Month(month) {
		return start, nil, fmt.Errorf("date impossible : « %s »", s)
	}
	if name := strings.ToLower(m[1]); name != "" && weekdays[name] != date.Weekday() {
		return start, nil, fmt.Errorf("le %02d/%02d/%d est un %s, pas un %s : date ou jour à corriger", day, month, year, weekdayNames[date.Weekday()], name)
	}
	at := func(h, min string) (time.Time, error) {
		hh, _ := strconv.Atoi(h)
		mm, _ := strconv.Atoi(min)
		if hh > 23 || mm > 59 {
			return time.Time{}, fmt.Errorf("heure impossible : « %s »", s)
		}
		return when.WallClock(r.loc, year, time.Month(month), day, hh, mm, 0, 0), nil
	}
	if start, err = at(m[5], m[6]); err != nil {
		return start, nil, err
	}
	if m[7] == "" {
		return start, nil, nil
	}
	e, err := at(m[7], m[8])
	if err != nil {
		return start, nil, err
	}
	if !e.After(start) {
		return start, nil, fmt.Errorf("l'heure de fin n'est pas après celle du début : « %s »", s)
	}
	return start, &e, nil
}

// yearOf is the year of a day and month: the one written, else the
// front matter's; a programme that runs into the next year puts the
// months before its start in that year.
func (r postReader) yearOf(month time.Month, written string) int {
	if written != "" {
		y, _ := strconv.Atoi(written)
		if y < 100 {
			y += 2000
		}
		return y
	}
	if !r.first.IsZero() && !r.last.IsZero() && r.last.Year() > r.first.Year() && month < r.first.Month() {
		return r.year + 1
	}
	return r.year
}

// readBody reads the lines after a block's first: description paragraphs,
// bullets about the place, and links, of which the registration link
// becomes the session's.
func readBody(e *Entry, lines []string, themes []string) {
	var paragraphs, para, details []string
	var venueName, address string
	var links [][2]string // label, url
	flush := func() {
		if len(para) > 0 {
			paragraphs = append(paragraphs, strings.Join(para, "\n"))
			para = nil
		}
	}
	for _, line := range lines {
		for _, l := range htmlLink.FindAllStringSubmatch(line, -1) {
			links = append(links, [2]string{text(l[2]), html.UnescapeString(l[1])})
		}
		for _, l := range mdLink.FindAllStringSubmatch(line, -1) {
			links = append(links, [2]string{text(l[1]), l[2]})
		}
		if htmlLink.MatchString(line) {
			flush() // a link line, such as "<div …><a …>Inscriptions</a></div>"
			continue
		}
		if b := bullet.FindStringSubmatch(line); b != nil {
			flush()
			item := strings.TrimSpace(mdLink.ReplaceAllString(text(b[1]), ""))
			if item == "" {
				continue // a bullet that is only a link
			}
			low := strings.ToLower(item)
			if strings.Contains(low, "mobilité réduite") {
				e.Accessible = true
			}
			if v := venue.FindStringSubmatch(item); v != nil && venueName == "" {
				venueName = upperFirst(strings.TrimSpace(v[1]))
			}
			if postcode.MatchString(item) && len([]rune(item)) <= 120 && address == "" {
				address = item
				continue
			}
			details = append(details, "• "+item)
			continue
		}
		t := text(line)
		if t == "" {
			flush()
			continue
		}
		para = append(para, t)
	}
	flush()
	if len(themes) > 0 {
		paragraphs = append([]string{"Thème : " + strings.Join(themes, ", ")}, paragraphs...)
	}
	if len(details) > 0 {
		paragraphs = append(paragraphs, strings.Join(details, "\n"))
	}
	e.Description = strings.Join(paragraphs, "\n\n")
	var place []string
	for _, p := range []string{venueName, address} {
		if p != "" {
			place = append(place, p)
		}
	}
	// A session also held remotely says so in its description (the bullet
	// is kept). A post gives where to register, never where to join: its
	// link is the event's page, and makes no session online.
	e.Location = strings.Join(place, ", ")
	e.PageURL = registrationLink(links)
}

// registrationLink is the link whose label speaks of registration, else
// the first: the event's page.
func registrationLink(links [][2]string) string {
	for _, l := range links {
		if strings.Contains(fold(l[0]), "inscription") {
			return l[1]
		}
	}
	if len(links) > 0 {
		return links[0][1]
	}
	return ""
}

func upperFirst(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}
