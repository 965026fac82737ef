package scheduler

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/dinum/rappel/notify"
	"github.com/dinum/rappel/store"
)

// Config tunes the scheduler. Zero values take the defaults named.
type Config struct {
	// Reminders is the configured reminder set.
	Reminders []Reminder
	// Location is the zone of the "same wall-clock time" of day offsets.
	Location *time.Location
	// Concurrency is how many messages are sent at once (SMTP_CONNECTIONS);
	// default 4.
	Concurrency int
	// ClaimBatch is the most deliveries claimed at once; default 500.
	ClaimBatch int
	// ChunkSize is the most deliveries of one session sent under one hold
	// of its fence, which bounds how long a cancellation waits; default 200.
	ChunkSize int
	// Lease protects claimed deliveries from other replicas; default 5 min.
	Lease time.Duration
	// Sweep is the period of the safety sweep that plans and re-arms even
	// if a notification was missed; default 1 min.
	Sweep time.Duration
	// Retry is the policy for temporary failures.
	Retry RetryPolicy
	// Worker names this replica in the deliveries it claims.
	Worker string
}

func (c *Config) setDefaults() {
	c.Concurrency = cmp.Or(c.Concurrency, 4)
	c.ClaimBatch = cmp.Or(c.ClaimBatch, 500)
	c.ChunkSize = cmp.Or(c.ChunkSize, 200)
	c.Lease = cmp.Or(c.Lease, 5*time.Minute)
	c.Sweep = cmp.Or(c.Sweep, time.Minute)
	c.Retry.setDefaults()
	if c.Worker == "" {
		host, _ := os.Hostname()
		c.Worker = host + "-" + strconv.Itoa(os.Getpid())
	}
	if c.Location == nil {
		c.Location = time.UTC
	}
}

// planBatch is the most sessions planned in one transaction.
const planBatch = 500

// Scheduler plans deliveries, wakes up when they fall due, and sends them.
type Scheduler struct {
	cfg      Config
	kinds    map[string]Reminder
	store    *store.Store
	composer *notify.Composer
	sender   notify.Sender
	logger   *slog.Logger
	wake     chan struct{}
}

// New wires a scheduler; Run starts it.
func New(cfg Config, st *store.Store, composer *notify.Composer, sender notify.Sender, logger *slog.Logger) *Scheduler {
	cfg.setDefaults()
	return &Scheduler{
		cfg:      cfg,
		kinds:    KindOffsets(cfg.Reminders),
		store:    st,
		composer: composer,
		sender:   sender,
		logger:   logger,
		wake:     make(chan struct{}, 1),
	}
}

// Run works until ctx ends: on every change notification, on the one-shot
// timer armed at the next due instant, and on the periodic sweep, it plans
// what is new, sends what is due, and arms the timer again. On return,
// nothing it claimed is left in flight.
func (s *Scheduler) Run(ctx context.Context, changes <-chan string) error {
	c := cron.New(
		cron.WithLocation(time.UTC),
		cron.WithLogger(cronLogger{s.logger}),
		cron.WithChain(cron.Recover(cronLogger{s.logger})),
	)
	c.Schedule(cron.ConstantDelaySchedule{Delay: s.cfg.Sweep}, cron.FuncJob(s.poke))
	c.Start()
	defer func() { <-c.Stop().Done() }()
	timer := &dueTimer{cron: c, job: cron.FuncJob(s.poke)}

	d, err := newDispatcher(ctx, s)
	if err != nil {
		return err
	}
	defer d.close()

	s.poke()
	failures := 0
	for {
		select {
		case <-ctx.Done():
			return nil
		case _, ok := <-changes:
			if !ok {
				changes = nil
			}
			s.poke()
		case <-s.wake:
			err := s.cycle(ctx, d, timer)
			switch {
			case err == nil:
				failures = 0
			case ctx.Err() == nil:
				// The database is away, most likely: try again soon, then
				// less and less often, without a log line a second.
				failures++
				s.logger.Error("Scheduler cycle failed; will try again.", slog.Any("error", err), slog.Int("failures", failures))
				timer.armIn(min(time.Second<<min(failures-1, 5), 30*time.Second))
			}
		}
	}
}

// poke asks the loop for a cycle; a cycle already asked for is enough.
func (s *Scheduler) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// cycle plans, sends everything due, and arms the timer at the next due
// instant, read on the database's clock.
func (s *Scheduler) cycle(ctx context.Context, d *dispatcher, timer *dueTimer) error {
	if err := s.plan(ctx); err != nil {
		return err
	}
	if err := d.dispatchDue(ctx); err != nil {
		return err
	}
	due, dbNow, ok, err := s.store.NextDue(ctx)
	if err != nil {
		return err
	}
	if !ok {
		timer.disarm()
		return nil
	}
	// Due rows still there were being claimed by another replica: look
	// again very soon rather than spin.
	timer.armIn(max(due.Sub(dbNow), 20*time.Millisecond))
	return nil
}

// plan creates the deliveries of new and moved sign-ups, in set-based
// batches of sessions.
func (s *Scheduler) plan(ctx context.Context) error {
	for {
		n, err := s.store.PlanDeliveries(ctx, planBatch, s.planReminders)
		if err != nil {
			return err
		}
		if n > 0 {
			s.logger.Debug("Deliveries planned.", slog.Int("sessions", n))
		}
		if n < planBatch {
			return nil
		}
	}
}

// planReminders computes, in Go and in the configured zone, the exact due
// instant of every reminder of the open sessions given.
func (s *Scheduler) planReminders(sessions []store.SessionSchedule) []store.PlannedReminder {
	out := make([]store.PlannedReminder, 0, len(sessions)*len(s.cfg.Reminders))
	for _, sess := range sessions {
		if !sess.Open {
			continue
		}
		for _, r := range s.cfg.Reminders {
			out = append(out, store.PlannedReminder{
				SessionID:       sess.ID,
				ScheduleVersion: sess.ScheduleVersion,
				Kind:            r.Kind(),
				DueAt:           r.DueAt(sess.StartsAt, s.cfg.Location),
			})
		}
	}
	return out
}

// cronLogger passes robfig/cron's logs to slog, its chatter at debug level.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) {
	c.l.Debug(fmt.Sprintf("cron: %s", msg), kv...)
}

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error(fmt.Sprintf("cron: %s", msg), append(kv, slog.Any("error", err))...)
}
