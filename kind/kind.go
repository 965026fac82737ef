// Package kind holds rappel's two tables of kinds, each the one place a
// kind is written:
//
//   - Session is what a session is to the people invited (atelier,
//     webinaire…). Adding one: a row of Sessions, its words in
//     templates/kinds.go, a migration of the database's CHECK; the tests
//     of store, templates and agenda fail until all three agree.
//   - Message is what a message is (the day-before reminder, a
//     confirmation request…), sent as X-Rappel-Kind and stored with each
//     delivery. Reminders are named from their offset by one rule
//     (ForReminder); the other kinds are rows of Notices. Adding one: a
//     row of Notices, its template pair in templates/email/, and the test
//     that sends it.
//
// The package imports nothing of rappel's, so that every other package
// may read it.
package kind
