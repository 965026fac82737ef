package notify

import (
	"bytes"
	"fmt"

	"github.com/wneessen/go-mail/smtp"
)

// pipelined says whether e can go by sendPipelined: the relay pipelines
// (RFC 2920), and no line of e starts with a dot, which the messages of
// drafts never do (appendQP encodes such a dot), so that the data is sent
// as it is, without dot-stuffing.
func pipelined(c *smtp.Client, e *Email) bool {
	ok, _ := c.Extension("PIPELINING")
	return ok && !bytes.HasPrefix(e.Data, []byte(".")) && !bytes.Contains(e.Data, []byte("\n."))
}

// sendPipelined runs one SMTP transaction in two round trips instead of
// four: MAIL, RCPT and DATA leave together and their replies are read
// together, then the message and its end. go-mail exports the connection
// for such extensions; the replies are checked as go-mail would.
func sendPipelined(c *smtp.Client, e *Email) error {
	t := c.Text
	w := t.W
	w.WriteString("MAIL FROM:<")
	w.WriteString(e.From)
	w.WriteString(">\r\nRCPT TO:<")
	w.WriteString(e.To)
	w.WriteString(">\r\nDATA\r\n")
	if err := w.Flush(); err != nil {
		return fmt.Errorf("send message %s: MAIL FROM: %w", e.MessageID, err)
	}
	_, _, errMail := t.ReadResponse(250)
	_, _, errRcpt := t.ReadResponse(25)
	_, _, errData := t.ReadResponse(354)
	if errData == nil && (errMail != nil || errRcpt != nil) {
		// A relay that took DATA without a sender or a recipient gets an
		// empty message, which it will refuse.
		w.WriteString(".\r\n")
		if err := w.Flush(); err != nil {
			return fmt.Errorf("send message %s: end of data: %w", e.MessageID, err)
		}
		_, _, _ = t.ReadResponse(250)
	}
	switch {
	case errMail != nil:
		return fmt.Errorf("send message %s: MAIL FROM: %w", e.MessageID, errMail)
	case errRcpt != nil:
		return fmt.Errorf("send message %s: RCPT TO: %w", e.MessageID, errRcpt)
	case errData != nil:
		return fmt.Errorf("send message %s: DATA: %w", e.MessageID, errData)
	}
	w.Write(e.Data)
	if !bytes.HasSuffix(e.Data, []byte("\r\n")) {
		w.WriteString("\r\n")
	}
	w.WriteString(".\r\n")
	if err := w.Flush(); err != nil {
		return fmt.Errorf("send message %s: write data: %w", e.MessageID, err)
	}
	if _, _, err := t.ReadResponse(250); err != nil {
		return fmt.Errorf("send message %s: end of data: %w", e.MessageID, err)
	}
	return nil
}
