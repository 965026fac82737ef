// Package smtptest runs a real SMTP server (emersion/go-smtp) inside a test
// process, records what it accepts and can be told to refuse, to be slow,
// to drop connections or to go away: rappel's tests talk SMTP to it exactly
// as to a relay.
package smtptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// ErrDrop, returned by OnData, closes the connection after the whole
// message was received and before the reply: the client cannot know the
// message arrived, the worst case of at-least-once delivery.
var ErrDrop = errors.New("drop the connection")

// Options shape the server.
type Options struct {
	// Username and Password, when set, make AUTH PLAIN mandatory.
	Username string
	Password string
	// StartTLS offers STARTTLS with a self-signed certificate; ImplicitTLS
	// speaks TLS from the first byte (SMTPS).
	StartTLS    bool
	ImplicitTLS bool
	// Delay is how long each message takes to be accepted: a slow relay.
	Delay time.Duration
	// OnRcpt, when set, may refuse a recipient with an *smtp.SMTPError.
	OnRcpt func(to string) error
	// OnData, when set, may refuse a message after its data with an
	// *smtp.SMTPError, or drop the connection with ErrDrop.
	OnData func(m Message) error
}

// Server is a running test server.
type Server struct {
	Host string
	Port int
	// ClientTLS trusts the server's certificate; CertPEM is that
	// certificate, for a client configured by file.
	ClientTLS *tls.Config
	CertPEM   []byte

	t         testing.TB
	opts      Options
	serverTLS *tls.Config
	mu        sync.Mutex
	srv       *smtp.Server
	ln        net.Listener
	done      chan struct{}
	messages  []Message
	dropped   []Message
	arrived   chan struct{}
	conns     map[*smtp.Conn]bool
}

// Start runs a server on a free loopback port until the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s := &Server{t: t, opts: opts, arrived: make(chan struct{}, 1), conns: map[*smtp.Conn]bool{}, Host: "127.0.0.1"}
	if opts.StartTLS || opts.ImplicitTLS {
		s.serverTLS, s.ClientTLS, s.CertPEM = selfSigned(t)
	}
	s.listen("127.0.0.1:0")
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) listen(addr string) {
	srv := smtp.NewServer(backend{s})
	srv.Domain = "smtp.test"
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.AllowInsecureAuth = !s.opts.StartTLS && !s.opts.ImplicitTLS
	srv.ErrorLog = discardLogger{}
	srv.TLSConfig = s.serverTLS
	var ln net.Listener
	var err error
	for range 50 { // the port of a stopped server may take a moment to free
		if s.opts.ImplicitTLS {
			ln, err = tls.Listen("tcp", addr, s.serverTLS)
		} else {
			ln, err = net.Listen("tcp", addr)
		}
		if err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatalf("smtptest: listen: %v", err)
	}
	s.Port = ln.Addr().(*net.TCPAddr).Port
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	s.mu.Lock()
	s.srv, s.ln, s.done = srv, ln, done
	s.mu.Unlock()
}

// Stop closes the server and every connection: the relay is down.
func (s *Server) Stop() {
	s.mu.Lock()
	srv, ln, done := s.srv, s.ln, s.done
	s.srv = nil
	s.mu.Unlock()
	if srv == nil {
		return
	}
	// The listener too: Serve may not have registered it with the server
	// yet, and Close would then miss it.
	_ = ln.Close()
	_ = srv.Close()
	<-done
}

// Restart brings a stopped server back on the same port.
func (s *Server) Restart() {
	s.listen(net.JoinHostPort(s.Host, strconv.Itoa(s.Port)))
}

// Messages returns what was accepted so far, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Dropped returns the messages received whole but never acknowledged.
func (s *Server) Dropped() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.dropped...)
}

// Connections counts the connections opened to the server.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// Wait returns once n messages were accepted, or fails the test after
// timeout.
func (s *Server) Wait(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if msgs := s.Messages(); len(msgs) >= n {
			return msgs
		}
		select {
		case <-s.arrived:
		case <-deadline:
			t.Fatalf("smtptest: %d message(s) received in %s, want %d", len(s.Messages()), timeout, n)
		}
	}
}

func (s *Server) accept(c *smtp.Conn, m Message) error {
	if s.opts.Delay > 0 {
		time.Sleep(s.opts.Delay)
	}
	if s.opts.OnData != nil {
		if err := s.opts.OnData(m); errors.Is(err, ErrDrop) {
			s.mu.Lock()
			s.dropped = append(s.dropped, m)
			s.mu.Unlock()
			_ = c.Conn().Close()
			return err
		} else if err != nil {
			return err
		}
	}
	m.At = time.Now()
	s.mu.Lock()
	s.messages = append(s.messages, m)
	s.mu.Unlock()
	select {
	case s.arrived <- struct{}{}:
	default:
	}
	return nil
}

type backend struct{ s *Server }

// NewSession is called for each connection, and again after STARTTLS.
func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	b.s.mu.Lock()
	b.s.conns[c] = true
	b.s.mu.Unlock()
	return &session{s: b.s, conn: c}, nil
}

type session struct {
	s      *Server
	conn   *smtp.Conn
	authed bool
	from   string
	to     []string
}

func (ss *session) AuthMechanisms() []string {
	if ss.s.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != ss.s.opts.Username || pass != ss.s.opts.Password {
			return errors.New("invalid credentials")
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.opts.Username != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.s.opts.OnRcpt != nil {
		if err := ss.s.opts.OnRcpt(to); err != nil {
			return err
		}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := Message{From: ss.from, To: append([]string(nil), ss.to...), Data: data, Helo: ss.conn.Hostname()}
	return ss.s.accept(ss.conn, m)
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error { return nil }

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}
func (discardLogger) Println(...any)        {}

// selfSigned makes a certificate for 127.0.0.1 and a client configuration
// that trusts it.
func selfSigned(t testing.TB) (*tls.Config, *tls.Config, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "smtp.test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	client := &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	return server, client, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
