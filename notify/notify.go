// Package notify decides how a message is built and sent: it renders the
// templates into a multipart email with every header of the contract, and
// hands it to a Sender (SMTP, or an outbox folder for demos and dry runs).
// It never reads the database: callers give it all it needs.
package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/token"
)

// Sender delivers built messages. Implementations are safe for concurrent
// use; Send returns once the message is accepted (or written), or with an
// error that IsTemporary classifies. Abort makes the sends in progress fail
// at once.
type Sender interface {
	Send(ctx context.Context, msg *gomail.Msg) error
	Abort()
	Close() error
}

// Message is everything needed to build one email.
type Message struct {
	DeliveryID int64
	// Kind is the delivery kind: "j1", "h1", "reminder-2m", ...
	Kind      string
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
	// ConfirmURL is, for a sign-up confirmation request, the link that
	// confirms it.
	ConfirmURL string
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
func (c *Composer) MessageID(deliveryID int64, kind string) string {
	return "rappel." + strconv.FormatInt(deliveryID, 10) + "." + kind + "@" + c.domain
}

// ConfirmURL is the page of a sign-up confirmation link.
func (c *Composer) ConfirmURL(tok string) string {
	return c.cfg.PublicURL.JoinPath("confirmation", tok).String()
}

// UnsubscribeURL is the page of a sign-up's unsubscribe link.
func (c *Composer) UnsubscribeURL(signupID int64) string {
	return c.cfg.PublicURL.JoinPath("desinscription", c.cfg.Tokens.Sign(token.Unsubscribe, signupID)).String()
}

// templateName maps a delivery kind to its template: each kind has its
// own, but for the reminders of other offsets, which share "reminder".
func templateName(kind string) string {
	if strings.HasPrefix(kind, "reminder-") {
		return "reminder"
	}
	return kind
}

// Compose builds the email of m.
func (c *Composer) Compose(m Message) (*gomail.Msg, error) {
	data := c.data(m)
	rendered, err := c.cfg.Templates.RenderEmail(templateName(m.Kind), data)
	if err != nil {
		return nil, fmt.Errorf("compose delivery %d: %w", m.DeliveryID, err)
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(c.cfg.From)
	if err := msg.AddToFormat(m.Recipient.Name, m.Recipient.Email); err != nil {
		return nil, fmt.Errorf("compose delivery %d: set recipient: %w", m.DeliveryID, err)
	}
	msg.Subject(rendered.Subject)
	msg.SetDateWithValue(m.Now.In(c.cfg.Location))
	if m.TestID != "" {
		msg.SetMessageIDWithValue("rappel.test-" + m.TestID + "." + m.Kind + "@" + c.domain)
		msg.SetGenHeader("X-Rappel-Test", "1")
	} else {
		msg.SetMessageIDWithValue(c.MessageID(m.DeliveryID, m.Kind))
	}
	c.setListHeaders(msg, m, data.UnsubscribeURL)
	msg.SetBodyString(gomail.TypeTextPlain, rendered.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, rendered.HTML)
	if method, ok := calendarFor(m.Kind); ok {
		ics, err := c.calendar(m, method)
		if err != nil {
			return nil, fmt.Errorf("compose delivery %d: %w", m.DeliveryID, err)
		}
		ctype := gomail.ContentType("text/calendar; charset=utf-8; method=" + string(method))
		if err := msg.AttachReader("invitation.ics", bytes.NewReader(ics), gomail.WithFileContentType(ctype)); err != nil {
			return nil, fmt.Errorf("compose delivery %d: attach calendar: %w", m.DeliveryID, err)
		}
	}
	return msg, nil
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
	d.ConfirmURL, d.ConfirmValidity = m.ConfirmURL, c.cfg.ConfirmValidity
	d.Reminders = c.cfg.Reminders
	_, d.Calendar = calendarFor(m.Kind)
	return d
}

// setListHeaders sets the headers of the contract that tell mail software
// what the message is: unsubscribe (RFC 2369, one-click RFC 8058), list
// (RFC 2919), automatic (RFC 3834), and rappel's tracing headers.
func (c *Composer) setListHeaders(msg *gomail.Msg, m Message, unsubscribeURL string) {
	uris := []string{unsubscribeURL}
	if c.cfg.UnsubscribeMailto != "" {
		uris = append(uris, "mailto:"+c.cfg.UnsubscribeMailto+"?subject=desinscription%20"+
			c.cfg.Tokens.Sign(token.Unsubscribe, m.SignupID))
	}
	msg.SetListUnsubscribe(uris...)
	msg.SetListUnsubscribePost()
	sid := strconv.FormatInt(m.Session.ID, 10)
	msg.SetGenHeader("List-Id", "Rappels de la session "+sid+" <session-"+sid+".rappel."+c.domain+">")
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetGenHeader("X-Auto-Response-Suppress", "All")
	msg.SetGenHeader("X-Rappel-Kind", m.Kind)
	msg.SetGenHeader("X-Rappel-Session", sid)
	msg.SetUserAgent("rappel")
}
