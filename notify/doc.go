// Package notify decides how a message is built and sent: it renders the
// templates into a multipart email with every header of the contract, and
// hands it to a Sender (SMTP, or an outbox folder for demos and dry runs).
// It never reads the database: callers give it all it needs.
//
// # Building a message
//
// One delivery goes through the files in this order, each step feeding
// the next:
//
//  1. compose.go: Compose, the whole path in one function.
//  2. data.go: what the templates are given (templates.Data), from a
//     Message; with marks in place of the recipient's values.
//  3. draft.go, draft_builder.go: the templates rendered and the MIME
//     written once, into a draft that has holes where each recipient's
//     values go; checked against the same message rendered alone.
//  4. draft_cache.go: the draft kept for the other recipients of the same
//     message (same session, kind, schedule and time left).
//  5. fill.go: one recipient's values poured into the holes, and the
//     headers that are theirs alone (Message-ID, To, List-Unsubscribe).
//  6. mime.go: the encodings (quoted-printable, base64, RFC 2047 headers),
//     written by hand so that a hole can sit in an encoded body.
//
// # Why drafts
//
// A webinaire announced to 100,000 agents is one message with 100,000
// names and links: rendering the templates and encoding the MIME for each
// recipient cost the worker 490 ms of CPU per 1,000 messages; with drafts
// it is 231 ms (make bench, issue 7's figures in the README), and a
// message is composed in about 7 µs and 25 allocations
// (BenchmarkCompose). What a recipient receives is byte for byte what the
// templates would have written for them alone: newDraft renders a probe
// recipient both ways and refuses the draft (each message is then
// rendered on its own) when an operator's template uses a value in a way
// holes cannot reproduce; TestDraftReadsAsRenderedAlone checks tricky
// names for every kind.
//
// # Sending
//
// smtp.go keeps SMTP_CONNECTIONS connections open and reused, with
// PIPELINING when the relay offers it (smtp_pipelining.go); errors.go
// tells a temporary failure from a permanent one; ratelimit.go bounds the
// rate of every Sender; outbox.go writes .eml files instead.
package notify
