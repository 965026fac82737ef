package notify

import (
	"crypto/rand"
	"encoding/hex"
	"mime"
	"strings"
)

// This file writes MIME (RFC 2045–2047) by hand, for one reason: a draft is
// encoded once for every recipient of a session, with holes where each one's
// values go (draft.go), which no mail library offers. go-mail still carries
// every message to the relay (smtp.go).

// qpLineMax is the most characters of a quoted-printable line before its
// soft break "=": 76 in all (RFC 2045, 6.7).
const qpLineMax = 75

const upperHex = "0123456789ABCDEF"

// appendQP appends s, a text whose lines end in "\n", encoded as
// quoted-printable, from column col; it returns the new column. Line breaks
// become CRLF; a space or tab at the end of a line is encoded, so that no
// transport can strip it, and so is one at the end of s when s ends the
// part (final).
func appendQP(dst []byte, s string, col int, final bool) ([]byte, int) {
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case b == '\n':
			dst, col = append(dst, '\r', '\n'), 0
			continue
		case b == '\r' && i+1 < len(s) && s[i+1] == '\n':
			continue
		}
		literal := b >= '!' && b <= '~' && b != '='
		if b == ' ' || b == '\t' {
			literal = i+1 < len(s) && s[i+1] != '\n' && s[i+1] != '\r' || i+1 == len(s) && !final
		}
		n := 3
		if literal {
			n = 1
		}
		if col+n > qpLineMax {
			dst, col = append(dst, '=', '\r', '\n'), 0
		}
		// A dot that starts a line is encoded: SMTP would otherwise have
		// to double it (sendPipelined relies on there being none).
		if b == '.' && col == 0 {
			literal, n = false, 3
		}
		if literal {
			dst = append(dst, b)
		} else {
			dst = append(dst, '=', upperHex[b>>4], upperHex[b&15])
		}
		col += n
	}
	return dst, col
}

// appendHeader appends one header field, its value encoded (RFC 2047) when
// it is not plain ASCII, and folded so that lines stay short.
func appendHeader(dst []byte, name, value string) []byte {
	dst = append(dst, name...)
	dst = append(dst, ':')
	if !isPlainASCII(value) {
		// The encoder splits long text into words of at most 75 characters:
		// each gets a line.
		for _, w := range strings.Split(mime.QEncoding.Encode("UTF-8", value), " ") {
			dst = append(dst, "\r\n "...)
			dst = append(dst, w...)
		}
		return append(dst, '\r', '\n')
	}
	col := len(name) + 1
	for i, w := range strings.Split(value, " ") {
		if i > 0 && col+1+len(w) > 78 {
			dst, col = append(dst, "\r\n"...), 0
		}
		dst = append(dst, ' ')
		dst = append(dst, w...)
		col += 1 + len(w)
	}
	return append(dst, '\r', '\n')
}

// isPlainASCII says whether s can stand in a header as it is: printable
// ASCII, nothing that looks like an encoded word.
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return !strings.Contains(s, "=?")
}

// newBoundary is a random multipart boundary, which no encoded line can
// contain by chance.
func newBoundary() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "rappel-" + hex.EncodeToString(b[:])
}

// htmlEscape escapes text for an HTML text node or quoted attribute exactly
// as html/template does, so that a value put in a hole reads as if the
// template had written it.
func htmlEscape(s string) string {
	if !strings.ContainsAny(s, "\x00\"&'+<>") {
		return s
	}
	return htmlEscaper.Replace(s)
}

var htmlEscaper = strings.NewReplacer(
	"\x00", "\uFFFD",
	`"`, "&#34;",
	"&", "&amp;",
	"'", "&#39;",
	"+", "&#43;",
	"<", "&lt;",
	">", "&gt;",
)
