package scheduler

import (
	"context"
	"log/slog"
	"time"

	"github.com/dinum/rappel/notify"
	"github.com/dinum/rappel/templates"
	"github.com/dinum/rappel/token"
)

// LoginTTL is how long a sign-in link to the organisers' space works.
const LoginTTL = 15 * time.Minute

// loginLoop sends the messages people of the organisers' space ask for
// (sign-in links, tests of a session's messages), when a request is
// notified and on every sweep. One whose sending fails is not tried again:
// the person, who is waiting for it, asks for another.
func (s *Scheduler) loginLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.loginWake:
		}
		s.sendLogins(ctx)
		s.sendTests(ctx)
	}
}

// sendTests sends the tests of a session's messages that members asked
// for in the organisers' space, to their own address.
func (s *Scheduler) sendTests(ctx context.Context) {
	tests, err := s.store.ClaimTestSends(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.logger.Error("Claiming test sends failed.", slog.Any("error", err))
		}
		return
	}
	p := &notify.Previewer{Composer: s.composer, Reminders: s.cfg.Reminders, Location: s.cfg.Location}
	for _, t := range tests {
		sess, err := s.store.SessionByID(ctx, t.SessionID)
		var e *notify.Email
		if err == nil {
			e, err = p.Build(sess.TemplateInput(), sess.ScheduleVersion, t.Kind,
				templates.Recipient{Name: notify.SampleRecipient.Name, Email: t.Email})
		}
		if err == nil {
			err = s.sender.Send(ctx, e)
		}
		if err != nil {
			s.logger.Error("Test message not sent.", slog.Int64("test_send_id", t.ID), slog.Int64("session_id", t.SessionID), slog.Any("error", err))
			continue
		}
		if err := s.store.TestSent(context.WithoutCancel(ctx), t.ID); err != nil {
			s.logger.Warn("Test message sent but not noted.", slog.Int64("test_send_id", t.ID), slog.Any("error", err))
		}
		s.logger.Info("Test message sent.", slog.Int64("test_send_id", t.ID), slog.Int64("session_id", t.SessionID), slog.String("kind", string(t.Kind)))
	}
}

func (s *Scheduler) sendLogins(ctx context.Context) {
	links, err := s.store.ClaimLogins(ctx, LoginTTL, token.NewRandom)
	if err != nil {
		if ctx.Err() == nil {
			s.logger.Error("Claiming sign-in links failed.", slog.Any("error", err))
		}
		return
	}
	for _, l := range links {
		e, err := s.composer.Login(l.ID, l.Email, l.Token, l.Expires, LoginTTL)
		if err == nil {
			err = s.sender.Send(ctx, e)
		}
		if err != nil {
			s.logger.Error("Sign-in link not sent.", slog.Int64("login_request_id", l.ID), slog.Any("error", err))
			continue
		}
		if err := s.store.LoginSent(context.WithoutCancel(ctx), l.ID); err != nil {
			s.logger.Warn("Sign-in link sent but not noted.", slog.Int64("login_request_id", l.ID), slog.Any("error", err))
		}
		s.logger.Info("Sign-in link sent.", slog.Int64("login_request_id", l.ID))
	}
}
