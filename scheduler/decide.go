package scheduler

import (
	"time"

	"github.com/dinum/rappel/store"
)

// candidate is what is known about a claimed reminder just before it is
// sent, read again from the database under the session's fence.
type candidate struct {
	Due   time.Time
	Start time.Time
	// MaxLate is the lateness limit of the reminder's offset.
	MaxLate time.Duration
	// SessionOpen is false when the session was cancelled or moved since the
	// delivery was planned.
	SessionOpen bool
	// SignupOpen is false when the sign-up was unsubscribed.
	SignupOpen bool
	// LaterDue is true when a later reminder of the same sign-up and schedule
	// is already due: only that one is sent.
	LaterDue bool
}

// decide applies DESIGN.md's rules at send time. It returns whether to send
// and, when not, the reason recorded with the skipped delivery.
func decide(now time.Time, c candidate) (send bool, reason string) {
	switch {
	case !c.SessionOpen:
		return false, store.ReasonSessionChanged
	case !c.SignupOpen:
		return false, store.ReasonUnsubscribed
	case !now.Before(c.Start):
		return false, store.ReasonSessionStarted
	case c.LaterDue:
		return false, store.ReasonSuperseded
	case now.Sub(c.Due) > c.MaxLate:
		return false, store.ReasonTooLate
	}
	return true, ""
}
