package notify

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Outbox writes each message as a .eml file in a folder instead of sending
// it: for a demo, or a dry run against real data. The file is named after
// the Message-ID, so a retry rewrites the same file.
type Outbox struct {
	dir string
}

// NewOutbox creates the folder if needed.
func NewOutbox(dir string) (*Outbox, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create outbox: %w", err)
	}
	return &Outbox{dir: dir}, nil
}

// Send writes msg atomically: a reader of the folder never sees half a file.
func (o *Outbox) Send(_ context.Context, e *Email) error {
	name := e.MessageID
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < ' ' {
			return '_'
		}
		return r
	}, name)
	tmp, err := os.CreateTemp(o.dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("write to outbox: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(e.Data); err != nil {
		tmp.Close()
		return fmt.Errorf("write to outbox: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write to outbox: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(o.dir, name+".eml")); err != nil {
		return fmt.Errorf("write to outbox: %w", err)
	}
	return nil
}

// Abort does nothing: a file is written in an instant.
func (o *Outbox) Abort() {}

// Close does nothing: files need no goodbye.
func (o *Outbox) Close() error { return nil }
