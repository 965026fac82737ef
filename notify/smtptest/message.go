package smtptest

import (
	"bytes"
	"net/mail"
	"time"

	"github.com/dinum/rappel/notify/mailview"
)

// Message is one accepted message, as received.
type Message struct {
	From string
	To   []string
	Data []byte
	// Helo is the name the client gave in EHLO.
	Helo string
	// At is when the server accepted it.
	At time.Time
}

// Parsed is a message read back: decoded headers and text parts.
type Parsed = mailview.Message

// Parse reads the message back as a mail client would.
func (m Message) Parse() (Parsed, error) {
	return mailview.Read(m.Data)
}

// MessageID is the message's Message-ID header, read without parsing the
// whole message.
func (m Message) MessageID() string {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return ""
	}
	return msg.Header.Get("Message-Id")
}
