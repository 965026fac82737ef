package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// PurgeEnded deletes the sign-ups (and with them their deliveries and
// attempts) of the sessions over for longer than retention, then the
// addresses no sign-up uses any more, but those that opted out: their
// wish is kept until they ask to be forgotten. It returns how many of
// each. The sessions themselves, which hold no personal data, stay.
func (s *Store) PurgeEnded(ctx context.Context, retention time.Duration) (signups, subscribers int64, err error) {
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `
			DELETE FROM signups g
			USING sessions s
			WHERE s.id = g.session_id
			  AND coalesce(s.ends_at, s.starts_at) < now() - make_interval(secs => $1)`, retention.Seconds())
		if err != nil {
			return err
		}
		signups, _ = res.RowsAffected()
		subscribers, err = deleteUnusedSubscribers(ctx, tx)
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("purge sessions past retention: %w", err)
	}
	return signups, subscribers, nil
}

func deleteUnusedSubscribers(ctx context.Context, tx *sqlx.Tx) (int64, error) {
	res, err := tx.ExecContext(ctx, `
		DELETE FROM subscribers sub
		WHERE opted_out_at IS NULL AND NOT EXISTS (SELECT 1 FROM signups g WHERE g.subscriber_id = sub.id)`)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// SubscriberExport is everything rappel holds about an address (RGPD
// right of access).
type SubscriberExport struct {
	Email      string           `json:"email"`
	Name       string           `json:"name"`
	CreatedAt  time.Time        `json:"created_at"`
	OptedOutAt *time.Time       `json:"opted_out_at"`
	Signups    []SignupExport   `json:"signups"`
	Deliveries []DeliveryExport `json:"deliveries"`
}

// SignupExport is one sign-up of an export.
type SignupExport struct {
	SessionID    int64     `json:"session_id" db:"session_id"`
	SessionTitle string    `json:"session_title" db:"session_title"`
	SessionStart time.Time `json:"session_starts_at" db:"session_starts_at"`
	// Name is the one the person gave for this sign-up, if any.
	Name           string     `json:"name" db:"name"`
	Status         string     `json:"status" db:"status"`
	Source         string     `json:"source" db:"source"`
	CreatedAt      time.Time  `json:"created_at" db:"created_at"`
	ConfirmedAt    *time.Time `json:"confirmed_at" db:"confirmed_at"`
	UnsubscribedAt *time.Time `json:"unsubscribed_at" db:"unsubscribed_at"`
}

// DeliveryExport is one message of an export.
type DeliveryExport struct {
	SessionID int64      `json:"session_id" db:"session_id"`
	Kind      string     `json:"kind" db:"kind"`
	Status    string     `json:"status" db:"status"`
	DueAt     time.Time  `json:"due_at" db:"due_at"`
	SentAt    *time.Time `json:"sent_at" db:"sent_at"`
	Attempts  int        `json:"attempts" db:"attempts"`
	LastError *string    `json:"last_error" db:"last_error"`
}

// ExportSubscriber gathers what is held about an address.
func (s *Store) ExportSubscriber(ctx context.Context, email string) (SubscriberExport, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return SubscriberExport{}, err
	}
	var out SubscriberExport
	var id int64
	row := s.db.QueryRowxContext(ctx, `SELECT id, email, name, created_at, opted_out_at FROM subscribers WHERE email = $1`, email)
	if err := row.Scan(&id, &out.Email, &out.Name, &out.CreatedAt, &out.OptedOutAt); err != nil {
		return SubscriberExport{}, fmt.Errorf("export subscriber: %w", interpretError(err))
	}
	out.Signups, out.Deliveries = []SignupExport{}, []DeliveryExport{}
	if err := s.db.SelectContext(ctx, &out.Signups, `
		SELECT g.session_id, s.title AS session_title, s.starts_at AS session_starts_at,
			coalesce(nullif(g.name, ''), g.requested_name) AS name, g.status, g.source,
			g.created_at, g.confirmed_at, g.unsubscribed_at
		FROM signups g JOIN sessions s ON s.id = g.session_id
		WHERE g.subscriber_id = $1 ORDER BY s.starts_at`, id); err != nil {
		return SubscriberExport{}, fmt.Errorf("export sign-ups: %w", err)
	}
	if err := s.db.SelectContext(ctx, &out.Deliveries, `
		SELECT d.session_id, d.kind, d.status, d.due_at, d.sent_at, d.attempts, d.last_error
		FROM deliveries d JOIN signups g ON g.id = d.signup_id
		WHERE g.subscriber_id = $1 ORDER BY d.due_at, d.id`, id); err != nil {
		return SubscriberExport{}, fmt.Errorf("export deliveries: %w", err)
	}
	return out, nil
}

// ForgetSubscriber erases an address everywhere (RGPD right to erasure):
// the subscriber, its sign-ups, deliveries and attempts, under the fences
// of its sessions, so that no message to it is in flight once it returns.
// It returns how many sign-ups went with it.
func (s *Store) ForgetSubscriber(ctx context.Context, email string) (int64, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return 0, err
	}
	var signups int64
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		var id int64
		if err := tx.GetContext(ctx, &id, `SELECT id FROM subscribers WHERE email = $1`, email); err != nil {
			return interpretError(err)
		}
		var sessions []int64
		if err := tx.SelectContext(ctx, &sessions, `
			SELECT DISTINCT session_id FROM signups WHERE subscriber_id = $1 ORDER BY session_id`, id); err != nil {
			return err
		}
		for _, sid := range sessions {
			if err := lockFenceExclusive(ctx, tx, sid); err != nil {
				return err
			}
		}
		signups = int64(len(sessions))
		// Sign-ups, deliveries and attempts go with the subscriber
		// (ON DELETE CASCADE).
		_, err := tx.ExecContext(ctx, `DELETE FROM subscribers WHERE id = $1`, id)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("forget subscriber: %w", err)
	}
	return signups, nil
}
