package bench

import (
	"context"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	gosmtp "github.com/wneessen/go-mail/smtp"

	"github.com/dinum/rappel/notify"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/token"
)

// distinctRendered bounds the messages rendered for the ceiling: beyond,
// they are sent again in turn, which the sink then counts as well.
const distinctRendered = 10_000

type ceilingResult struct {
	rate float64
	// cpu is the processor time of the sending, sinkCPU the sink's.
	cpu, sinkCPU time.Duration
}

// ceilingRun renders n reminders like the worker's beforehand, then sends
// them to a fresh sink over conns connections, as fast as go-mail can, and
// returns the messages per second from the first connection to the last
// acceptance. Plain, go-mail's client sends one command per round trip, as
// go-mail's own Send does; pipelined, the messages go through the worker's
// transport (notify's SMTP sender), which sends MAIL, RCPT and DATA in one
// write when the relay offers PIPELINING: what the machine can do.
func ceilingRun(b *testing.B, bins binaries, n, conns int, pipelined bool) ceilingResult {
	b.Helper()
	raw := renderAll(b, min(n, distinctRendered))
	sk := startSink(b, bins.sink, n, false)
	var sender notify.Sender = plainSender{addr: sk.addr, conns: make(chan *gosmtp.Client, conns)}
	if pipelined {
		host, port, err := net.SplitHostPort(sk.addr)
		if err != nil {
			b.Fatal(err)
		}
		portNum, _ := strconv.Atoi(port)
		smtp, err := notify.NewSMTP(notify.SMTPConfig{Host: host, Port: portNum, TLS: notify.TLSNone,
			Timeout: 30 * time.Second, Connections: conns})
		if err != nil {
			b.Fatal(err)
		}
		sender = smtp
	}
	defer sender.Close()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	cpuBefore := processCPU()
	begin := time.Now()
	for range conns {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := sender.Send(context.Background(), raw[i%len(raw)]); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatalf("ceiling: %v", err)
	}
	cpu := processCPU() - cpuBefore
	sk.waitDone(b, time.Minute)
	_, _, sinkCPU := sk.stop(b)
	at := sk.instants(b)
	return ceilingResult{rate: float64(n) / at[len(at)-1].Sub(begin).Seconds(), cpu: cpu, sinkCPU: sinkCPU}
}

// plainSender sends with go-mail's client, one command per round trip,
// over connections it keeps open.
type plainSender struct {
	addr  string
	conns chan *gosmtp.Client
}

func (p plainSender) Send(_ context.Context, e *notify.Email) error {
	var c *gosmtp.Client
	select {
	case c = <-p.conns:
	default:
		var err error
		if c, err = gosmtp.Dial(p.addr); err != nil {
			return err
		}
		if err := c.Hello("bench.invalid"); err != nil {
			return err
		}
	}
	if err := c.Mail(e.From); err != nil {
		return err
	}
	if err := c.Rcpt(e.To); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(e.Data); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	p.conns <- c
	return nil
}

func (plainSender) Abort() {}

func (p plainSender) Close() error {
	for {
		select {
		case c := <-p.conns:
			_ = c.Close()
		default:
			return nil
		}
	}
}

// processCPU is the processor time this process has used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// renderAll builds the H-1 reminders of the benchmark's session, as the
// worker would, to bytes.
func renderAll(b *testing.B, n int) []*notify.Email {
	b.Helper()
	tpl, err := templates.Load()
	if err != nil {
		b.Fatal(err)
	}
	signer, err := token.NewSigner([][]byte{[]byte(secretKey)})
	if err != nil {
		b.Fatal(err)
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		b.Fatal(err)
	}
	from, _ := mail.ParseAddress("DINUM <rappels@numerique.gouv.fr>")
	public, _ := url.Parse("https://rappel.numerique.gouv.fr")
	composer, err := notify.NewComposer(notify.ComposerConfig{
		From: from, PublicURL: public, Location: paris, Templates: tpl, Tokens: signer,
		Reminders: "des rappels la veille, puis une heure avant", ConfirmValidity: "48 heures",
	})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now().Add(time.Hour).Truncate(time.Second)
	p := benchSession(start)
	out := make([]*notify.Email, n)
	for i, a := range agents(n) {
		msg, err := composer.Compose(notify.Message{
			DeliveryID: int64(i + 1), Kind: "h1", SignupID: int64(i + 1),
			Recipient: templates.Recipient{Name: a.Name, Email: a.Email},
			Session: templates.SessionInput{ID: 1, Kind: p.Kind, Title: p.Title, Description: p.Description,
				JoinURL: p.JoinURL, StartsAt: p.StartsAt, EndsAt: p.EndsAt},
			Now: start.Add(-time.Hour), ScheduleVersion: 1,
		})
		if err != nil {
			b.Fatal(err)
		}
		out[i] = msg
	}
	return out
}
