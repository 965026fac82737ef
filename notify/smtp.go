package notify

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// TLS modes of SMTP_TLS.
const (
	TLSNone     = "none"
	TLSStartTLS = "starttls"
	TLSImplicit = "tls"
)

// SMTPConfig describes the relay.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	// TLS is none, starttls (mandatory) or tls (implicit, "SMTPS").
	TLS string
	// TLSConfig overrides the default (system roots, server name = Host).
	TLSConfig *tls.Config
	// Timeout bounds each network step.
	Timeout time.Duration
	// Connections is the number of concurrent connections.
	Connections int
	// HELO is the name given in EHLO; the machine's name when empty.
	HELO string
}

// idleCheck is how long a connection may rest before it is checked with a
// NOOP: servers close idle connections, and a message sent on a dead one
// would be a needless retry.
const idleCheck = 5 * time.Second

// ErrUnreachable wraps the failures to open a connection to the relay
// (refused, timed out, TLS or authentication failed): nothing was tried for
// the message itself, and every other message would fail the same way.
var ErrUnreachable = errors.New("smtp server unreachable")

// SMTP sends over a pool of reused connections to one relay, at most
// Connections at a time.
type SMTP struct {
	client  *gomail.Client
	timeout time.Duration
	slots   chan struct{}
	idle    chan *pooledConn

	mu     sync.Mutex
	active map[*pooledConn]bool
}

type pooledConn struct {
	c     *smtp.Client
	since time.Time
}

// NewSMTP prepares the pool; connections are opened on first use.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	opts := []gomail.Option{
		gomail.WithPort(cfg.Port),
		gomail.WithTimeout(cfg.Timeout),
		// A NOOP before each message and a RSET after each would triple
		// the round trips: the pool checks idle connections itself, and a
		// transaction ends with the reply to DATA.
		gomail.WithoutNoop(),
		gomail.WithoutRset(),
	}
	switch cfg.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	default:
		return nil, fmt.Errorf("smtp: unknown TLS mode %q", cfg.TLS)
	}
	if cfg.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(cfg.TLSConfig))
	}
	if cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	if cfg.HELO != "" {
		opts = append(opts, gomail.WithHELO(cfg.HELO))
	}
	client, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("configure smtp client: %w", err)
	}
	n := max(cfg.Connections, 1)
	return &SMTP{client: client, timeout: cmp.Or(cfg.Timeout, 30*time.Second), slots: make(chan struct{}, n), idle: make(chan *pooledConn, n),
		active: map[*pooledConn]bool{}}, nil
}

// Send delivers e on a pooled connection, opening one if none is free.
func (s *SMTP) Send(ctx context.Context, e *Email) error {
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.slots }()
	pc, err := s.conn(ctx)
	if err != nil {
		return err
	}
	s.track(pc, true)
	err = s.transact(pc.c, e)
	s.track(pc, false)
	if err != nil && (IsTemporary(err) || pc.c.Reset() != nil) {
		// The connection may be what failed, or is in a state no RSET
		// clears: do not reuse it.
		_ = pc.c.Close()
		return err
	}
	pc.since = time.Now()
	s.idle <- pc // never blocks: there are as many places as slots
	return err
}

// transact runs one SMTP transaction within the timeout. A relay that
// stops answering fails it rather than hold the connection for ever.
func (s *SMTP) transact(c *smtp.Client, e *Email) error {
	if err := c.UpdateDeadline(s.timeout); err != nil {
		return fmt.Errorf("send message %s: %w", e.MessageID, err)
	}
	if pipelined(c, e) {
		return sendPipelined(c, e)
	}
	if err := c.Mail("<" + e.From + ">"); err != nil {
		return fmt.Errorf("send message %s: MAIL FROM: %w", e.MessageID, err)
	}
	if err := c.Rcpt("<" + e.To + ">"); err != nil {
		return fmt.Errorf("send message %s: RCPT TO: %w", e.MessageID, err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("send message %s: DATA: %w", e.MessageID, err)
	}
	if _, err := w.Write(e.Data); err != nil {
		_ = w.Close()
		return fmt.Errorf("send message %s: write data: %w", e.MessageID, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("send message %s: end of data: %w", e.MessageID, err)
	}
	return nil
}

func (s *SMTP) conn(ctx context.Context) (*pooledConn, error) {
	for {
		select {
		case pc := <-s.idle:
			if time.Since(pc.since) < idleCheck || pc.c.Noop() == nil {
				return pc, nil
			}
			_ = pc.c.Close()
		default:
			c, err := s.client.DialToSMTPClientWithContext(ctx)
			if err != nil {
				return nil, fmt.Errorf("connect to smtp server: %w: %w", ErrUnreachable, err)
			}
			return &pooledConn{c: c, since: time.Now()}, nil
		}
	}
}

func (s *SMTP) track(pc *pooledConn, active bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if active {
		s.active[pc] = true
	} else {
		delete(s.active, pc)
	}
}

// Abort closes the connections of the sends in progress, which then fail
// at once: the last step of a stop that could not wait for them. Whether
// the relay had accepted such a message is unknown; it will be sent again.
func (s *SMTP) Abort() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for pc := range s.active {
		_ = pc.c.Close()
	}
}

// Check opens a connection (EHLO, STARTTLS and AUTH as configured) and
// closes it, to tell at start whether the relay is usable.
func (s *SMTP) Check(ctx context.Context) error {
	c, err := s.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return fmt.Errorf("connect to smtp server: %w", err)
	}
	return s.client.CloseWithSMTPClient(c)
}

// Close says goodbye on every idle connection.
func (s *SMTP) Close() error {
	var errs []error
	for {
		select {
		case pc := <-s.idle:
			if err := s.client.CloseWithSMTPClient(pc.c); err != nil {
				errs = append(errs, err)
			}
		default:
			return errors.Join(errs...)
		}
	}
}
