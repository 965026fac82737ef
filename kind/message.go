package kind

import (
	"slices"
	"strings"
)

// Message is the kind of a message: "j1", "h1", "reminder-2m",
// "confirmation"… It is the X-Rappel-Kind header and the kind of the
// delivery that carries it.
type Message string

// The messages that are not reminders, and the two reminders named apart.
const (
	// Confirmation asks a person who signed up on the public page to
	// confirm (double opt-in); Confirmed acknowledges it.
	Confirmation Message = "confirmation"
	Confirmed    Message = "confirmed"
	// Cancellation and Reschedule tell the people signed up that their
	// session is cancelled or moved.
	Cancellation Message = "cancellation"
	Reschedule   Message = "reschedule"
	// Waitlisted tells a person the session is full and where they stand
	// on its waiting list; Offer, that a place freed for them.
	Waitlisted Message = "waitlisted"
	Offer      Message = "offer"
	// J1 is the reminder of offset "1d", the day before at the same time;
	// H1 that of "1h", an hour before.
	J1 Message = "j1"
	H1 Message = "h1"
)

// reminderPrefix starts the kind of a reminder of any other offset.
const reminderPrefix = "reminder-"

// ReminderPattern matches the kinds of reminders, as a regular expression
// for SQL (PostgreSQL's ~) and Go alike.
const ReminderPattern = `^(j1|h1|reminder-)`

// NoticeInfo is one row of the table of the messages that are not
// reminders.
type NoticeInfo struct {
	Kind Message
	// Label names the message for an organiser (rappel deliveries).
	Label string
}

// Notices is the table of the messages that are not reminders. Each is
// written by the template pair of its name (templates/email/<kind>.*).
var Notices = []NoticeInfo{
	{Kind: Confirmation, Label: "demande de confirmation"},
	{Kind: Confirmed, Label: "inscription confirmée"},
	{Kind: Cancellation, Label: "avis d’annulation"},
	{Kind: Reschedule, Label: "avis de changement d’horaire"},
	{Kind: Waitlisted, Label: "inscription en liste d’attente"},
	{Kind: Offer, Label: "offre d’une place libérée"},
}

// ForReminder is the kind of the reminder of an offset label ("1d",
// "1h", "15m"): "j1" and "h1" for the default ones, "reminder-<label>"
// otherwise.
func ForReminder(label string) Message {
	switch label {
	case "1d":
		return J1
	case "1h":
		return H1
	}
	return Message(reminderPrefix + label)
}

// ReminderOffset is the offset label of a reminder kind; ok is false for
// the other kinds.
func (m Message) ReminderOffset() (label string, ok bool) {
	switch {
	case m == J1:
		return "1d", true
	case m == H1:
		return "1h", true
	case strings.HasPrefix(string(m), reminderPrefix):
		return strings.TrimPrefix(string(m), reminderPrefix), true
	}
	return "", false
}

// IsNotice says whether m is a row of Notices.
func (m Message) IsNotice() bool {
	return slices.ContainsFunc(Notices, func(n NoticeInfo) bool { return n.Kind == m })
}

// Template is the name of the template pair that writes m: its own for
// the notices and the two default reminders, "reminder" for the others.
func (m Message) Template() string {
	if m != J1 && m != H1 && strings.HasPrefix(string(m), reminderPrefix) {
		return "reminder"
	}
	return string(m)
}

// Templates are the names of every template pair of messages.
func Templates() []string {
	out := []string{string(J1), string(H1), "reminder"}
	for _, n := range Notices {
		out = append(out, string(n.Kind))
	}
	return out
}

// Label names a notice for an organiser; empty for a reminder, whose
// words depend on its offset.
func (m Message) Label() string {
	for _, n := range Notices {
		if n.Kind == m {
			return n.Label
		}
	}
	return ""
}
