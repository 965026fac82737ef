// Package notify decides how a message is built and sent: it renders the
// templates into a multipart email with every header of the contract, and
// hands it to a Sender (SMTP, or an outbox folder for demos and dry runs).
// It never reads the database: callers give it all it needs.
package notify

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/token"
)

// Sender delivers built messages. Implementations are safe for concurrent
// use; Send returns once the message is accepted (or written), or with an
// error that IsTemporary classifies. Abort makes the sends in progress fail
// at once.
type Sender interface {
	Send(ctx context.Context, e *Email) error
	Abort()
	Close() error
}

// Email is a message ready to leave: its envelope and its bytes (RFC 5322,
// lines ending in CRLF).
type Email struct {
	From string
	To   string
	// MessageID is the Message-ID, without its angle brackets.
	MessageID string
	Data      []byte
}

// Message is everything needed to build one email.
type Message struct {
	DeliveryID int64
	// Kind is the delivery kind: "j1", "h1", "reminder-2m", ...
	Kind      kind.Message
	SignupID  int64
	Recipient templates.Recipient
	Session   templates.SessionInput
	// Now is the moment the message is built, on the database's clock; the
	// time left before the session is counted from it.
	Now time.Time
	// PreviousStartsAt and PreviousEndsAt are, for a reschedule notice, the
	// time the recipient knew before the move.
	PreviousStartsAt *time.Time
	PreviousEndsAt   *time.Time
	// ScheduleVersion is the session's current schedule version: the
	// SEQUENCE of the calendar event follows it.
	ScheduleVersion int
	// ConfirmToken is, for a sign-up confirmation request, the token of
	// the link that confirms it.
	ConfirmToken string
	// TestID marks a preview or a test send: it names the Message-ID in
	// place of a delivery, and the message carries X-Rappel-Test.
	TestID string
}

// ComposerConfig is what every message shares.
type ComposerConfig struct {
	From *mail.Address
	// PublicURL is the base of the links in messages.
	PublicURL *url.URL
	// UnsubscribeMailto, when set, is offered in List-Unsubscribe next to
	// the link.
	UnsubscribeMailto string
	Location          *time.Location
	Templates         *templates.Set
	Tokens            *token.Signer
	// Reminders says when reminders are sent, for the messages that tell
	// it: "la veille et une heure avant".
	Reminders string
	// ConfirmValidity says how long a confirmation link works: "48 heures".
	ConfirmValidity string
}

// Composer builds messages.
type Composer struct {
	cfg    ComposerConfig
	domain string
	drafts drafts
}

// NewComposer checks the configuration shared by every message.
func NewComposer(cfg ComposerConfig) (*Composer, error) {
	if cfg.From == nil || cfg.PublicURL == nil || cfg.Location == nil || cfg.Templates == nil || cfg.Tokens == nil {
		return nil, errors.New("composer: incomplete configuration")
	}
	_, domain, ok := strings.Cut(cfg.From.Address, "@")
	if !ok {
		return nil, fmt.Errorf("composer: no domain in sender %q", cfg.From.Address)
	}
	return &Composer{cfg: cfg, domain: strings.ToLower(domain)}, nil
}

// MessageID is the Message-ID of a delivery: the same on every attempt, so
// that a receiving system can recognise a duplicate.
func (c *Composer) MessageID(deliveryID int64, k kind.Message) string {
	return "rappel." + strconv.FormatInt(deliveryID, 10) + "." + string(k) + "@" + c.domain
}

// ConfirmURL is the page of a sign-up confirmation link.
func (c *Composer) ConfirmURL(tok string) string {
	return c.cfg.PublicURL.JoinPath("confirmation", tok).String()
}

// UnsubscribeURL is the page of a sign-up's unsubscribe link.
func (c *Composer) UnsubscribeURL(signupID int64) string {
	return c.UnsubscribeURLFor(c.cfg.Tokens.Sign(token.Unsubscribe, signupID))
}

// UnsubscribeURLFor is the unsubscribe page of a token.
func (c *Composer) UnsubscribeURLFor(tok string) string {
	return c.cfg.PublicURL.JoinPath("desinscription", tok).String()
}

// Compose builds the email of m: from the draft its session shares with
// the other recipients when it can, else on its own.
func (c *Composer) Compose(m Message) (*Email, error) {
	var d *draft
	var err error
	if m.TestID == "" && fillsSafely(m.Recipient.Name) && fillsSafely(m.Recipient.Email) {
		d, err = c.drafts.get(c.key(m), func() (*draft, error) { return c.newDraft(m, true) })
		if err != nil {
			return nil, fmt.Errorf("compose delivery %d: %w", m.DeliveryID, err)
		}
	}
	if d == nil || !d.fillable {
		if d, err = c.newDraft(m, false); err != nil {
			return nil, fmt.Errorf("compose delivery %d: %w", m.DeliveryID, err)
		}
	}
	id := c.MessageID(m.DeliveryID, m.Kind)
	if m.TestID != "" {
		id = "rappel.test-" + m.TestID + "." + string(m.Kind) + "@" + c.domain
	}
	return c.email(d, m, id), nil
}

// email is m's message: its own headers, then d filled in for its
// recipient.
func (c *Composer) email(d *draft, m Message, id string) *Email {
	v := c.values(m)
	buf := make([]byte, 0, d.size+1024)
	buf = c.appendOwnHeaders(buf, m, id, v.unsubscribe)
	buf = d.fill(buf, &v)
	return &Email{From: c.cfg.From.Address, To: m.Recipient.Email, MessageID: id, Data: buf}
}

// key is what the draft of m depends on.
func (c *Composer) key(m Message) draftKey {
	s := m.Session
	left, soon := templates.Relative(m.Now, s.StartsAt, c.cfg.Location)
	k := draftKey{
		kind: m.Kind, sessionKind: s.Kind, title: s.Title, description: s.Description,
		location: s.Location, url: s.URL, timeLeft: left, session: s.ID, starts: s.StartsAt.UnixNano(),
		version: m.ScheduleVersion, accessible: s.Accessible, soon: soon, hasName: m.Recipient.Name != "",
	}
	if s.EndsAt != nil {
		k.ends = s.EndsAt.UnixNano()
	}
	if m.PreviousStartsAt != nil {
		k.prevStart = m.PreviousStartsAt.UnixNano()
	}
	if m.PreviousEndsAt != nil {
		k.prevEnd = m.PreviousEndsAt.UnixNano()
	}
	return k
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

func (c *Composer) data(m Message) templates.Data {
	left, soon := templates.Relative(m.Now, m.Session.StartsAt, c.cfg.Location)
	d := templates.Data{
		Kind:           m.Kind,
		Recipient:      m.Recipient,
		Session:        templates.NewSession(m.Session, c.cfg.Location),
		TimeLeft:       left,
		Soon:           soon,
		UnsubscribeURL: c.UnsubscribeURL(m.SignupID),
	}
	if m.PreviousStartsAt != nil {
		d.PreviousWhen = templates.Span(*m.PreviousStartsAt, m.PreviousEndsAt, c.cfg.Location)
	}
	if m.ConfirmToken != "" {
		d.ConfirmURL = c.ConfirmURL(m.ConfirmToken)
	}
	d.ConfirmValidity = c.cfg.ConfirmValidity
	d.Reminders = c.cfg.Reminders
	_, d.Calendar = calendarFor(m.Kind)
	return d
}
