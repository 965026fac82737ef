package notify

import (
	"fmt"

	"github.com/dinum/rappel/kind"

	"github.com/dinum/rappel/templates"
)

// Compose builds the email of m: from the draft its session shares with
// the other recipients when it can, else on its own.
func (c *Composer) Compose(m Message) (*Email, error) {
	var d *draft
	var err error
	// The waiting list's messages say the person's own rank and deadline:
	// they share no draft.
	personal := m.Kind == kind.Waitlisted || m.Kind == kind.Offer
	if m.TestID == "" && !personal && fillsSafely(m.Recipient.Name) && fillsSafely(m.Recipient.Email) {
		d, err = c.drafts.get(c.key(m), func() (*draft, error) { return c.newDraft(m, true) })
		if err != nil {
			return nil, fmt.Errorf("compose delivery %d: %w", m.DeliveryID, err)
		}
	}
	if d == nil || !d.fillable {
		if d, err = c.newDraft(m, false); err != nil {
			return nil, fmt.Errorf("compose delivery %d: %w", m.DeliveryID, err)
		}
	}
	id := c.MessageID(m.DeliveryID, m.Kind)
	if m.TestID != "" {
		id = "rappel.test-" + m.TestID + "." + string(m.Kind) + "@" + c.domain
	}
	return c.email(d, m, id), nil
}

// key is what the draft of m depends on.
func (c *Composer) key(m Message) draftKey {
	s := m.Session
	left, soon := templates.Relative(m.Now, s.StartsAt, c.zone(s))
	k := draftKey{
		kind: m.Kind, sessionKind: s.Kind, title: s.Title, description: s.Description,
		location: s.Location, joinURL: s.JoinURL, pageURL: s.PageURL, contact: s.Contact, zone: s.Zone, reminders: s.Reminders, timeLeft: left, session: s.ID, starts: s.StartsAt.UnixNano(),
		version: m.ScheduleVersion, accessible: s.Accessible, soon: soon, hasName: m.Recipient.Name != "",
	}
	if s.EndsAt != nil {
		k.ends = s.EndsAt.UnixNano()
	}
	if m.PreviousStartsAt != nil {
		k.prevStart = m.PreviousStartsAt.UnixNano()
	}
	if m.PreviousEndsAt != nil {
		k.prevEnd = m.PreviousEndsAt.UnixNano()
	}
	return k
}

// email is m's message: its own headers, then d filled in for its
// recipient.
func (c *Composer) email(d *draft, m Message, id string) *Email {
	v := c.values(m)
	buf := make([]byte, 0, d.size+1024)
	buf = c.appendOwnHeaders(buf, m, id, v.unsubscribe)
	buf = d.fill(buf, &v)
	return &Email{From: c.cfg.From.Address, To: m.Recipient.Email, MessageID: id, Data: buf}
}
