package agenda

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"
)

// Follower imports iCalendar feeds with the same rules as an import by
// hand; the scheduler runs its ImportAll on AGENDA_FEED_SCHEDULE
// (scheduler.Periodic). Replicas that follow the same feed take turns:
// the one that finds an import of it under way skips it.
type Follower struct {
	Importer Importer
	Feeds    []string
	// Kind is the kind of the events that give none.
	Kind     string
	Location *time.Location
	Logger   *slog.Logger
	// Client fetches the feeds; nil is Read's default.
	Client *http.Client
}

// ImportAll reads and imports every feed once, logging what it did; a feed
// that fails is tried again at the next turn.
func (f *Follower) ImportAll(ctx context.Context) {
	for _, feed := range f.Feeds {
		if ctx.Err() != nil {
			return
		}
		f.importFeed(ctx, feed)
	}
}

func (f *Follower) importFeed(ctx context.Context, feed string) {
	log := f.Logger.With(slog.String("feed", Redact(feed)))
	data, err := Read(ctx, f.Client, feed)
	if err != nil {
		log.Error("Agenda feed could not be read; the next reading will try again.", slog.Any("error", err))
		return
	}
	p, err := ParseICS(bytes.NewReader(data), feed, f.Location, f.Kind)
	if err != nil {
		log.Error("Agenda feed could not be parsed.", slog.Any("error", err))
		return
	}
	r, err := f.Importer.Import(ctx, p, Options{NoWait: true})
	switch {
	case errors.Is(err, ErrBusy):
		log.Debug("Agenda feed skipped: another replica is importing it.")
		return
	case err != nil:
		log.Error("Agenda feed could not be imported.", slog.Any("error", err))
		return
	}
	level := slog.LevelDebug
	if len(r.Changes) != r.Count(Unchanged) {
		level = slog.LevelInfo
	}
	log.Log(ctx, level, "Agenda feed imported.", slog.Int("created", r.Count(Create)), slog.Int("updated", r.Count(Update)),
		slog.Int("rescheduled", r.Count(Reschedule)), slog.Int("cancelled", r.Count(Cancel)), slog.Int("missing", r.Count(Missing)))
	for _, pr := range r.Problems {
		log.Warn("Agenda feed event not imported.", slog.Int("event", pr.Block), slog.String("reason", pr.Message))
	}
}
