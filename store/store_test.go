package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/store/storetest"
)

func TestMigrate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := storetest.NewEmptyDatabase(t)
	st, err := store.Open(ctx, dsn, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	if err := st.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaOutdated) {
		t.Fatalf("CheckSchema on an empty database = %v, want ErrSchemaOutdated", err)
	}

	// Several replicas migrating at once: one applies, the others wait and
	// find nothing left to do.
	var wg sync.WaitGroup
	applied := make([][]int64, 4)
	errs := make([]error, 4)
	for i := range 4 {
		wg.Go(func() {
			other, err := store.Open(ctx, dsn, 2)
			if err != nil {
				errs[i] = err
				return
			}
			defer other.Close()
			applied[i], errs[i] = other.Migrate(ctx, nil)
		})
	}
	wg.Wait()
	total := 0
	for i := range 4 {
		if errs[i] != nil {
			t.Fatalf("migrate %d: %v", i, errs[i])
		}
		total += len(applied[i])
	}
	if want := int(store.LatestSchemaVersion()); total != want {
		t.Errorf("%d migrations applied in all, want %d (each exactly once)", total, want)
	}
	if err := st.CheckSchema(ctx); err != nil {
		t.Errorf("CheckSchema after migrate: %v", err)
	}
	if again, err := st.Migrate(ctx, nil); err != nil || len(again) != 0 {
		t.Errorf("second migrate = %v, %v; want nothing to do", again, err)
	}
}

func TestSessions(t *testing.T) {
	t.Parallel()

	t.Run("CreateListShow", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		past := b.session(t, sessionOpts{Start: time.Now().Add(-48 * time.Hour)})
		future := b.session(t, sessionOpts{Kind: "atelier", Title: "Travail en mode hybride, et maintenant ?"})
		upcoming, err := b.st.Sessions(b.ctx, store.SessionFilter{})
		if err != nil || len(upcoming) != 1 || upcoming[0].ID != future.ID {
			t.Fatalf("upcoming = %+v, %v", upcoming, err)
		}
		all, err := b.st.Sessions(b.ctx, store.SessionFilter{IncludePast: true})
		if err != nil || len(all) != 2 || all[0].ID != past.ID {
			t.Fatalf("all = %+v, %v", all, err)
		}
		got, err := b.st.SessionByID(b.ctx, future.ID)
		if err != nil || got.Title != future.Title || got.ScheduleVersion != 1 || got.Status != store.SessionScheduled {
			t.Errorf("SessionByID = %+v, %v", got, err)
		}
		if _, err := b.st.SessionByID(b.ctx, 999999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing session: %v", err)
		}
	})

	t.Run("Validation", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		start := time.Now().Add(time.Hour)
		before := start.Add(-time.Minute)
		for name, p := range map[string]store.SessionParams{
			"Kind":      {Kind: "conférence", Title: "x", StartsAt: start},
			"Title":     {Kind: "atelier", Title: "  ", StartsAt: start},
			"URL":       {Kind: "atelier", Title: "x", StartsAt: start, JoinURL: "javascript:alert(1)"},
			"End":       {Kind: "atelier", Title: "x", StartsAt: start, EndsAt: &before},
			"NoStart":   {Kind: "atelier", Title: "x"},
			"Control":   {Kind: "atelier", Title: "x\x00y", StartsAt: start},
			"LongTitle": {Kind: "atelier", Title: string(make([]byte, 301)), StartsAt: start},
		} {
			var ferr *store.FieldError
			if _, err := b.st.CreateSession(b.ctx, p); !errors.As(err, &ferr) || !errors.Is(err, store.ErrInvalid) {
				t.Errorf("%s: err = %v, want a FieldError", name, err)
			}
		}
		all, _ := b.st.Sessions(b.ctx, store.SessionFilter{IncludePast: true})
		if len(all) != 0 {
			t.Errorf("%d sessions written by rejected input", len(all))
		}
	})

	t.Run("DatabaseConstraints", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		for name, q := range map[string]string{
			"Kind":   `INSERT INTO sessions (kind, title, starts_at) VALUES ('conference', 'x', now())`,
			"Title":  `INSERT INTO sessions (kind, title, starts_at) VALUES ('atelier', ' ', now())`,
			"End":    `INSERT INTO sessions (kind, title, starts_at, ends_at) VALUES ('atelier', 'x', now(), now() - interval '1 hour')`,
			"Status": `INSERT INTO sessions (kind, title, starts_at, status) VALUES ('atelier', 'x', now(), 'maybe')`,
			"Email":  `INSERT INTO subscribers (email) VALUES ('Marie@Example.org')`,
		} {
			if err := b.exec(t, q); err == nil {
				t.Errorf("%s: the database accepted %s", name, q)
			}
		}
	})

	t.Run("UpdateMovesSchedule", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		s := b.session(t, sessionOpts{})
		title := "Nouveau titre"
		got, moved, err := b.st.UpdateSession(b.ctx, s.ID, store.SessionChanges{Title: &title})
		if err != nil || moved || got.Title != title || got.ScheduleVersion != 1 {
			t.Fatalf("retitle = %+v, %v, %v", got, moved, err)
		}
		later := s.StartsAt.Add(2 * time.Hour)
		got, moved, err = b.st.UpdateSession(b.ctx, s.ID, store.SessionChanges{StartsAt: &later})
		if err != nil || !moved || got.ScheduleVersion != 2 || !got.StartsAt.Equal(later) {
			t.Fatalf("move = %+v, %v, %v", got, moved, err)
		}
		early := later.Add(-time.Hour)
		if _, _, err := b.st.UpdateSession(b.ctx, s.ID, store.SessionChanges{EndsAt: &early}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("end before start: %v", err)
		}
	})

	t.Run("Cancel", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		s := b.session(t, sessionOpts{})
		got, err := b.st.CancelSession(b.ctx, s.ID)
		if err != nil || got.Status != store.SessionCancelled {
			t.Fatalf("cancel = %+v, %v", got, err)
		}
		if _, err := b.st.CancelSession(b.ctx, s.ID); !errors.Is(err, store.ErrCancelled) {
			t.Errorf("second cancel: %v", err)
		}
		title := "x"
		if _, _, err := b.st.UpdateSession(b.ctx, s.ID, store.SessionChanges{Title: &title}); !errors.Is(err, store.ErrCancelled) {
			t.Errorf("update of a cancelled session: %v", err)
		}
		if _, err := b.st.CancelSession(b.ctx, 999999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("cancel of a missing session: %v", err)
		}
	})
}
