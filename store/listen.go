package store

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/lib/pq"
)

// changesChannel is the channel the triggers of the schema notify on.
const changesChannel = "rappel_changes"

// Listen follows the notifications of changes (new sessions, sign-ups and
// deliveries, moves and cancellations) on a dedicated connection that
// reconnects by itself. Each notification, and each reconnection (after
// which notifications may have been missed), sends a table name, or "" for
// a reconnection, on the returned channel; it is closed when ctx ends.
func Listen(ctx context.Context, databaseURL string, logger *slog.Logger) (<-chan string, error) {
	events := func(ev pq.ListenerEventType, err error) {
		switch ev {
		case pq.ListenerEventConnectionAttemptFailed, pq.ListenerEventDisconnected:
			logger.Warn("Notification connection lost.", slog.Any("error", err))
		case pq.ListenerEventReconnected:
			logger.Info("Notification connection restored.")
		}
	}
	l := pq.NewListener(databaseURL, 100*time.Millisecond, 5*time.Second, events)
	if err := l.Listen(changesChannel); err != nil {
		l.Close()
		return nil, fmt.Errorf("listen to %s: %w", changesChannel, err)
	}
	out := make(chan string, 1)
	go func() {
		defer close(out)
		defer l.Close()
		// A ping now and then finds a dead connection that TCP alone would
		// not notice for a long time; the listener then reconnects.
		ping := time.NewTicker(30 * time.Second)
		defer ping.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ping.C:
				go func() { _ = l.Ping() }()
			case n := <-l.Notify:
				payload := ""
				if n != nil {
					payload = n.Extra
				}
				select {
				case out <- payload:
				default: // a wake-up is already waiting: they all mean "look again"
				}
			}
		}
	}()
	return out, nil
}
