package bench

import (
	"net/mail"
	"net/url"
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
// acceptance.
func ceilingRun(b *testing.B, bins binaries, n, conns int) ceilingResult {
	b.Helper()
	raw := renderAll(b, min(n, distinctRendered))
	sk := startSink(b, bins.sink, n, false)
	from := "rappels@numerique.gouv.fr"
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	cpuBefore := processCPU()
	begin := time.Now()
	for range conns {
		wg.Go(func() {
			c, err := gosmtp.Dial(sk.addr)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			if err := c.Hello("bench.invalid"); err != nil {
				errs <- err
				return
			}
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := sendRaw(c, from, raw[i%len(raw)]); err != nil {
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

// processCPU is the processor time this process has used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func sendRaw(c *gosmtp.Client, from string, m rendered) error {
	if err := c.Mail(from); err != nil {
		return err
	}
	if err := c.Rcpt(m.to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(m.data); err != nil {
		return err
	}
	return w.Close()
}

type rendered struct {
	to   string
	data []byte
}

// renderAll builds the H-1 reminders of the benchmark's session, as the
// worker would, to bytes.
func renderAll(b *testing.B, n int) []rendered {
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
		Reminders: "la veille et une heure avant", ConfirmValidity: "48 heures",
	})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now().Add(time.Hour).Truncate(time.Second)
	p := benchSession(start)
	out := make([]rendered, n)
	for i, a := range agents(n) {
		msg, err := composer.Compose(notify.Message{
			DeliveryID: int64(i + 1), Kind: "h1", SignupID: int64(i + 1),
			Recipient: templates.Recipient{Name: a.Name, Email: a.Email},
			Session: templates.SessionInput{ID: 1, Kind: p.Kind, Title: p.Title, Description: p.Description,
				URL: p.URL, StartsAt: p.StartsAt, EndsAt: p.EndsAt},
			Now: start.Add(-time.Hour), ScheduleVersion: 1,
		})
		if err != nil {
			b.Fatal(err)
		}
		out[i] = rendered{to: a.Email, data: msg.Data}
	}
	return out
}
