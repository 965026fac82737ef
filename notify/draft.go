package notify

import (
	"strings"

	"github.com/dinum/rappel/templates"
)

// A draft is the message of one kind about one session, at one time left,
// rendered and encoded once for all its recipients, with holes where each
// one's values go: a webinaire announced to 100,000 agents renders its
// templates once, not 100,000 times. Filling a hole copies bytes and
// encodes a name; what a recipient receives is what the templates would
// have written for them alone, which newDraft checks before using a draft.
type draft struct {
	// head is the headers every recipient shares, and the body up to the
	// first hole; pieces follow it.
	head   []byte
	pieces []piece
	// fillable is false when the templates use a recipient's values in a
	// way holes cannot reproduce (an operator's template testing a name,
	// say): each message is then rendered on its own.
	fillable bool
	size     int
}

// piece is a hole and the encoded bytes after it.
type piece struct {
	hole hole
	// col is the column where the hole starts, in a quoted-printable body.
	col int
	// after is what follows the hole, from column 0.
	after []byte
}

// hole is a recipient's value in a draft.
type hole uint8

const (
	holeName hole = iota + 1
	holeNameHTML
	holeEmail
	holeEmailHTML
	holeUnsubscribe
	holeConfirm
)

// holeMarks are what the templates are given in place of each value: plain
// ASCII, which no escaping, typography or encoding changes.
var holeMarks = map[hole]string{
	holeName:        "__rappel_hole_name__",
	holeEmail:       "__rappel_hole_email__",
	holeUnsubscribe: "__rappel_hole_unsubscribe__",
	holeConfirm:     "__rappel_hole_confirm__",
}

const holePrefix = "__rappel_hole_"

// newDraft renders and encodes m's message. With holes, the recipient's
// values are left out for fill to put in, and the draft is checked: the
// probe recipient put in its holes must read exactly as the templates
// render it; if not, the draft is not fillable. Without holes, the draft is
// m's message alone.
func (c *Composer) newDraft(m Message, holes bool) (*draft, error) {
	data := c.data(m)
	if holes {
		data = c.holeData(data, m.Recipient.Name != "")
	}
	r, err := c.cfg.Templates.RenderEmail(m.Kind.Template(), data)
	if err != nil {
		return nil, err
	}
	if holes {
		ok, err := c.check(m, data, r)
		if err != nil || !ok {
			return &draft{}, err
		}
	}
	b := draftBuilder{holes: holes}
	c.appendSharedHeaders(&b, m, r.Subject)
	method, withCalendar := calendarFor(m.Kind, c.replyTo(m.Session) != nil)
	outer, inner := newBoundary(), newBoundary()
	if withCalendar {
		b.static("Content-Type: multipart/mixed;\r\n boundary=" + outer + "\r\n\r\n--" + outer + "\r\n")
	}
	b.static("Content-Type: multipart/alternative;\r\n boundary=" + inner + "\r\n\r\n")
	b.part(inner, "text/plain; charset=UTF-8", r.Text, false)
	b.part(inner, "text/html; charset=UTF-8", r.HTML, true)
	b.static("--" + inner + "--\r\n")
	if withCalendar {
		attendee := m.Recipient.Email
		if holes {
			attendee = holeMarks[holeEmail]
		}
		ics, err := c.calendar(m, method, attendee)
		if err != nil {
			return nil, err
		}
		// Quoted-printable, not base64: the reader's address is a hole
		// of the draft like those of the text.
		name := calendarFileName(m.Kind)
		b.static("\r\n")
		b.part(outer, "text/calendar; charset=UTF-8; method="+string(method)+"; name=\""+name+"\"\r\n"+
			"Content-Disposition: attachment; filename=\""+name+"\"", string(ics), false)
		b.static("--" + outer + "--\r\n")
	}
	return b.finish(), nil
}

// check renders the message of the probe recipient and compares it with
// the draft's parts, the probe put in their holes.
func (c *Composer) check(m Message, holed templates.Data, r templates.Email) (bool, error) {
	if strings.Contains(r.Subject, holePrefix) {
		return false, nil
	}
	d := holed
	d.Recipient = templates.Recipient{Email: probe.email}
	if holed.Recipient.Name != "" {
		d.Recipient.Name = probe.name
	}
	c.setLinks(&d, probe.unsubscribe)
	if d.ConfirmURL != "" {
		d.ConfirmURL = c.ConfirmURL(probe.confirm)
	}
	want, err := c.cfg.Templates.RenderEmail(m.Kind.Template(), d)
	if err != nil {
		return false, err
	}
	p := probe
	p.nameHTML, p.emailHTML = htmlEscape(p.name), htmlEscape(p.email)
	return want.Subject == r.Subject && want.Text == substitute(r.Text, &p, false) &&
		want.HTML == substitute(r.HTML, &p, true), nil
}

// substitute puts v in the holes of a rendered part.
func substitute(s string, v *recipientValues, html bool) string {
	first, holes, after := splitHoles(s, html)
	var b strings.Builder
	b.WriteString(first)
	for i, h := range holes {
		b.WriteString(v.get(h))
		b.WriteString(after[i])
	}
	return b.String()
}
