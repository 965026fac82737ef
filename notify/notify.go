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
	"github.com/dinum/rappel/when"
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
	// WaitPosition is, for the waiting list's message, the person's rank
	// in it; OfferUntil, for an offer, when it ends.
	WaitPosition int
	OfferUntil   *time.Time
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
	// Reminders says which reminders a sign-up brings, for the messages
	// that tell it: « des rappels la veille, puis une heure avant ».
	Reminders string
	// ConfirmValidity says how long a confirmation link works: "48 heures".
	ConfirmValidity string
	// ReplyTo answers the replies to messages about a session that names
	// no contact of its own or of its organiser (MAIL_REPLY_TO); nil puts
	// no Reply-To then.
	ReplyTo *mail.Address
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

// zone is the time zone a session's times are written in: its own, else
// the configured one.
func (c *Composer) zone(s templates.SessionInput) *time.Location {
	return when.Zone(s.Zone, c.cfg.Location)
}

// replyTo is whom replies about a session go to: its contact (its own or
// its organiser's), else MAIL_REPLY_TO; nil when nobody is named.
func (c *Composer) replyTo(s templates.SessionInput) *mail.Address {
	if s.Contact != "" {
		if a, err := mail.ParseAddress(s.Contact); err == nil {
			return a
		}
	}
	return c.cfg.ReplyTo
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

// setLinks puts the three pages of a sign-up's token in d: the
// unsubscription of List-Unsubscribe, the cancellation of the attendance,
// and the opt-out of every message.
func (c *Composer) setLinks(d *templates.Data, tok string) {
	d.UnsubscribeURL = c.UnsubscribeURLFor(tok)
	d.CancelURL = c.cfg.PublicURL.JoinPath("annulation", tok).String()
	d.OptOutURL = c.cfg.PublicURL.JoinPath("desabonnement", tok).String()
	d.OfferURL = c.cfg.PublicURL.JoinPath("place", tok).String()
}
