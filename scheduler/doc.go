// Package scheduler decides when rappel sends: it turns sessions and sign-ups
// into planned deliveries, wakes up at the exact instant the next one is due,
// claims due work so that several replicas share it, applies the rules of
// lateness before handing each message to notify, and purges every hour
// what retention no longer allows to keep. The words of time it uses
// (reminders, offsets, wall-clock times) are package when's.
package scheduler
