package notify

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/dinum/rappel/templates"
)

// LoginKind is the X-Rappel-Kind of the message that carries a sign-in
// link to the organisers' space.
const LoginKind = "login"

// LoginLinkPath is where a sign-in link's page is, before its token.
const LoginLinkPath = "/organisateurs/connexion/"

// Login builds the message of a sign-in link to the organisers' space:
// plain, about no session, with no unsubscription (it is asked for, one by
// one, by the person themself).
func (c *Composer) Login(requestID int64, to, tok string, expires time.Time, ttl time.Duration) (*Email, error) {
	link := *c.cfg.PublicURL
	link.Path = trimSlash(link.Path) + LoginLinkPath + tok
	until := expires.In(c.cfg.Location)
	r, err := c.cfg.Templates.RenderLogin(templates.LoginData{
		URL: link.String(), Validity: "pendant " + minutes(ttl),
		Until:     templates.Clock(until) + " (" + templates.ZoneName(c.cfg.Location) + ")",
		Signature: c.signature(),
	})
	if err != nil {
		return nil, fmt.Errorf("compose login link %d: %w", requestID, err)
	}
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	m.FromMailAddress(c.cfg.From)
	if err := m.To(to); err != nil {
		return nil, fmt.Errorf("compose login link %d: %w", requestID, err)
	}
	id := "rappel.login-" + strconv.FormatInt(requestID, 10) + "@" + c.domain
	m.SetMessageIDWithValue(id)
	m.SetDateWithValue(time.Now())
	m.Subject(r.Subject)
	m.SetGenHeader("Auto-Submitted", "auto-generated")
	m.SetGenHeader("X-Auto-Response-Suppress", "All")
	m.SetGenHeader("X-Rappel-Kind", LoginKind)
	m.SetBodyString(gomail.TypeTextPlain, r.Text)
	m.AddAlternativeString(gomail.TypeTextHTML, r.HTML)
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("compose login link %d: %w", requestID, err)
	}
	return &Email{From: c.cfg.From.Address, To: to, MessageID: id, Data: buf.Bytes()}, nil
}

// signature names the sender of the messages that concern no session.
func (c *Composer) signature() string {
	if c.cfg.From.Name != "" {
		return c.cfg.From.Name
	}
	return "Rappel"
}

func trimSlash(p string) string {
	for len(p) > 0 && p[len(p)-1] == '/' {
		p = p[:len(p)-1]
	}
	return p
}

// minutes writes a short validity in full words: « 15 minutes ».
func minutes(d time.Duration) string {
	if d%time.Minute != 0 || d >= time.Hour {
		return templates.Duration(d)
	}
	if d == time.Minute {
		return "1 minute"
	}
	return strconv.Itoa(int(d/time.Minute)) + " minutes"
}
