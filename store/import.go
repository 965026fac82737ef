package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// ImportRow is one valid line of a subscriber list: the address already
// normalised, the line number kept for the report.
type ImportRow struct {
	Line  int
	Email string
	Name  string
}

// ImportResult sorts the rows of an import by what became of them.
type ImportResult struct {
	Added []ImportRow
	// Present were already signed up (a pending sign-up is confirmed).
	Present []ImportRow
	// Unsubscribed left the session themselves (or asked for nothing more
	// from rappel) and are not signed up again.
	Unsubscribed []ImportRow
	// Invited were sent a confirmation request (an import asking for it).
	Invited []ImportRow
	// Limited had their share of confirmation requests today.
	Limited []ImportRow
}

// ImportSignups signs a list up to a session in one transaction and a few
// set-based statements, whatever the size of the list.
func (s *Store) ImportSignups(ctx context.Context, sessionID int64, rows []ImportRow) (ImportResult, error) {
	emails := make([]string, len(rows))
	names := make([]string, len(rows))
	for i, r := range rows {
		emails[i], names[i] = r.Email, r.Name
	}
	var status map[string]string
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := checkSessionOpen(ctx, tx, sessionID); err != nil {
			return err
		}
		var err error
		status, err = importRows(ctx, tx, sessionID, emails, names)
		return err
	})
	if err != nil {
		return ImportResult{}, fmt.Errorf("import into session %d: %w", sessionID, err)
	}
	var res ImportResult
	for _, r := range rows {
		switch status[r.Email] {
		case "added":
			res.Added = append(res.Added, r)
		case SignupUnsubscribed:
			res.Unsubscribed = append(res.Unsubscribed, r)
		default:
			res.Present = append(res.Present, r)
		}
	}
	return res, nil
}

// importRows inserts the missing subscribers and sign-ups and reports, per
// address, "added" or the status of the sign-up that was already there.
func importRows(ctx context.Context, tx *sqlx.Tx, sessionID int64, emails, names []string) (map[string]string, error) {
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO subscribers (email, name)
		SELECT email, name FROM unnest($1::text[], $2::text[]) AS t(email, name)
		ON CONFLICT (email) DO NOTHING`, pq.Array(emails), pq.Array(names)); err != nil {
		return nil, fmt.Errorf("save subscribers: %w", interpretError(err))
	}
	rows, err := tx.QueryContext(ctx, `
		WITH input AS (
			SELECT sub.id, sub.email, sub.opted_out_at IS NOT NULL AS opted_out
			FROM subscribers sub
			JOIN unnest($2::text[]) AS t(email) ON t.email = sub.email
		),
		added AS (
			INSERT INTO signups (session_id, subscriber_id, status, source, confirmed_at, needs_plan)
			SELECT $1, id, 'confirmed', 'import', now(), true FROM input WHERE NOT opted_out
			ON CONFLICT (session_id, subscriber_id) DO NOTHING
			RETURNING subscriber_id
		)
		-- The statement's snapshot predates the rows "added" inserts: a
		-- sign-up found here was there before. An address that opted out
		-- counts as unsubscribed.
		SELECT i.email, CASE WHEN i.opted_out THEN 'unsubscribed' ELSE coalesce(g.status, 'added') END
		FROM input i
		LEFT JOIN signups g ON g.session_id = $1 AND g.subscriber_id = i.id`,
		sessionID, pq.Array(emails))
	if err != nil {
		return nil, fmt.Errorf("save sign-ups: %w", interpretError(err))
	}
	defer rows.Close()
	status := make(map[string]string, len(emails))
	for rows.Next() {
		var email, st string
		if err := rows.Scan(&email, &st); err != nil {
			return nil, fmt.Errorf("read import result: %w", err)
		}
		status[email] = st
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read import result: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE signups g SET status = 'confirmed', confirmed_at = now(), needs_plan = true
		FROM subscribers sub
		WHERE g.session_id = $1 AND g.status = 'pending' AND sub.opted_out_at IS NULL
		  AND sub.id = g.subscriber_id AND sub.email = ANY($2::text[])`, sessionID, pq.Array(emails)); err != nil {
		return nil, fmt.Errorf("confirm pending sign-ups: %w", err)
	}
	return status, nil
}
