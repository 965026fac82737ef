package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dinum/rappel/store"
)

func cmdSubscriberExport(ctx context.Context, a *app, args []string) error {
	p, err := parseFixed(args, flagSpec{}, 1, "l'adresse électronique")
	if err != nil {
		return err
	}
	data, err := a.store.ExportSubscriber(ctx, p.positional[0])
	if errors.Is(err, store.ErrNotFound) {
		return &notFoundError{msg: "rappel ne garde rien sur l'adresse " + p.positional[0]}
	}
	if err != nil {
		return err
	}
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(data)
}

func cmdSubscriberForget(ctx context.Context, a *app, args []string) error {
	p, err := parseFixed(args, flagSpec{}, 1, "l'adresse électronique")
	if err != nil {
		return err
	}
	n, err := a.store.ForgetSubscriber(ctx, p.positional[0])
	if errors.Is(err, store.ErrNotFound) {
		return &notFoundError{msg: "rappel ne garde rien sur l'adresse " + p.positional[0]}
	}
	if err != nil {
		return err
	}
	a.logger.Info("Subscriber forgotten.", "signups", n)
	_, err = fmt.Fprintf(a.stdout, "Adresse effacée, avec ses %d inscription(s) et tous leurs envois.\n", n)
	return err
}
