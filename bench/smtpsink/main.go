// Command smtpsink is the SMTP server of the benchmarks: it accepts every
// message, reads it to the end, and notes when it was accepted and its
// Message-ID. It runs in a process of its own so that its CPU is not counted
// in the worker's.
//
//	smtpsink -expect N -out FILE
//
// It prints "listening HOST:PORT" once ready. When N distinct messages have
// been accepted it writes their acceptance instants to FILE (Unix
// nanoseconds, one a line, in order) and prints "done"; it then keeps
// accepting, and on SIGTERM prints "total T distinct D" and exits. With
// -dedupe=false every message counts, whatever its Message-ID.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/emersion/go-smtp"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listening address")
	expect := flag.Int("expect", 0, "distinct messages to wait for")
	out := flag.String("out", "", "file for the acceptance instants")
	dedupe := flag.Bool("dedupe", true, "count a Message-ID seen before as a duplicate, not a message")
	flag.Parse()
	if *expect <= 0 || *out == "" {
		log.Fatal("smtpsink: -expect and -out are required")
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("smtpsink: %v", err)
	}
	b := &backend{expect: *expect, out: *out, dedupe: *dedupe, seen: make(map[string]struct{}, *expect),
		at: make([]int64, 0, *expect)}
	s := smtp.NewServer(b)
	s.Domain = "sink.invalid"
	s.AllowInsecureAuth = true
	s.MaxMessageBytes = 10 << 20
	s.MaxRecipients = 1
	s.ReadTimeout, s.WriteTimeout = time.Minute, time.Minute
	fmt.Printf("listening %s\n", ln.Addr())
	go func() {
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
		<-stop
		b.mu.Lock()
		fmt.Printf("total %d distinct %d\n", b.total, len(b.at))
		b.mu.Unlock()
		os.Exit(0)
	}()
	if err := s.Serve(ln); err != nil {
		log.Fatalf("smtpsink: %v", err)
	}
}

type backend struct {
	expect int
	out    string
	dedupe bool

	mu    sync.Mutex
	total int
	seen  map[string]struct{}
	at    []int64
	done  bool
}

func (b *backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{b: b}, nil }

// accepted notes one message, and writes the instants once the expected
// number is reached. A message seen before (same Message-ID) is counted
// but not timed again: it is a duplicate.
func (b *backend) accepted(id string) {
	now := time.Now().UnixNano()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.total++
	if b.dedupe {
		if _, dup := b.seen[id]; dup {
			return
		}
		b.seen[id] = struct{}{}
	}
	b.at = append(b.at, now)
	if len(b.at) == b.expect && !b.done {
		b.done = true
		if err := writeInstants(b.out, b.at); err != nil {
			log.Fatalf("smtpsink: %v", err)
		}
		fmt.Println("done")
	}
}

func writeInstants(path string, at []int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, t := range at {
		w.WriteString(strconv.FormatInt(t, 10))
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

type session struct {
	b  *backend
	br *bufio.Reader
}

func (s *session) AuthPlain(string, string) error       { return nil }
func (s *session) Mail(string, *smtp.MailOptions) error { return nil }
func (s *session) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *session) Reset()                               {}
func (s *session) Logout() error                        { return nil }

// Data reads the message to the end, keeping only its Message-ID.
func (s *session) Data(r io.Reader) error {
	if s.br == nil {
		s.br = bufio.NewReaderSize(r, 32<<10)
	} else {
		s.br.Reset(r)
	}
	id, err := messageID(s.br)
	if err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, s.br); err != nil {
		return err
	}
	s.b.accepted(id)
	return nil
}

var errNoHeaderEnd = errors.New("no end of header")

// messageID reads the header up to the blank line and returns the value of
// Message-ID.
func messageID(br *bufio.Reader) (string, error) {
	prefix := []byte("message-id:")
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			if err == io.EOF {
				return "", errNoHeaderEnd
			}
			return "", err
		}
		if len(bytes.TrimRight(line, "\r\n")) == 0 {
			return "", nil
		}
		if len(line) > len(prefix) && bytes.EqualFold(line[:len(prefix)], prefix) {
			id := string(bytes.TrimSpace(line[len(prefix):]))
			// The rest of the header still has to be read.
			for {
				l, err := br.ReadSlice('\n')
				if err != nil || len(bytes.TrimRight(l, "\r\n")) == 0 {
					return id, nil
				}
			}
		}
	}
}
