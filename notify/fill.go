package notify

import (
	"net/mail"
	"strings"
	"time"

	"github.com/dinum/rappel/token"
)

// recipientValues are what fills the holes of one message.
type recipientValues struct {
	name, email          string
	unsubscribe, confirm string
	nameHTML, emailHTML  string
}

func (v *recipientValues) get(h hole) string {
	switch h {
	case holeName:
		return v.name
	case holeNameHTML:
		return v.nameHTML
	case holeEmail:
		return v.email
	case holeEmailHTML:
		return v.emailHTML
	case holeUnsubscribe:
		return v.unsubscribe
	case holeConfirm:
		return v.confirm
	}
	return ""
}

// fillsSafely says whether a name reads the same put in a hole as written
// by the templates: French typography puts no-break spaces around ":", ";",
// "!", "?" and guillemets, which a name in a hole would escape; and a name
// on several lines would be tidied. Such rare names are rendered on their
// own.
func fillsSafely(name string) bool {
	return !strings.ContainsAny(name, ":;!?«»\r\n\t") && strings.TrimSpace(name) == name &&
		!strings.Contains(name, holePrefix)
}

// values are what m's recipient puts in the holes of a draft.
func (c *Composer) values(m Message) recipientValues {
	return recipientValues{
		name: m.Recipient.Name, nameHTML: htmlEscape(m.Recipient.Name),
		email: m.Recipient.Email, emailHTML: htmlEscape(m.Recipient.Email),
		unsubscribe: c.cfg.Tokens.Sign(token.Unsubscribe, m.SignupID),
		confirm:     m.ConfirmToken,
	}
}

// fill writes the message of one recipient.
func (d *draft) fill(dst []byte, v *recipientValues) []byte {
	dst = append(dst, d.head...)
	for _, p := range d.pieces {
		dst, _ = appendQP(dst, v.get(p.hole), p.col, false)
		// A soft break: what follows was encoded from column 0.
		dst = append(dst, '=', '\r', '\n')
		dst = append(dst, p.after...)
	}
	return dst
}

// appendOwnHeaders writes the headers that differ from one message to the
// next: recipient, date, Message-ID (the same on every attempt, so that a
// receiving system can recognise a duplicate) and unsubscribe links
// (RFC 2369, one-click RFC 8058).
func (c *Composer) appendOwnHeaders(dst []byte, m Message, id, unsubscribeToken string) []byte {
	// A line break in a name would end the header: none is let through.
	name := strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, m.Recipient.Name)
	to := (&mail.Address{Name: name, Address: m.Recipient.Email}).String()
	dst = append(dst, "To: "...)
	dst = append(dst, strings.ReplaceAll(to, "?= =?", "?=\r\n =?")...)
	dst = append(dst, "\r\nDate: "...)
	dst = m.Now.In(c.cfg.Location).AppendFormat(dst, time.RFC1123Z)
	dst = append(dst, "\r\nMessage-ID: <"...)
	dst = append(dst, id...)
	dst = append(dst, ">\r\nList-Unsubscribe: <"...)
	dst = append(dst, c.cfg.PublicURL.JoinPath("desinscription", unsubscribeToken).String()...)
	dst = append(dst, '>')
	if c.cfg.UnsubscribeMailto != "" {
		dst = append(dst, ",\r\n <mailto:"...)
		dst = append(dst, c.cfg.UnsubscribeMailto...)
		dst = append(dst, "?subject=desinscription%20"...)
		dst = append(dst, unsubscribeToken...)
		dst = append(dst, '>')
	}
	dst = append(dst, '\r', '\n')
	if m.TestID != "" {
		dst = append(dst, "X-Rappel-Test: 1\r\n"...)
	}
	return dst
}
