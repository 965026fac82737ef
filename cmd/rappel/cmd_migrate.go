package main

import (
	"context"
	"fmt"
)

func cmdMigrate(ctx context.Context, a *app, args []string) error {
	if _, err := parseFixed(args, flagSpec{}, 0, ""); err != nil {
		return err
	}
	applied, err := a.store.Migrate(ctx, a.logger)
	if err != nil {
		return err
	}
	v, err := a.store.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		_, err = fmt.Fprintf(a.stdout, "Schéma déjà à jour (version %d).\n", v)
		return err
	}
	_, err = fmt.Fprintf(a.stdout, "%d migration(s) appliquée(s) ; schéma en version %d.\n", len(applied), v)
	return err
}
