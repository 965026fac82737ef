package scheduler

import (
	"testing"
	"time"

	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/when"
)

func TestForesee(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 10, 24, 12, 0, 0, 0, time.UTC)
	h1, _ := when.ParseReminder("1h")
	base := Situation{
		Now: now, Reminder: h1, Due: now.Add(time.Hour), Start: now.Add(2 * time.Hour),
		ScheduleChangedAt: now.Add(-24 * time.Hour), Confirmed: true, ConfirmedAt: now.Add(-time.Hour),
	}
	for _, tc := range []struct {
		name   string
		change func(*Situation)
		send   bool
		at     time.Time
		reason string
	}{
		{"OnTime", func(*Situation) {}, true, now.Add(time.Hour), ""},
		{"DueBeforeTheSignUp", func(s *Situation) { s.ConfirmedAt = s.Due.Add(time.Minute) }, false, time.Time{}, store.ReasonPastAtSignup},
		{"DueBeforeTheMove", func(s *Situation) { s.ScheduleChangedAt = s.Due }, false, time.Time{}, store.ReasonPastAtSignup},
		{"AlreadySentForTheOldTime", func(s *Situation) { s.AlreadySent = true }, false, time.Time{}, store.ReasonAlreadySent},
		{"PlannedAlreadySentDoesNotApply", func(s *Situation) { s.AlreadySent, s.Planned = true, true }, true, now.Add(time.Hour), ""},
		{"CancelledSession", func(s *Situation) { s.Cancelled = true }, false, time.Time{}, store.ReasonSessionCancelled},
		{"LateWithinTheLimit", func(s *Situation) { s.Due, s.Planned = now.Add(-10*time.Minute), true }, true, now, ""},
		{"TooLate", func(s *Situation) { s.Due, s.Planned = now.Add(-16*time.Minute), true }, false, now, store.ReasonTooLate},
		{"RetriedPastTheLimit", func(s *Situation) { s.Due, s.Planned, s.Tried = now.Add(-16*time.Minute), true, true }, true, now, ""},
		{"Superseded", func(s *Situation) {
			s.Due, s.Planned, s.OtherDues = now.Add(-10*time.Minute), true, []time.Time{now.Add(-time.Minute)}
		}, false, now, store.ReasonSuperseded},
		{"SessionStarted", func(s *Situation) { s.Due, s.Start, s.Planned = now.Add(-time.Minute), now, true }, false, now, store.ReasonSessionStarted},
		{"Unsubscribed", func(s *Situation) { s.Confirmed, s.Planned = false, true }, false, now.Add(time.Hour), store.ReasonUnsubscribed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := base
			tc.change(&s)
			o := Foresee(s)
			if o.Send != tc.send || o.Reason != tc.reason || (!tc.at.IsZero() && !o.At.Equal(tc.at)) {
				t.Errorf("Foresee = %+v; want send %v at %s, reason %q", o, tc.send, tc.at, tc.reason)
			}
		})
	}
}
