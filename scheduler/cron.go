package scheduler

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
)

// newCron is rappel's one cron policy: a job that panics is logged and
// recovered, a job still running when its next turn comes is skipped
// rather than run twice at once, and cron's own messages go to slog. The
// order of the chain matters: SkipIfStillRunning must wrap Recover, since
// it gives its turn back without a defer, and a panic it saw would stop
// the job for good (the order Recover, Skip is a trap).
// robfig/cron has had no release since 2021: this is the one place to
// change to swap it.
func newCron(logger *slog.Logger, loc *time.Location) *cron.Cron {
	l := cronLogger{logger}
	return cron.New(
		cron.WithLocation(loc),
		cron.WithLogger(l),
		cron.WithChain(cron.SkipIfStillRunning(l), cron.Recover(l)),
	)
}

// cronLogger passes robfig/cron's logs to slog, its chatter at debug level.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) {
	c.l.Debug(fmt.Sprintf("cron: %s", msg), kv...)
}

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error(fmt.Sprintf("cron: %s", msg), append(kv, slog.Any("error", err))...)
}

// PeriodicConfig describes a job run on a schedule. Zero values take the
// defaults named.
type PeriodicConfig struct {
	// Name says what the job is, in the logs.
	Name string
	// Schedule says when it runs (config reads AGENDA_FEED_SCHEDULE into
	// one).
	Schedule cron.Schedule
	// Location is the zone the schedule is read in; default UTC.
	Location *time.Location
	// AtStart runs the job once as soon as Run starts, too.
	AtStart bool
	// Job is the work; it should return when ctx ends.
	Job    func(ctx context.Context)
	Logger *slog.Logger
}

// Periodic runs a job on a schedule, with the cron policy of the
// scheduler: following the agenda feeds is one.
type Periodic struct{ cfg PeriodicConfig }

// NewPeriodic checks cfg and returns its runner.
func NewPeriodic(cfg PeriodicConfig) (*Periodic, error) {
	cfg.Location = cmp.Or(cfg.Location, time.UTC)
	if cfg.Schedule == nil || cfg.Job == nil || cfg.Logger == nil {
		return nil, errors.New("periodic job: schedule, job and logger are required")
	}
	return &Periodic{cfg: cfg}, nil
}

// Run runs the job on its schedule until ctx ends, and returns once the
// job in progress, if any, has returned.
func (p *Periodic) Run(ctx context.Context) error {
	c := newCron(p.cfg.Logger.With(slog.String("job", p.cfg.Name)), p.cfg.Location)
	c.Schedule(p.cfg.Schedule, cron.FuncJob(func() { p.cfg.Job(ctx) }))
	c.Start()
	if p.cfg.AtStart {
		p.cfg.Job(ctx)
	}
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}
