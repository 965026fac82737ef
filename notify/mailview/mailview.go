// Package mailview reads a MIME message back as a mail client shows it:
// its decoded headers and its text parts. The previews of the command line
// (rappel preview), scripts/showmail and the tests read rappel's messages
// with it; it holds no SMTP code, so that the binary links none.
package mailview

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
)

// Message is a message read back: decoded headers and text parts.
type Message struct {
	Header mail.Header
	// Parts maps a media type ("text/plain", "text/html") to its decoded body.
	Parts map[string]string
	// ContentType is the top-level media type.
	ContentType string
}

// Read reads a message back as a mail client would.
func Read(data []byte) (Message, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return Message{}, fmt.Errorf("read message: %w", err)
	}
	p := Message{Header: msg.Header, Parts: map[string]string{}}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return Message{}, fmt.Errorf("read content type: %w", err)
	}
	p.ContentType = mediaType
	if !strings.HasPrefix(mediaType, "multipart/") {
		body, err := decodeBody(msg.Body, msg.Header.Get("Content-Transfer-Encoding"))
		p.Parts[mediaType] = body
		return p, err
	}
	return p, p.readParts(msg.Body, params["boundary"])
}

func (p *Message) readParts(r io.Reader, boundary string) error {
	mr := multipart.NewReader(r, boundary)
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read part: %w", err)
		}
		mediaType, params, err := mime.ParseMediaType(part.Header.Get("Content-Type"))
		if err != nil {
			return fmt.Errorf("read part type: %w", err)
		}
		if strings.HasPrefix(mediaType, "multipart/") {
			if err := p.readParts(part, params["boundary"]); err != nil {
				return err
			}
			continue
		}
		body, err := decodeBody(part, part.Header.Get("Content-Transfer-Encoding"))
		if err != nil {
			return err
		}
		p.Parts[mediaType] = body
	}
}

func decodeBody(r io.Reader, encoding string) (string, error) {
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, &lineSkipper{r: r})
	}
	b, err := io.ReadAll(r)
	return string(b), err
}

// Subject is the decoded subject.
func (p Message) Subject() string {
	s, err := new(mime.WordDecoder).DecodeHeader(p.Header.Get("Subject"))
	if err != nil {
		return p.Header.Get("Subject")
	}
	return s
}

// lineSkipper drops the line breaks of a base64 body.
type lineSkipper struct{ r io.Reader }

func (l *lineSkipper) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	j := 0
	for _, c := range p[:n] {
		if c != '\r' && c != '\n' {
			p[j] = c
			j++
		}
	}
	return j, err
}
