package notify_test

import (
	"fmt"
	"testing"
)

// BenchmarkCompose builds the H-1 reminders of one session for many
// recipients, as the worker does: from the session's draft.
func BenchmarkCompose(b *testing.B) {
	c := composer(b)
	m := webinaire(b)
	emails := make([]string, 1000)
	for i := range emails {
		emails[i] = fmt.Sprintf("agent.%04d@ministere.gouv.fr", i)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.DeliveryID, m.SignupID = int64(i), int64(i)
		m.Recipient.Email = emails[i%len(emails)]
		if _, err := c.Compose(m); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
