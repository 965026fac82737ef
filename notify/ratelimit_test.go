package notify_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dinum/rappel/notify"
	"github.com/dinum/rappel/notify/smtptest"
)

// TestRateLimitIsExact sends from four connections at once through a limit
// of 40 messages a second: a relay that enforces it must never see more,
// at the start included (no burst), and the limit must not be a ceiling
// far above what is reached.
func TestRateLimitIsExact(t *testing.T) {
	t.Parallel()
	const rate, n = 40.0, 41
	srv := smtptest.Start(t, smtptest.Options{})
	smtp, err := notify.NewSMTP(notify.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: notify.TLSNone, Timeout: 5 * time.Second, Connections: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer smtp.Close()
	s := notify.RateLimited(smtp, rate)
	c := composer(t)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := range jobs {
				m := webinaire(t)
				m.DeliveryID, m.Recipient.Email = int64(i+1), fmt.Sprintf("agent%d@example.gouv.fr", i)
				e, err := c.Compose(m)
				if err == nil {
					err = s.Send(context.Background(), e)
				}
				if err != nil {
					t.Error(err)
				}
			}
		})
	}
	start := time.Now()
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	took := time.Since(start)
	msgs := srv.Wait(t, n, 5*time.Second)
	// n messages at an exact rate take (n-1)/rate from the first to the
	// last: never less.
	first, last := msgs[0].At, msgs[0].At
	for _, m := range msgs {
		if m.At.Before(first) {
			first = m.At
		}
		if m.At.After(last) {
			last = m.At
		}
	}
	if least := time.Duration(float64(n-1) / rate * float64(time.Second)); last.Sub(first) < least-20*time.Millisecond {
		t.Errorf("%d messages accepted within %v at %v a second: the limit let a burst through", n, last.Sub(first), rate)
	}
	// The upper bound is loose, for a loaded machine: it only catches a
	// limiter that waits a whole period too many.
	if took > 2*time.Second {
		t.Errorf("%d messages at %v a second took %v", n, rate, took)
	}
}
