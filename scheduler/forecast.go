package scheduler

import (
	"time"

	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/when"
)

// Situation is what is known, at Now, of one reminder of one sign-up: the
// input of Foresee. The worker is assumed to be running from Now on.
type Situation struct {
	Now      time.Time
	Reminder when.Reminder
	// Due is the reminder's due instant at the session's current schedule.
	Due time.Time
	// The session: its start, whether it is cancelled, when its schedule
	// last changed (its creation, or its last move).
	Start             time.Time
	Cancelled         bool
	ScheduleChangedAt time.Time
	// The sign-up: confirmed (else pending or unsubscribed), and when.
	Confirmed   bool
	ConfirmedAt time.Time
	// Planned is true once the delivery exists (pending); Tried once an
	// attempt was made.
	Planned bool
	Tried   bool
	// AlreadySent is true when the same reminder was sent for an earlier
	// schedule, less than its offset away from Due.
	AlreadySent bool
	// OtherDues are the due instants of the sign-up's other reminders at
	// the same schedule.
	OtherDues []time.Time
}

// Outlook is what the scheduler will do with a reminder.
type Outlook struct {
	Send bool
	// At is when it leaves: its due instant, or Now when that is past.
	At time.Time
	// Reason is why it will not leave, as the delivery will record it.
	Reason string
}

// Foresee applies to one reminder the rules the scheduler applies: those
// of planning (the ones store.PlanDeliveries writes in SQL, the same) and
// then those of the send (decide), at the instant it would leave. rappel
// plan calls it, so that its forecast is the worker's decision.
func Foresee(s Situation) Outlook {
	if !s.Planned {
		switch {
		case s.Cancelled:
			return Outlook{Reason: store.ReasonSessionCancelled}
		case !s.Due.After(s.ConfirmedAt) || !s.Due.After(s.ScheduleChangedAt):
			return Outlook{Reason: store.ReasonPastAtSignup}
		case s.AlreadySent:
			return Outlook{Reason: store.ReasonAlreadySent}
		}
	}
	at := s.Due
	if s.Now.After(at) {
		at = s.Now
	}
	later := false
	for _, d := range s.OtherDues {
		later = later || (d.After(s.Due) && !d.After(at))
	}
	send, reason := decide(at, candidate{
		Due: s.Due, Start: s.Start, MaxLate: s.Reminder.MaxLate, Tried: s.Tried,
		Cancelled: s.Cancelled, Current: true, SignupOpen: s.Confirmed, LaterDue: later,
	})
	return Outlook{Send: send, At: at, Reason: reason}
}
