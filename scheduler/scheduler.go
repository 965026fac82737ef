package scheduler

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/dinum/rappel/kind"
	"github.com/dinum/rappel/metrics"
	"github.com/dinum/rappel/notify"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/when"
)

// Config tunes the scheduler. Zero values take the defaults named.
type Config struct {
	// Reminders is the configured reminder set.
	Reminders []when.Reminder
	// Location is the zone of the "same wall-clock time" of day offsets.
	Location *time.Location
	// WorkingDays, when set, moves the reminders counted in days off the
	// days nobody works.
	WorkingDays *when.WorkingDays
	// Concurrency is how many messages are sent at once (SMTP_CONNECTIONS);
	// default 4.
	Concurrency int
	// ClaimBatch is the most deliveries claimed at once; default 5000.
	// Claims are sized from the throughput below it (claimsize.go).
	ClaimBatch int
	// ChunkSize is the most deliveries of one session sent under one hold
	// of its fence, which bounds how long a cancellation waits; default
	// 1000.
	ChunkSize int
	// ChunkWorkers is how many chunks are sent at once, so that one slow
	// message does not hold up the others; default 2.
	ChunkWorkers int
	// Lease protects claimed deliveries from other replicas; it is renewed
	// every third of itself while they are in flight, so that a replica
	// alive keeps its work and a dead one's is taken over within a lease.
	// Default 30 s.
	Lease time.Duration
	// Sweep is the period of the safety sweep that plans and re-arms even
	// if a notification was missed; default 1 min.
	Sweep time.Duration
	// StopGrace is how long the sends in progress may take to finish on a
	// stop before their connections are closed; default 5 s.
	StopGrace time.Duration
	// Retry is the policy for temporary failures.
	Retry RetryPolicy
	// ConfirmTTL is how long the link of a confirmation request works;
	// default 48 h.
	ConfirmTTL time.Duration
	// PendingTTL is how long an unconfirmed sign-up is kept before it and
	// its address are purged; default 72 h.
	PendingTTL time.Duration
	// Retention is how long sign-ups and addresses are kept after their
	// session is over (personal data); default 90 days.
	Retention time.Duration
	// Worker names this replica in the deliveries it claims.
	Worker string
	// Metrics counts what is sent; nil counts nothing.
	Metrics *metrics.Metrics
}

func (c *Config) setDefaults() {
	c.Concurrency = cmp.Or(c.Concurrency, 4)
	c.ClaimBatch = cmp.Or(c.ClaimBatch, 5000)
	c.ChunkSize = cmp.Or(c.ChunkSize, 1000)
	c.ChunkWorkers = cmp.Or(c.ChunkWorkers, 2)
	c.Lease = cmp.Or(c.Lease, 30*time.Second)
	c.Sweep = cmp.Or(c.Sweep, time.Minute)
	c.StopGrace = cmp.Or(c.StopGrace, 5*time.Second)
	c.ConfirmTTL = cmp.Or(c.ConfirmTTL, 48*time.Hour)
	c.PendingTTL = cmp.Or(c.PendingTTL, 72*time.Hour)
	c.Retention = cmp.Or(c.Retention, 90*24*time.Hour)
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

// planParts is how many planning transactions run at once, on sessions
// split by id: the database does the work, one core per transaction, and
// a million sign-ups planned by two take 40 % less time than by one.
const planParts = 2

// Scheduler plans deliveries, wakes up when they fall due, and sends them.
type Scheduler struct {
	cfg       Config
	kinds     map[kind.Message]when.Reminder
	store     *store.Store
	composer  *notify.Composer
	sender    notify.Sender
	logger    *slog.Logger
	planWake  chan struct{}
	claimWake chan struct{}
	loginWake chan struct{}
	// ownReminders caches the sessions' own reminder sets, parsed.
	ownMu        sync.Mutex
	ownReminders map[string][]when.Reminder
}

// New wires a scheduler; Run starts it.
func New(cfg Config, st *store.Store, composer *notify.Composer, sender notify.Sender, logger *slog.Logger) *Scheduler {
	cfg.setDefaults()
	return &Scheduler{
		cfg:       cfg,
		kinds:     when.KindOffsets(cfg.Reminders),
		store:     st,
		composer:  composer,
		sender:    sender,
		logger:    logger,
		planWake:  make(chan struct{}, 1),
		claimWake: make(chan struct{}, 1),
		loginWake: make(chan struct{}, 1),
	}
}

// Run works until ctx ends. One loop plans what is new, on every change
// notification and on the periodic sweep; another claims what is due, when
// the one-shot timer armed at the next due instant fires or when new work
// may be due, and hands it to the dispatcher. On return, what was claimed
// is sent, recorded, or given back for any replica to send.
func (s *Scheduler) Run(ctx context.Context, changes <-chan string) error {
	c := newCron(s.logger, time.UTC)
	c.Schedule(cron.ConstantDelaySchedule{Delay: s.cfg.Sweep}, cron.FuncJob(func() {
		poke(s.planWake)
		poke(s.claimWake)
		poke(s.loginWake)
	}))
	c.Schedule(cron.ConstantDelaySchedule{Delay: s.cfg.Sweep}, cron.FuncJob(func() { s.expireOffers(ctx) }))
	purge := cron.FuncJob(func() { s.purge(ctx) })
	c.Schedule(cron.ConstantDelaySchedule{Delay: time.Hour}, purge)
	c.Start()
	defer func() { <-c.Stop().Done() }()
	timer := &dueTimer{cron: c, job: cron.FuncJob(func() { poke(s.claimWake) })}

	d := newDispatcher(s)
	d.start(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { s.claimLoop(ctx, d, timer) })
	wg.Go(func() { s.loginLoop(ctx) })
	s.planLoop(ctx, changes)
	wg.Wait()
	d.stop()
	return nil
}

// poke asks a loop for a round; a round already asked for is enough.
func poke(wake chan struct{}) {
	select {
	case wake <- struct{}{}:
	default:
	}
}

// retryDelay backs off while the database is away: 1 s, then twice as
// long each time, up to 30 s.
func retryDelay(failures int) time.Duration {
	return min(time.Second<<min(failures-1, 5), 30*time.Second)
}

// planLoop plans on every notification and sweep until ctx ends.
func (s *Scheduler) planLoop(ctx context.Context, changes <-chan string) {
	retry := time.NewTimer(time.Hour)
	retry.Stop()
	defer retry.Stop()
	failures := 0
	s.purge(ctx) // at start too: a replica that restarts often still purges
	poke(s.planWake)
	for {
		select {
		case <-ctx.Done():
			return
		case table, ok := <-changes:
			if !ok {
				changes = nil
			}
			if table == "login_requests" || table == "" {
				poke(s.loginWake)
				if table != "" {
					continue
				}
			}
			poke(s.planWake)
			poke(s.claimWake)
			continue
		case <-retry.C:
		case <-s.planWake:
		}
		if err := s.plan(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			failures++
			s.logger.Error("Planning failed; will try again.", slog.Any("error", err), slog.Int("failures", failures))
			retry.Reset(retryDelay(failures))
			continue
		}
		failures = 0
		poke(s.claimWake)
	}
}

// claimLoop claims due work whenever woken, then arms the timer at the
// next due instant, read on the database's clock.
func (s *Scheduler) claimLoop(ctx context.Context, d *dispatcher, timer *dueTimer) {
	failures := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.claimWake:
		}
		err := d.claimDue(ctx)
		if err == nil {
			err = s.arm(ctx, d, timer)
		}
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			failures++
			s.logger.Error("Claiming failed; will try again.", slog.Any("error", err), slog.Int("failures", failures))
			timer.armIn(retryDelay(failures))
		default:
			failures = 0
		}
	}
}

// arm sets the timer: at the end of a pause while the relay is
// unreachable, else at the next due instant.
func (s *Scheduler) arm(ctx context.Context, d *dispatcher, timer *dueTimer) error {
	if wait := d.breaker.remaining(); wait > 0 {
		timer.armIn(wait)
		return nil
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
// batches of sessions, planParts transactions at once.
func (s *Scheduler) plan(ctx context.Context) error {
	var wg sync.WaitGroup
	errs := make([]error, planParts)
	for part := range planParts {
		wg.Go(func() {
			for {
				n, err := s.store.PlanDeliveriesPart(ctx, planBatch, part, planParts, s.planReminders)
				if err != nil {
					errs[part] = err
					return
				}
				if n > 0 {
					s.logger.Debug("Deliveries planned.", slog.Int("sessions", n), slog.Int("part", part))
				}
				if n < planBatch {
					return
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// planReminders computes, in Go and in the configured zone, the exact due
// instant of every reminder of the open sessions given.
func (s *Scheduler) planReminders(sessions []store.SessionSchedule) []store.PlannedReminder {
	out := make([]store.PlannedReminder, 0, len(sessions)*len(s.cfg.Reminders))
	for _, sess := range sessions {
		if !sess.Open {
			continue
		}
		for _, r := range s.remindersOf(sess.Reminders) {
			out = append(out, store.PlannedReminder{
				SessionID:       sess.ID,
				ScheduleVersion: sess.ScheduleVersion,
				Kind:            r.Kind(),
				DueAt:           s.cfg.WorkingDays.DueAt(r, sess.StartsAt, s.zone(sess.Timezone)),
				Offset:          r.Nominal(),
			})
		}
	}
	return out
}

// purge deletes the personal data rappel no longer needs: sign-ups left
// unconfirmed past PendingTTL, those of sessions over for longer than
// Retention, and the addresses nothing uses any more.
func (s *Scheduler) purge(ctx context.Context) {
	for _, p := range []struct {
		what string
		run  func(context.Context) (int64, int64, error)
	}{
		{"unconfirmed sign-ups", func(ctx context.Context) (int64, int64, error) { return s.store.PurgePending(ctx, s.cfg.PendingTTL) }},
		{"sign-ups past retention", func(ctx context.Context) (int64, int64, error) { return s.store.PurgeEnded(ctx, s.cfg.Retention) }},
	} {
		signups, subscribers, err := p.run(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.logger.Error("Purge failed.", slog.String("what", p.what), slog.Any("error", err))
		case signups+subscribers > 0:
			s.logger.Info("Personal data purged.", slog.String("what", p.what), slog.Int64("signups", signups), slog.Int64("subscribers", subscribers))
		}
	}
	for _, err := range []error{s.store.PurgeLogins(ctx), s.store.PurgeJournal(ctx, s.cfg.Retention)} {
		if err != nil && ctx.Err() == nil {
			s.logger.Error("Purge failed.", slog.Any("error", err))
		}
	}
}

// zone is a session's own zone, else the configured one: a reminder
// counted in days keeps the wall-clock time of the session's zone.
func (s *Scheduler) zone(name string) *time.Location {
	return when.Zone(name, s.cfg.Location)
}

// expireOffers ends the offers of freed places past their deadline, which
// passes each place to the next person waiting; the sweep runs it, so that
// an offer ends within a sweep of its deadline, on whichever replica.
func (s *Scheduler) expireOffers(ctx context.Context) {
	n, err := s.store.ExpireOffers(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		s.logger.Error("Expiring offers failed.", slog.Any("error", err))
	case n > 0:
		s.logger.Info("Offers of freed places expired.", slog.Int("offers", n))
		poke(s.claimWake)
	}
}

// remindersOf is a session's reminders: its own set when it has one (a
// set that no longer parses falls back to the configured one, and says
// so), else REMINDERS.
func (s *Scheduler) remindersOf(spec string) []when.Reminder {
	if spec == "" {
		return s.cfg.Reminders
	}
	s.ownMu.Lock()
	defer s.ownMu.Unlock()
	if set, ok := s.ownReminders[spec]; ok {
		return set
	}
	set, err := when.ParseReminders(spec)
	if err != nil {
		s.logger.Error("A session's reminders do not parse; the configured ones apply.", slog.String("reminders", spec), slog.Any("error", err))
		set = s.cfg.Reminders
	}
	if s.ownReminders == nil {
		s.ownReminders = map[string][]when.Reminder{}
	}
	s.ownReminders[spec] = set
	return set
}
