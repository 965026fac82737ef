package scheduler

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"time"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/metrics"
	"github.com/dinum/rappel/notify"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/token"
	"github.com/dinum/rappel/when"
)

// deliver applies the rules of DESIGN.md to one row and sends it if they
// allow, returning its outcome.
func (d *dispatcher) deliver(ctx context.Context, tok string, row store.DueDelivery, now, loadedAt time.Time) store.Outcome {
	out := store.Outcome{ID: row.ID, Token: tok, At: now}
	log := d.s.logger.With(slog.Int64("delivery_id", row.ID), slog.Int64("session_id", row.SessionID),
		slog.String("kind", string(row.Kind)), slog.Int("attempt", row.Attempts+1))
	c, ok := d.candidate(row)
	if !ok {
		log.Error("Unknown delivery kind.")
		out.Status, out.Error = store.DeliveryFailed, "type de message inconnu : "+string(row.Kind)
		return out
	}
	var err error
	if send, reason := decide(now, c); !send {
		log.Info("Delivery skipped.", slog.String("reason", reason), slog.Duration("late", now.Sub(row.DueAt)))
		d.s.cfg.Metrics.Delivered(row.Kind, metrics.Skipped)
		out.Status, out.SkipReason = store.DeliverySkipped, reason
		return out
	}
	m := message(row, now)
	if row.Kind == kind.Confirmation {
		if m.ConfirmToken, err = d.confirmToken(ctx, row, now); err != nil {
			log.Error("Confirmation link could not be made.", slog.Any("error", err))
			out.Status, out.RetryAt = store.DeliveryPending, now.Add(d.s.cfg.Retry.backoff(1))
			return out
		}
	}
	msg, err := d.s.composer.Compose(m)
	if err != nil {
		log.Error("Message could not be built.", slog.Any("error", err))
		out.Status, out.Error = store.DeliveryFailed, err.Error()
		return out
	}
	// A send that started finishes even if ctx ends: the relay may accept
	// it, and its outcome must be recorded. A stop that cannot wait aborts
	// it through the sender.
	started := time.Now()
	err = d.s.sender.Send(context.WithoutCancel(ctx), msg)
	d.s.cfg.Metrics.SendTook(time.Since(started))
	out.At = row.DBNow.Add(time.Since(loadedAt))
	if err == nil {
		d.breaker.reset()
		log.Info("Message sent.", slog.Duration("late", out.At.Sub(row.DueAt)))
		d.s.cfg.Metrics.Delivered(row.Kind, metrics.Sent)
		d.s.cfg.Metrics.Late(row.Kind, out.At.Sub(row.DueAt))
		out.Status, out.Attempt = store.DeliverySent, store.AttemptAccepted
		return out
	}
	return d.failure(log, row, out, err)
}

// confirmToken makes a new random token for a confirmation request, keeps
// its hash (a new request replaces the previous link), and returns it. The
// token itself is stored nowhere.
func (d *dispatcher) confirmToken(ctx context.Context, row store.DueDelivery, now time.Time) (string, error) {
	raw, hash, err := token.NewRandom()
	if err != nil {
		return "", err
	}
	if err := d.s.store.SetConfirmToken(context.WithoutCancel(ctx), row.SignupID, hash, now.Add(d.s.cfg.ConfirmTTL)); err != nil {
		return "", err
	}
	return raw, nil
}

// candidate gathers what decide needs to know about a row.
func (d *dispatcher) candidate(row store.DueDelivery) (candidate, bool) {
	c := candidate{
		Due:       row.DueAt,
		Start:     row.Session.StartsAt,
		Tried:     row.Tried,
		Cancelled: row.Session.Status == store.SessionCancelled,
		Current:   row.Session.ScheduleVersion == row.ScheduleVersion,
		SignupOpen: row.SignupStatus == store.SignupConfirmed ||
			// The people waiting are told of a cancellation too.
			row.Kind == kind.Cancellation && (row.SignupStatus == store.SignupWaitlisted || row.SignupStatus == store.SignupOffered),
		SignupPending: row.Kind == kind.Confirmation && row.AwaitingConfirmation,
		LaterDue:      row.LaterDue,
		SignupStatus:  row.SignupStatus,
		OfferOpen:     row.OfferExpiresAt != nil && row.OfferExpiresAt.After(row.DBNow),
	}
	if row.Kind.IsNotice() {
		c.Notice = row.Kind
		return c, true
	}
	rem, ok := when.ReminderForKind(d.s.kinds, row.Kind)
	c.MaxLate = rem.MaxLate
	return c, ok
}

// failure turns a send error into a retry or a final failure. An
// unreachable relay pauses sending and costs the message nothing. A
// temporary failure is retried with backoff until the last attempt or the
// session's start; a permanent one ends the delivery at once.
func (d *dispatcher) failure(log *slog.Logger, row store.DueDelivery, out store.Outcome, err error) store.Outcome {
	out.Error = maskAddresses(err.Error())
	out.SMTPCode = notify.ErrorCode(err)
	m := d.s.cfg.Metrics
	if errors.Is(err, notify.ErrUnreachable) {
		m.Delivered(row.Kind, metrics.Unreachable)
		m.SMTPError(metrics.Unreachable)
		until := d.breaker.trip()
		log.Warn("SMTP server unreachable; sending paused.", slog.String("error", out.Error), slog.Time("until", until))
		out.Status, out.Attempt = store.DeliveryPending, store.AttemptUnreachable
		out.RetryAt = out.At.Add(time.Until(until))
		return out
	}
	attempt := row.Attempts + 1
	retryAt := out.At.Add(d.s.cfg.Retry.backoff(attempt))
	class := metrics.Permanent
	if notify.IsTemporary(err) {
		class = metrics.Temporary
	}
	m.SMTPError(class)
	if notify.IsTemporary(err) && attempt < d.s.cfg.Retry.MaxAttempts && retryAt.Before(row.Session.StartsAt) {
		m.Delivered(row.Kind, metrics.Retried)
		log.Warn("Send failed, will retry.", slog.String("error", out.Error), slog.Time("retry_at", retryAt))
		out.Status, out.Attempt, out.RetryAt = store.DeliveryPending, store.AttemptDeferred, retryAt
		return out
	}
	out.Status, out.Attempt = store.DeliveryFailed, store.AttemptRejected
	if notify.IsTemporary(err) {
		out.Attempt = store.AttemptDeferred
	}
	m.Delivered(row.Kind, metrics.Failed)
	log.Error("Send failed for good.", slog.String("error", out.Error), slog.Int("smtp_code", out.SMTPCode))
	return out
}

func message(row store.DueDelivery, now time.Time) notify.Message {
	return notify.Message{
		DeliveryID:       row.ID,
		Kind:             row.Kind,
		SignupID:         row.SignupID,
		Recipient:        templates.Recipient{Name: row.Name, Email: row.Email},
		Session:          row.Session.TemplateInput(),
		Now:              now,
		PreviousStartsAt: row.PreviousStartsAt,
		PreviousEndsAt:   row.PreviousEndsAt,
		ScheduleVersion:  row.Session.ScheduleVersion,
		WaitPosition:     row.WaitPosition,
		OfferUntil:       row.OfferExpiresAt,
	}
}

// addressRe finds email addresses in error texts (SMTP replies often echo
// the recipient).
var addressRe = regexp.MustCompile(`[^\s<>"'(),;:@]+@([^\s<>"'(),;:@]+)`)

// maskAddresses hides the addresses in a text bound for the logs and the
// report, keeping their domain, which is what an operator needs.
func maskAddresses(s string) string {
	return addressRe.ReplaceAllString(s, "…@$1")
}
