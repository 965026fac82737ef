package notify

import (
	"errors"
	"net/textproto"
)

// IsTemporary says whether a failed send may succeed later: a 4xx reply, a
// lost or refused connection, a timeout. A 5xx reply is permanent: retrying
// would fail the same way.
func IsTemporary(err error) bool {
	if err == nil {
		return false
	}
	var reply *textproto.Error
	if !errors.As(err, &reply) {
		// Dialling, TLS and authentication failures, timeouts, a
		// connection that broke: no SMTP verdict on the message itself.
		return true
	}
	return reply.Code < 500
}

// ErrorCode is the SMTP reply code of a failed send, or 0.
func ErrorCode(err error) int {
	var reply *textproto.Error
	if errors.As(err, &reply) {
		return reply.Code
	}
	return 0
}
