package bench

import (
	"bufio"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// freeAddr is a local address no one listens on, for the worker's HTTP
// server.
func freeAddr(b *testing.B) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// commitDelays is what the worker's histogram of commit delays says.
type commitDelays struct {
	flushes  int64
	over50ms int64
}

// scrapeCommitDelays reads rappel_outcome_commit_delay_seconds from the
// worker's /metrics: the delivery guarantee of DESIGN.md, measured.
func scrapeCommitDelays(b *testing.B, url string) commitDelays {
	b.Helper()
	resp, err := http.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var c commitDelays
	var within int64
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		name, value, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		n, _ := strconv.ParseFloat(value, 64)
		if *sqlTop && strings.HasPrefix(name, "rappel_outcome_commit_delay_seconds") {
			b.Log(line)
		}
		switch name {
		case `rappel_outcome_commit_delay_seconds_bucket{le="0.05"}`:
			within = int64(n)
		case "rappel_outcome_commit_delay_seconds_count":
			c.flushes = int64(n)
		}
	}
	c.over50ms = c.flushes - within
	return c
}
