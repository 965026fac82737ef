package scheduler

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"regexp"
	"sync"
	"time"

	"github.com/dinum/rappel/notify"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
)

// dispatcher claims due deliveries and sends them, one session's chunk at a
// time under that session's fence.
type dispatcher struct {
	s        *Scheduler
	fence    *store.Fence
	recorder *recorder
	stop     context.CancelFunc
	done     chan struct{}
}

func newDispatcher(ctx context.Context, s *Scheduler) (*dispatcher, error) {
	fence, err := s.store.Fence(ctx)
	if err != nil {
		return nil, err
	}
	rec := newRecorder(s.store, s.logger)
	recCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	d := &dispatcher{s: s, fence: fence, recorder: rec, stop: stop, done: make(chan struct{})}
	go func() {
		defer close(d.done)
		rec.run(recCtx)
	}()
	return d, nil
}

// close flushes the last outcomes and releases the fence connection.
func (d *dispatcher) close() {
	d.stop()
	<-d.done
	_ = d.fence.Close()
}

// dispatchDue claims and sends batches until nothing is due or ctx ends.
func (d *dispatcher) dispatchDue(ctx context.Context) error {
	cfg := d.s.cfg
	for ctx.Err() == nil {
		tok := newToken()
		claimed, err := d.s.store.ClaimDue(ctx, store.ClaimParams{
			Limit: cfg.ClaimBatch, Lease: cfg.Lease, Token: tok, Worker: cfg.Worker,
		})
		if err != nil {
			return err
		}
		if len(claimed) == 0 {
			return nil
		}
		d.s.logger.Debug("Deliveries claimed.", slog.Int("count", len(claimed)))
		if err := d.sendClaimed(ctx, tok, claimed); err != nil {
			return err
		}
		if len(claimed) < cfg.ClaimBatch {
			return nil
		}
	}
	return nil
}

// sendClaimed sends one claim, session by session and chunk by chunk. What
// ctx's end leaves unsent is given back for any replica to send at once.
func (d *dispatcher) sendClaimed(ctx context.Context, tok string, claimed []store.Claimed) error {
	chunks := chunkBySession(claimed, d.s.cfg.ChunkSize)
	for i, ch := range chunks {
		if ctx.Err() != nil {
			return d.release(tok, chunks[i:])
		}
		if err := d.sendChunk(ctx, tok, ch); err != nil {
			_ = d.release(tok, chunks[i:])
			return err
		}
	}
	return nil
}

type chunk struct {
	sessionID int64
	ids       []int64
}

// chunkBySession groups a claim by session, keeping the claim's order, in
// chunks of at most size.
func chunkBySession(claimed []store.Claimed, size int) []chunk {
	var out []chunk
	open := map[int64]int{}
	for _, c := range claimed {
		i, ok := open[c.SessionID]
		if !ok || len(out[i].ids) >= size {
			out = append(out, chunk{sessionID: c.SessionID})
			i = len(out) - 1
			open[c.SessionID] = i
		}
		out[i].ids = append(out[i].ids, c.ID)
	}
	return out
}

func (d *dispatcher) release(tok string, chunks []chunk) error {
	var ids []int64
	for _, ch := range chunks {
		ids = append(ids, ch.ids...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return d.s.store.ReleaseClaim(ctx, tok, ids)
}

// sendChunk holds the session's fence while it reads the deliveries again,
// sends them and commits their outcomes: a cancellation or an unsubscription
// waits for it, and every chunk after it sees its effect.
func (d *dispatcher) sendChunk(ctx context.Context, tok string, ch chunk) (err error) {
	if err := d.fence.Hold(ctx, ch.sessionID); err != nil {
		return err
	}
	defer func() {
		relCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if ferr := d.recorder.flush(relCtx); ferr != nil && err == nil {
			err = ferr
		}
		if rerr := d.fence.Release(relCtx, ch.sessionID); rerr != nil && err == nil {
			err = rerr
		}
	}()
	rows, err := d.fence.LoadClaimed(ctx, tok, ch.ids)
	if err != nil {
		return err
	}
	loadedAt := time.Now()
	unsent := d.sendRows(ctx, tok, rows, loadedAt)
	if len(unsent) > 0 {
		return d.release(tok, []chunk{{sessionID: ch.sessionID, ids: unsent}})
	}
	return nil
}

// sendRows decides and sends each row, Concurrency at a time, and returns
// the ids it did not start because ctx ended.
func (d *dispatcher) sendRows(ctx context.Context, tok string, rows []store.DueDelivery, loadedAt time.Time) []int64 {
	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, d.s.cfg.Concurrency)
	for i, row := range rows {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return idsOf(rows[i:])
		}
		// The database's clock, advanced by the time spent since the rows
		// were read: decisions never depend on this machine's clock.
		now := row.DBNow.Add(time.Since(loadedAt))
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			d.recorder.add(d.deliver(ctx, tok, row, now, loadedAt))
		}()
	}
	return nil
}

func idsOf(rows []store.DueDelivery) []int64 {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids
}

// deliver applies the rules of DESIGN.md to one row and sends it if they
// allow, returning its outcome.
func (d *dispatcher) deliver(ctx context.Context, tok string, row store.DueDelivery, now, loadedAt time.Time) store.Outcome {
	out := store.Outcome{ID: row.ID, Token: tok}
	rem, ok := ReminderForKind(d.s.kinds, row.Kind)
	if !ok {
		out.Status, out.Error = store.DeliveryFailed, "type de message inconnu : "+row.Kind
		return out
	}
	send, reason := decide(now, candidate{
		Due:         row.DueAt,
		Start:       row.Session.StartsAt,
		MaxLate:     rem.MaxLate,
		SessionOpen: row.Session.Status == store.SessionScheduled && row.Session.ScheduleVersion == row.ScheduleVersion,
		SignupOpen:  row.SignupStatus == store.SignupConfirmed,
		LaterDue:    row.LaterDue,
	})
	log := d.s.logger.With(slog.Int64("delivery_id", row.ID), slog.Int64("session_id", row.SessionID),
		slog.String("kind", row.Kind), slog.Int("attempt", row.Attempts+1))
	if !send {
		log.Info("Delivery skipped.", slog.String("reason", reason), slog.Duration("late", now.Sub(row.DueAt)))
		out.Status, out.SkipReason = store.DeliverySkipped, reason
		return out
	}
	msg, err := d.s.composer.Compose(message(row, now))
	if err != nil {
		log.Error("Message could not be built.", slog.Any("error", err))
		out.Status, out.Error = store.DeliveryFailed, err.Error()
		return out
	}
	// A send that started finishes even if ctx ends: the relay may accept
	// it, and its outcome must be recorded.
	err = d.s.sender.Send(context.WithoutCancel(ctx), msg)
	acceptedAt := row.DBNow.Add(time.Since(loadedAt))
	out.Attempted = true
	if err == nil {
		log.Info("Reminder sent.", slog.Duration("late", acceptedAt.Sub(row.DueAt)))
		out.Status, out.At = store.DeliverySent, acceptedAt
		return out
	}
	return d.failure(log, row, rem, out, err, acceptedAt)
}

// failure turns a send error into a retry or a final failure: permanent
// errors, the last attempt, and a retry that would come after the session's
// start or the lateness limit all end the delivery.
func (d *dispatcher) failure(log *slog.Logger, row store.DueDelivery, rem Reminder, out store.Outcome, err error, now time.Time) store.Outcome {
	out.Error = err.Error()
	attempt := row.Attempts + 1
	retryAt := now.Add(d.s.cfg.Retry.backoff(attempt))
	deadline := row.DueAt.Add(rem.MaxLate)
	if row.Session.StartsAt.Before(deadline) {
		deadline = row.Session.StartsAt
	}
	logged := slog.String("error", maskAddresses(err.Error()))
	if notify.IsTemporary(err) && attempt < d.s.cfg.Retry.MaxAttempts && retryAt.Before(deadline) {
		log.Warn("Send failed, will retry.", logged, slog.Time("retry_at", retryAt))
		out.Status, out.RetryAt = store.DeliveryPending, retryAt
		return out
	}
	log.Error("Send failed for good.", logged, slog.Int("smtp_code", notify.ErrorCode(err)))
	out.Status = store.DeliveryFailed
	return out
}

func message(row store.DueDelivery, now time.Time) notify.Message {
	s := row.Session
	return notify.Message{
		DeliveryID: row.ID,
		Kind:       row.Kind,
		SignupID:   row.SignupID,
		Recipient:  templates.Recipient{Name: row.Name, Email: row.Email},
		Session: templates.SessionInput{
			ID: s.ID, Kind: s.Kind, Title: s.Title, Description: s.Description,
			Location: s.Location, URL: s.URL, StartsAt: s.StartsAt, EndsAt: s.EndsAt,
		},
		Now: now,
	}
}

// addressRe finds email addresses in error texts (SMTP replies often echo
// the recipient).
var addressRe = regexp.MustCompile(`[^\s<>"'(),;:@]+@([^\s<>"'(),;:@]+)`)

// maskAddresses hides the addresses in a text bound for the logs, keeping
// their domain, which is what an operator needs.
func maskAddresses(s string) string {
	return addressRe.ReplaceAllString(s, "…@$1")
}

// newToken is a random UUID (version 4) naming one claim.
func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
