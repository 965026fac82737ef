package notify

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/when"
)

// Previewer builds the messages of a session as they will leave, for a
// person to read before they do: `rappel preview`, `rappel send-test` and
// the organisers' space.
type Previewer struct {
	Composer  *Composer
	Reminders []when.Reminder
	// Location is the zone of sessions that name none.
	Location *time.Location
	// WorkingDays, when set, moves the reminders counted in days off the
	// days nobody works, as the scheduler does.
	WorkingDays *when.WorkingDays
}

// SampleRecipient is whom a preview is addressed to.
var SampleRecipient = templates.Recipient{Name: "Camille Exemple", Email: "camille.exemple@example.gouv.fr"}

// ErrUnknownKind: no such message for this configuration.
var ErrUnknownKind = errors.New("unknown message kind")

// Kinds are the messages a session's people may get, in the order they
// come: the confirmation request, the acknowledgement, the session's
// reminders, the reschedule and cancellation notices, and the waiting
// list's.
func (p *Previewer) Kinds(s templates.SessionInput) []kind.Message {
	out := []kind.Message{kind.Confirmation, kind.Confirmed}
	for _, r := range p.reminders(s) {
		out = append(out, r.Kind())
	}
	return append(out, kind.Reschedule, kind.Cancellation, kind.Waitlisted, kind.Offer)
}

// reminders is the session's own set, else the configured one.
func (p *Previewer) reminders(s templates.SessionInput) []when.Reminder {
	return when.SetOr(s.Reminders, p.Reminders)
}

// Message is the message of kind k about s as it would be built when it
// leaves (a reminder at its due time, a notice now), for to.
func (p *Previewer) Message(s templates.SessionInput, version int, k kind.Message, to templates.Recipient) (Message, error) {
	now := time.Now()
	if !k.IsNotice() {
		r, ok := when.ReminderForKind(when.KindOffsets(p.reminders(s)), k)
		if !ok {
			return Message{}, ErrUnknownKind
		}
		now = p.WorkingDays.DueAt(r, s.StartsAt, when.Zone(s.Zone, p.Location))
	}
	m := Message{Kind: k, Recipient: to, Now: now, ScheduleVersion: version, Session: s, TestID: testID()}
	switch k {
	case kind.Confirmation:
		m.ConfirmToken = "exemple"
	case kind.Waitlisted:
		m.WaitPosition = 3
	case kind.Offer:
		until := now.Add(12 * time.Hour)
		m.OfferUntil = &until
	case kind.Reschedule:
		// The notice shows the time before the move: for a preview, the
		// day before.
		prev := s.StartsAt.AddDate(0, 0, -1)
		m.PreviousStartsAt = &prev
		if s.EndsAt != nil {
			prevEnd := s.EndsAt.AddDate(0, 0, -1)
			m.PreviousEndsAt = &prevEnd
		}
	}
	return m, nil
}

// Build is Message, composed.
func (p *Previewer) Build(s templates.SessionInput, version int, k kind.Message, to templates.Recipient) (*Email, error) {
	m, err := p.Message(s, version, k, to)
	if err != nil {
		return nil, err
	}
	return p.Composer.Compose(m)
}

func testID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
