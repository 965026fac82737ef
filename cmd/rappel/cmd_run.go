package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
	"golang.org/x/sync/errgroup"

	"github.com/dinum/rappel/agenda"
	"github.com/dinum/rappel/config"
	"github.com/dinum/rappel/metrics"
	"github.com/dinum/rappel/notify"
	"github.com/dinum/rappel/scheduler"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/web"
)

// cmdRun runs the worker and the web side until ctx ends (SIGTERM, SIGINT),
// then stops them in order: the scheduler finishes or gives back what it
// has in flight, the HTTP server finishes its requests.
func cmdRun(ctx context.Context, a *app, args []string) error {
	p, err := parseFixed(args, flagSpec{values: []string{"only"}}, 0, "")
	if err != nil {
		return err
	}
	only := p.values["only"]
	if only != "" && only != "worker" && only != "web" {
		return usagef("--only : « %s » n'est pas possible (worker ou web)", only)
	}
	parts, err := a.mailParts()
	if err != nil {
		return err
	}
	m := metrics.New(a.store.DeliveryCounts)
	g, ctx := errgroup.WithContext(ctx)
	if only != "web" {
		if err := a.cfg.Require(config.NeedTransport); err != nil {
			return err
		}
		if err := startWorker(ctx, g, a, parts.composer, m); err != nil {
			return err
		}
	}
	// A worker-only replica still answers health, readiness and metrics.
	if err := startWeb(ctx, g, a, parts, m, only == "worker"); err != nil {
		return err
	}
	a.logger.Info("rappel started.", slog.String("only", only), slog.String("http_addr", a.cfg.HTTPAddr))
	notifySystemd(ctx, g, a.logger)
	err = g.Wait()
	_, _ = daemon.SdNotify(false, daemon.SdNotifyStopping)
	a.logger.Info("rappel stopped.")
	return err
}

// notifySystemd tells systemd the service is ready (Type=notify) and, when
// the unit asks for it, keeps its watchdog fed while the process runs.
// Outside systemd it does nothing.
func notifySystemd(ctx context.Context, g *errgroup.Group, logger *slog.Logger) {
	if ok, err := daemon.SdNotify(false, daemon.SdNotifyReady); err != nil {
		logger.Warn("systemd could not be notified.", slog.Any("error", err))
	} else if !ok {
		return
	}
	interval, err := daemon.SdWatchdogEnabled(false)
	if err != nil || interval == 0 {
		return
	}
	g.Go(func() error {
		t := time.NewTicker(interval / 2)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
				_, _ = daemon.SdNotify(false, daemon.SdNotifyWatchdog)
			}
		}
	})
}

func startWorker(ctx context.Context, g *errgroup.Group, a *app, composer *notify.Composer, m *metrics.Metrics) error {
	sender, err := newSender(ctx, a)
	if err != nil {
		return err
	}
	changes, err := store.Listen(ctx, a.cfg.DatabaseURL, a.logger)
	if err != nil {
		return err
	}
	sched := scheduler.New(scheduler.Config{
		Reminders:   a.cfg.Reminders,
		Location:    a.cfg.Location,
		WorkingDays: a.cfg.WorkingDays(),
		Concurrency: a.cfg.SMTPConnections,
		ClaimBatch:  a.cfg.ClaimBatch,
		Lease:       a.cfg.Lease,
		Sweep:       a.cfg.SweepInterval,
		Retry:       scheduler.RetryPolicy{MaxAttempts: a.cfg.RetryMax, Base: a.cfg.RetryBase, Max: a.cfg.RetryMaxDelay},
		ConfirmTTL:  a.cfg.ConfirmTTL,
		PendingTTL:  a.cfg.PendingTTL,
		Retention:   a.cfg.Retention,
		Metrics:     m,
	}, a.store, composer, sender, a.logger)
	g.Go(func() error {
		defer sender.Close()
		return sched.Run(ctx, changes)
	})
	if len(a.cfg.AgendaFeeds) > 0 {
		f := &agenda.Follower{Importer: agenda.Importer{Store: a.store}, Feeds: a.cfg.AgendaFeeds, Kind: a.cfg.AgendaFeedKind,
			Location: a.cfg.Location, Logger: a.logger}
		feeds, err := scheduler.NewPeriodic(scheduler.PeriodicConfig{Name: "agenda feeds", Schedule: a.cfg.AgendaFeedSchedule,
			Location: a.cfg.Location, AtStart: true, Job: f.ImportAll, Logger: a.logger})
		if err != nil {
			return err
		}
		g.Go(func() error { return feeds.Run(ctx) })
	}
	return nil
}

// newSender is the outbox or the SMTP relay, with the rate limit.
func newSender(ctx context.Context, a *app) (notify.Sender, error) {
	if a.cfg.MailOutboxDir != "" {
		a.logger.Info("Messages go to the outbox folder, not to SMTP.", slog.String("dir", a.cfg.MailOutboxDir))
		out, err := notify.NewOutbox(a.cfg.MailOutboxDir)
		if err != nil {
			return nil, fmt.Errorf("MAIL_OUTBOX_DIR : dossier inutilisable : %w", err)
		}
		return notify.RateLimited(out, a.cfg.SMTPRateLimit), nil
	}
	sc, err := smtpConfig(a.cfg)
	if err != nil {
		return nil, err
	}
	smtp, err := notify.NewSMTP(sc)
	if err != nil {
		return nil, err
	}
	checkCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := smtp.Check(checkCtx); err != nil {
		// Not fatal: the relay may come back, and deliveries wait for it.
		a.logger.Warn("SMTP server not usable at start; deliveries will be retried.", slog.Any("error", err))
	}
	return notify.RateLimited(smtp, a.cfg.SMTPRateLimit), nil
}

func startWeb(ctx context.Context, g *errgroup.Group, a *app, parts mailParts, m *metrics.Metrics, opsOnly bool) error {
	// With METRICS_ADDR, /metrics is served there alone, and not on the
	// public address.
	mainMetrics := m
	if a.cfg.MetricsAddr != "" {
		mainMetrics = nil
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", m.Handler())
		if err := serveHTTP(ctx, g, a, "METRICS_ADDR", a.cfg.MetricsAddr, mux); err != nil {
			return err
		}
	}
	handler := web.New(web.Config{
		Store: a.store, Tokens: parts.signer, Templates: parts.templates, Location: a.cfg.Location,
		Logger: a.logger, Reminders: parts.reminders, ConfirmsPerDay: a.cfg.ConfirmsPerDay,
		SignupsPerHour: a.cfg.SignupsPerHour, TrustedProxies: a.cfg.TrustedProxies,
		Metrics: mainMetrics, OpsOnly: opsOnly, Site: site(a, parts.schedule), ConfirmValidity: parts.validity,
		PublicURL: a.cfg.PublicURL, OIDC: oidcConfig(a), Preview: a.previewer(parts),
	}).Handler()
	return serveHTTP(ctx, g, a, "HTTP_ADDR", a.cfg.HTTPAddr, handler)
}

// serveHTTP serves handler on addr until ctx ends; variable names the
// setting in the error when the address cannot be listened on.
func serveHTTP(ctx context.Context, g *errgroup.Group, a *app, variable, addr string, handler http.Handler) error {
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.logger.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s : écoute impossible sur %s : %w", variable, addr, err)
	}
	g.Go(func() error {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve http: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		return srv.Shutdown(shutdownCtx)
	})
	return nil
}

// site is what the pages say of the service, from the configuration.
func site(a *app, schedule string) templates.Site {
	s := templates.Site{
		Reminders:  schedule,
		Controller: a.cfg.SiteController, Contact: a.cfg.SiteContact,
		Accessibility: a.cfg.AccessibilityStatus + " conforme", AccessibilityURL: a.cfg.AccessibilityURL,
		LegalURL: a.cfg.LegalURL, PrivacyURL: a.cfg.PrivacyURL,
		Retention: templates.Duration(a.cfg.Retention), Pending: templates.Duration(a.cfg.PendingTTL),
	}
	if s.Controller == "" && a.cfg.MailFrom != nil {
		s.Controller = a.cfg.MailFrom.Name
	}
	if s.Contact == "" && a.cfg.MailReplyTo != nil {
		s.Contact = a.cfg.MailReplyTo.Address
	}
	return s
}

// oidcConfig is the OpenID Connect provider of the organisers' space, or
// nil when none is configured.
func oidcConfig(a *app) *web.OIDCConfig {
	if !a.cfg.OIDC() {
		return nil
	}
	return &web.OIDCConfig{Issuer: a.cfg.OIDCIssuer, ClientID: a.cfg.OIDCClientID, ClientSecret: a.cfg.OIDCClientSecret,
		Scopes: a.cfg.OIDCScopes}
}
