package store

import (
	"context"
	"fmt"
	"math"

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
	// Waitlisted found the session full: they wait for a place, and were
	// told so.
	Waitlisted []ImportRow
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
		case "added-waitlisted", SignupWaitlisted, SignupOffered:
			res.Waitlisted = append(res.Waitlisted, r)
		case SignupUnsubscribed:
			res.Unsubscribed = append(res.Unsubscribed, r)
		default:
			res.Present = append(res.Present, r)
		}
	}
	return res, nil
}

// importRows inserts the missing subscribers and sign-ups, in the order of
// the file while places are free and on the waiting list after, and
// reports, per address, "added", "added-waitlisted" or the status of the
// sign-up that was already there.
func importRows(ctx context.Context, tx *sqlx.Tx, sessionID int64, emails, names []string) (map[string]string, error) {
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO subscribers (email, name)
		SELECT email, name FROM unnest($1::text[], $2::text[]) AS t(email, name)
		ON CONFLICT (email) DO NOTHING`, pq.Array(emails), pq.Array(names)); err != nil {
		return nil, fmt.Errorf("save subscribers: %w", interpretError(err))
	}
	free, err := freePlaces(ctx, tx, sessionID)
	if err != nil {
		return nil, err
	}
	places := math.MaxInt32
	if free != nil {
		places = max(*free, 0)
	}
	rows, err := tx.QueryContext(ctx, `
		WITH input AS (
			SELECT sub.id, sub.email, sub.opted_out_at IS NOT NULL AS opted_out, t.ord
			FROM unnest($2::text[]) WITH ORDINALITY AS t(email, ord)
			JOIN subscribers sub ON sub.email = t.email
		),
		fresh AS (
			SELECT i.id, row_number() OVER (ORDER BY i.ord) AS rn FROM input i
			WHERE NOT i.opted_out
			  AND NOT EXISTS (SELECT 1 FROM signups g WHERE g.session_id = $1 AND g.subscriber_id = i.id)
		),
		added AS (
			INSERT INTO signups (session_id, subscriber_id, status, source, confirmed_at, needs_plan, waitlisted_at)
			SELECT $1, id, CASE WHEN rn <= $3 THEN 'confirmed' ELSE 'waitlisted' END, 'import',
				CASE WHEN rn <= $3 THEN now() END, rn <= $3,
				-- the waiting list keeps the order of the file
				CASE WHEN rn > $3 THEN now() + rn * interval '1 microsecond' END
			FROM fresh
			ON CONFLICT (session_id, subscriber_id) DO NOTHING
			RETURNING subscriber_id, status
		)
		-- The statement's snapshot predates the rows "added" inserts: a
		-- sign-up found here was there before. An address that opted out
		-- counts as unsubscribed.
		SELECT i.email, CASE WHEN i.opted_out THEN 'unsubscribed'
			WHEN a.status = 'waitlisted' THEN 'added-waitlisted'
			ELSE coalesce(g.status, 'added') END
		FROM input i
		LEFT JOIN signups g ON g.session_id = $1 AND g.subscriber_id = i.id
		LEFT JOIN added a ON a.subscriber_id = i.id`,
		sessionID, pq.Array(emails), places)
	if err != nil {
		return nil, fmt.Errorf("save sign-ups: %w", interpretError(err))
	}
	defer rows.Close()
	status := make(map[string]string, len(emails))
	confirmed := 0
	for rows.Next() {
		var email, st string
		if err := rows.Scan(&email, &st); err != nil {
			return nil, fmt.Errorf("read import result: %w", err)
		}
		status[email] = st
		if st == "added" {
			confirmed++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read import result: %w", err)
	}
	rows.Close()
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO deliveries (signup_id, session_id, kind, schedule_version, due_at, next_attempt_at)
		SELECT g.id, g.session_id, 'waitlisted', s.schedule_version, now(), now()
		FROM signups g JOIN sessions s ON s.id = g.session_id JOIN subscribers sub ON sub.id = g.subscriber_id
		WHERE g.session_id = $1 AND g.status = 'waitlisted' AND sub.email = ANY($2::text[])
		ON CONFLICT (signup_id, kind, schedule_version) WHERE kind <> 'confirmation' DO NOTHING`,
		sessionID, pq.Array(emails)); err != nil {
		return nil, fmt.Errorf("tell the waiting list: %w", err)
	}
	return status, confirmPending(ctx, tx, sessionID, emails, places-confirmed)
}

// confirmPending confirms the pending sign-ups of the list (people who had
// asked on the public form) while places remain, and puts the others on the
// waiting list.
func confirmPending(ctx context.Context, tx *sqlx.Tx, sessionID int64, emails []string, places int) error {
	var pending []int64
	if err := tx.SelectContext(ctx, &pending, `
		SELECT g.id FROM signups g JOIN subscribers sub ON sub.id = g.subscriber_id
		WHERE g.session_id = $1 AND g.status = 'pending' AND sub.opted_out_at IS NULL AND sub.email = ANY($2::text[])
		ORDER BY g.id`, sessionID, pq.Array(emails)); err != nil {
		return fmt.Errorf("find pending sign-ups: %w", err)
	}
	for i, id := range pending {
		if i >= places {
			if err := putOnWaitingList(ctx, tx, id); err != nil {
				return err
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE signups SET status = 'confirmed', confirmed_at = now(), needs_plan = true WHERE id = $1`, id); err != nil {
			return fmt.Errorf("confirm pending sign-up: %w", err)
		}
	}
	return nil
}
