package notify

import (
	"strconv"
	"strings"

	"github.com/dinum/rappel/templates"
)

// probe is the recipient a draft is checked with: a name and an address
// with every character HTML escapes, and tokens of the real alphabet.
var probe = recipientValues{
	name: "Zoé D’Arc-O’Neil & Éloïse \"+<>'", email: "zoe.probe+test@example.invalid",
	unsubscribe: "AAAAAAAAAAc_Sonde-Jeton_0123456789", confirm: "Sonde_Confirmation-abcdefghij0123456789",
}

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
	method, withCalendar := calendarFor(m.Kind)
	outer, inner := newBoundary(), newBoundary()
	if withCalendar {
		b.static("Content-Type: multipart/mixed;\r\n boundary=" + outer + "\r\n\r\n--" + outer + "\r\n")
	}
	b.static("Content-Type: multipart/alternative;\r\n boundary=" + inner + "\r\n\r\n")
	b.part(inner, "text/plain; charset=UTF-8", r.Text, false)
	b.part(inner, "text/html; charset=UTF-8", r.HTML, true)
	b.static("--" + inner + "--\r\n")
	if withCalendar {
		ics, err := c.calendar(m, method)
		if err != nil {
			return nil, err
		}
		b.static("\r\n--" + outer + "\r\nContent-Type: text/calendar; charset=utf-8; method=" + string(method) +
			"; name=\"invitation.ics\"\r\nContent-Transfer-Encoding: base64\r\n" +
			"Content-Disposition: attachment; filename=\"invitation.ics\"\r\n\r\n")
		b.cur = appendBase64(b.cur, ics)
		b.static("--" + outer + "--\r\n")
	}
	return b.finish(), nil
}

// holeData puts marks in place of the recipient's values.
func (c *Composer) holeData(d templates.Data, hasName bool) templates.Data {
	d.Recipient = templates.Recipient{Email: holeMarks[holeEmail]}
	if hasName {
		d.Recipient.Name = holeMarks[holeName]
	}
	d.UnsubscribeURL = c.UnsubscribeURLFor(holeMarks[holeUnsubscribe])
	if d.ConfirmURL != "" {
		d.ConfirmURL = c.ConfirmURL(holeMarks[holeConfirm])
	}
	return d
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
	d.UnsubscribeURL = c.UnsubscribeURLFor(probe.unsubscribe)
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

// appendSharedHeaders writes the headers every recipient of the draft
// shares: sender, subject, and the headers of the contract that tell mail
// software what the message is: list (RFC 2919), automatic (RFC 3834), and
// rappel's tracing headers.
func (c *Composer) appendSharedHeaders(b *draftBuilder, m Message, subject string) {
	sid := strconv.FormatInt(m.Session.ID, 10)
	b.static("From: " + c.cfg.From.String() + "\r\n")
	b.cur = appendHeader(b.cur, "Subject", subject)
	b.static("MIME-Version: 1.0\r\n" +
		"List-Id: Rappels de la session " + sid + " <session-" + sid + ".rappel." + c.domain + ">\r\n" +
		"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" +
		"Auto-Submitted: auto-generated\r\n" +
		"X-Auto-Response-Suppress: All\r\n" +
		"X-Rappel-Kind: " + string(m.Kind) + "\r\n" +
		"X-Rappel-Session: " + sid + "\r\n" +
		"User-Agent: rappel\r\n")
}

// draftBuilder writes a draft, cutting it at each hole.
type draftBuilder struct {
	holes   bool
	d       draft
	cur     []byte
	started bool
}

func (b *draftBuilder) static(s string) { b.cur = append(b.cur, s...) }

// part writes one text part of a multipart/alternative, quoted-printable.
func (b *draftBuilder) part(boundary, ctype, text string, html bool) {
	b.static("--" + boundary + "\r\nContent-Type: " + ctype + "\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	first, holes, after := text, []hole(nil), []string(nil)
	if b.holes {
		first, holes, after = splitHoles(text, html)
	}
	var col int
	b.cur, col = appendQP(b.cur, first, 0, len(holes) == 0)
	for i, h := range holes {
		b.cut(h, col)
		b.cur, col = appendQP(b.cur, after[i], 0, i == len(holes)-1)
	}
	b.static("\r\n")
}

// cut ends the bytes before a hole.
func (b *draftBuilder) cut(h hole, col int) {
	b.end()
	b.d.pieces = append(b.d.pieces, piece{hole: h, col: col})
}

func (b *draftBuilder) end() {
	if !b.started {
		b.d.head, b.started = b.cur, true
	} else {
		b.d.pieces[len(b.d.pieces)-1].after = b.cur
	}
	b.d.size += len(b.cur)
	b.cur = nil
}

func (b *draftBuilder) finish() *draft {
	b.end()
	b.d.fillable = true
	b.d.size += 128 * len(b.d.pieces)
	return &b.d
}
