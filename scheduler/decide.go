package scheduler

import (
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/store"
)

// candidate is what is known about a claimed delivery just before it is
// sent, read again from the database under the session's fence.
type candidate struct {
	// Notice is the kind of a message that is not a reminder; empty for a
	// reminder.
	Notice kind.Message
	Due    time.Time
	Start  time.Time
	// MaxLate is the lateness limit of the reminder's offset.
	MaxLate time.Duration
	// Tried is true once an attempt was made: the lateness limit is for
	// reminders that fell due while no worker ran, not for retries.
	Tried bool
	// Cancelled and Current describe the session: cancelled, and still at
	// the schedule the delivery was planned for.
	Cancelled bool
	Current   bool
	// SignupOpen is false when the sign-up was unsubscribed.
	SignupOpen bool
	// SignupPending is true while the sign-up awaits its confirmation.
	SignupPending bool
	// SignupStatus is the sign-up's status; OfferOpen says its offer of a
	// place still runs.
	SignupStatus string
	OfferOpen    bool
	// LaterDue is true when a later reminder of the same sign-up and schedule
	// is already due: only that one is sent.
	LaterDue bool
}

// decide applies DESIGN.md's rules at send time. It returns whether to send
// and, when not, the reason recorded with the skipped delivery.
func decide(now time.Time, c candidate) (send bool, reason string) {
	if c.Notice != "" {
		return decideNotice(now, c)
	}
	switch {
	case c.Cancelled || !c.Current:
		return false, store.ReasonSessionChanged
	case !c.SignupOpen:
		return false, store.ReasonUnsubscribed
	case !now.Before(c.Start):
		return false, store.ReasonSessionStarted
	case c.LaterDue:
		return false, store.ReasonSuperseded
	case !c.Tried && now.Sub(c.Due) > c.MaxLate:
		return false, store.ReasonTooLate
	}
	return true, ""
}

// decideNotice: a cancellation notice goes to whoever is still signed up,
// until the time the session would have started; a reschedule notice only
// while it describes the current schedule, before the new start. A
// confirmation request goes to a sign-up still pending, an acknowledgement
// to a confirmed one, while the session is open.
func decideNotice(now time.Time, c candidate) (bool, string) {
	switch c.Notice {
	case kind.Confirmation:
		switch {
		case !c.SignupPending && c.SignupOpen:
			return false, store.ReasonAlreadyConfirmed
		case !c.SignupPending:
			return false, store.ReasonUnsubscribed
		case c.Cancelled:
			return false, store.ReasonSessionChanged
		case !now.Before(c.Start):
			return false, store.ReasonSessionStarted
		}
		return true, ""
	case kind.Confirmed:
		if c.Cancelled {
			return false, store.ReasonSessionChanged
		}
	case kind.Waitlisted:
		switch {
		case c.SignupStatus == store.SignupConfirmed || c.SignupStatus == store.SignupOffered:
			return false, store.ReasonSuperseded
		case c.SignupStatus != store.SignupWaitlisted:
			return false, store.ReasonUnsubscribed
		case c.Cancelled:
			return false, store.ReasonSessionChanged
		case !now.Before(c.Start):
			return false, store.ReasonSessionStarted
		}
		return true, ""
	case kind.Offer:
		// An offer is never sent once it ended, nor after the start.
		switch {
		case c.Cancelled:
			return false, store.ReasonSessionChanged
		case !now.Before(c.Start):
			return false, store.ReasonSessionStarted
		case c.SignupStatus != store.SignupOffered || !c.OfferOpen:
			return false, store.ReasonOfferEnded
		}
		return true, ""
	}
	switch {
	case !c.SignupOpen:
		return false, store.ReasonUnsubscribed
	case c.Notice == kind.Reschedule && (c.Cancelled || !c.Current):
		return false, store.ReasonSessionChanged
	case !now.Before(c.Start):
		return false, store.ReasonSessionStarted
	}
	return true, ""
}
