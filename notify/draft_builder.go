package notify

import (
	"mime"
	"strconv"
	"strings"

	"github.com/dinum/rappel/templates"
)

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

// appendSharedHeaders writes the headers every recipient of the draft
// shares: sender, subject, and the headers of the contract that tell mail
// software what the message is: list (RFC 2919), automatic (RFC 3834), and
// rappel's tracing headers.
func (c *Composer) appendSharedHeaders(b *draftBuilder, m Message, subject string) {
	sid := strconv.FormatInt(m.Session.ID, 10)
	b.static("From: " + c.cfg.From.String() + "\r\n")
	if r := c.replyTo(m.Session); r != nil {
		b.static("Reply-To: " + r.String() + "\r\n")
	}
	b.cur = appendHeader(b.cur, "Subject", subject)
	// List-Id names the list as a reader knows it, the event; its id stays
	// the session's number.
	// The phrase is base64-encoded: a comma or a colon of a title, which
	// the Q encoding leaves as it is, would end a phrase (RFC 2047, 5).
	b.static("List-Id:")
	for _, w := range strings.Split(mime.BEncoding.Encode("UTF-8", templates.Truncate(templates.Words(m.Session.Kind).Label+" – "+m.Session.Title, 60)), " ") {
		b.static("\r\n " + w)
	}
	b.static("\r\n <session-" + sid + ".rappel." + c.domain + ">\r\n")
	b.static("MIME-Version: 1.0\r\n" +
		"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" +
		"Auto-Submitted: auto-generated\r\n" +
		"X-Auto-Response-Suppress: All\r\n" +
		"X-Rappel-Kind: " + string(m.Kind) + "\r\n" +
		"X-Rappel-Session: " + sid + "\r\n" +
		"User-Agent: rappel\r\n")
}

// splitHoles cuts a rendered part at its holes: the text before the first,
// then each hole and the text after it.
func splitHoles(s string, html bool) (first string, holes []hole, after []string) {
	for {
		i := strings.Index(s, holePrefix)
		if i < 0 {
			break
		}
		h, n := holeAt(s[i:])
		if h == 0 {
			break
		}
		if html {
			switch h {
			case holeName:
				h = holeNameHTML
			case holeEmail:
				h = holeEmailHTML
			}
		}
		if holes == nil {
			first = s[:i]
		} else {
			after[len(after)-1] = s[:i]
		}
		holes = append(holes, h)
		after = append(after, "")
		s = s[i+n:]
	}
	if holes == nil {
		return s, nil, nil
	}
	after[len(after)-1] = s
	return first, holes, after
}

func holeAt(s string) (hole, int) {
	for h, mark := range holeMarks {
		if strings.HasPrefix(s, mark) {
			return h, len(mark)
		}
	}
	return 0, 0
}
