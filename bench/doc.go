// Package bench measures rappel end to end, as it runs in production: the
// real binary ("rappel run"), a real PostgreSQL with its default
// durability, and an SMTP sink in a process of its own (bench/smtpsink).
// Each figure comes with the ceiling of the same machine in the same run:
// the same messages, rendered beforehand, sent by go-mail over the same
// number of connections with nothing else to do.
//
// Run it with "make bench" (see the README); it holds no test.
package bench
