package notify

import (
	"errors"

	gomail "github.com/wneessen/go-mail"
)

// IsTemporary says whether a failed send may succeed later: a 4xx reply, a
// lost or refused connection, a timeout. A 5xx reply, or a message the
// client itself refuses, is permanent: retrying would fail the same way.
func IsTemporary(err error) bool {
	if err == nil {
		return false
	}
	var sendErr *gomail.SendError
	if !errors.As(err, &sendErr) {
		// Dialling, TLS and authentication failures, timeouts: no SMTP
		// verdict on the message itself.
		return true
	}
	switch sendErr.Reason {
	case gomail.ErrGetSender, gomail.ErrGetRcpts, gomail.ErrNoUnencoded:
		return false
	}
	// go-mail classifies replies by their code; an error without one is a
	// connection that broke.
	return sendErr.IsTemp() || sendErr.ErrorCode() == 0
}

// ErrorCode is the SMTP reply code of a failed send, or 0.
func ErrorCode(err error) int {
	var sendErr *gomail.SendError
	if errors.As(err, &sendErr) {
		return sendErr.ErrorCode()
	}
	return 0
}
