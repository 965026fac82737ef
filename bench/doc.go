// Package bench measures rappel end to end, as it runs in production: the
// real binary ("rappel run"), a real PostgreSQL with its default
// durability, and an SMTP sink in a process of its own (bench/smtpsink).
// Each figure comes with two ceilings of the same machine in the same run:
// the same messages, rendered beforehand, sent over the same number of
// connections with nothing else to do, by go-mail as it is (one command
// per round trip) and by the worker's transport (pipelined).
//
// Run it with "make bench" (see the README); it holds no test.
package bench
