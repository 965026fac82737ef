package scheduler

import (
	"time"

	"github.com/robfig/cron/v3"
)

// oneShot is a cron.Schedule that fires once, at an exact instant. cron's
// own specs are minute- or second-grained and, read in local time, skip the
// hour lost in spring (robfig/cron PR #541); an instant computed in Go has
// neither problem.
type oneShot struct{ at time.Time }

// Next returns the instant once, then the zero time, which cron reads as
// "never again".
func (o oneShot) Next(t time.Time) time.Time {
	if o.at.After(t) {
		return o.at
	}
	return time.Time{}
}

// dueTimer keeps one oneShot entry in cron, armed at the next due instant.
type dueTimer struct {
	cron  *cron.Cron
	job   cron.Job
	entry cron.EntryID
	at    time.Time
}

// armIn arms the timer d from now, replacing the previous instant.
func (t *dueTimer) armIn(d time.Duration) {
	at := time.Now().Add(d)
	if t.entry != 0 && t.at.Equal(at) {
		return
	}
	t.disarm()
	if d <= 0 {
		t.job.Run()
		return
	}
	t.at = at
	t.entry = t.cron.Schedule(oneShot{at: at}, t.job)
}

func (t *dueTimer) disarm() {
	if t.entry != 0 {
		t.cron.Remove(t.entry)
		t.entry = 0
	}
}
