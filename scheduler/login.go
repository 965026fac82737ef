package scheduler

import (
	"context"
	"log/slog"
	"time"

	"github.com/dinum/rappel/token"
)

// LoginTTL is how long a sign-in link to the organisers' space works.
const LoginTTL = 15 * time.Minute

// loginLoop sends the sign-in links asked for, when a request is notified
// and on every sweep. A link whose sending fails is not tried again: the
// person, who is waiting for it, asks for another.
func (s *Scheduler) loginLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.loginWake:
		}
		s.sendLogins(ctx)
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
