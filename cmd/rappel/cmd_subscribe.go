package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/dinum/rappel/csvimport"
	"github.com/dinum/rappel/store"
)

func cmdSubscribe(ctx context.Context, a *app, args []string) error {
	p, err := parseFixed(args, flagSpec{values: []string{"session", "email", "name"}}, 0, "")
	if err != nil {
		return err
	}
	id, err := p.sessionOption()
	if err != nil {
		return err
	}
	email, err := p.required("email")
	if err != nil {
		return err
	}
	if _, err := findSession(ctx, a, id); err != nil {
		return err
	}
	g, created, err := a.store.Subscribe(ctx, store.SubscribeParams{
		SessionID: id, Email: email, Name: p.values["name"], Source: "cli",
	})
	if err != nil {
		return err
	}
	a.logger.Info("Sign-up added.", "signup_id", g.ID, "session_id", id, "created", created)
	switch {
	case g.Status == store.SignupWaitlisted && created:
		_, err = fmt.Fprintf(a.stdout, "La session %d est complète : %s est sur sa liste d'attente, et en est prévenue.\n", id, g.Email)
		return err
	case g.Status == store.SignupWaitlisted || g.Status == store.SignupOffered:
		_, err = fmt.Fprintf(a.stdout, "%s était déjà sur la liste d'attente de la session %d.\n", g.Email, id)
		return err
	case !created:
		_, err = fmt.Fprintf(a.stdout, "%s était déjà inscrite à la session %d : inscription confirmée.\n", g.Email, id)
		return err
	}
	_, err = fmt.Fprintf(a.stdout, "%s est inscrite à la session %d.\n", g.Email, id)
	return err
}

func cmdImport(ctx context.Context, a *app, args []string) error {
	p, err := parseFixed(args, flagSpec{values: []string{"session"}, bools: []string{"confirm"}}, 1, "le fichier à importer (ou « - » pour l'entrée standard)")
	if err != nil {
		return err
	}
	id, err := p.sessionOption()
	if err != nil {
		return err
	}
	sess, err := findSession(ctx, a, id)
	if err != nil {
		return err
	}
	in, closeIn, err := openInput(a, p.positional[0])
	if err != nil {
		return err
	}
	defer closeIn()
	parsed, err := csvimport.Parse(in)
	if err != nil {
		return fmt.Errorf("%s : %w", p.positional[0], err)
	}
	var res store.ImportResult
	if p.bools["confirm"] {
		res, err = a.store.ImportRequests(ctx, id, parsed.Rows, a.cfg.ConfirmsPerDay)
	} else {
		res, err = a.store.ImportSignups(ctx, id, parsed.Rows)
	}
	if err != nil {
		return err
	}
	a.logger.Info("List imported.", "session_id", id, "added", len(res.Added), "rejected", len(parsed.Rejected))
	printImport(a, sess, parsed, res)
	return nil
}

func openInput(a *app, name string) (io.Reader, func(), error) {
	if name == "-" {
		return a.stdin, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, fmt.Errorf("fichier illisible : %w", err)
	}
	return f, func() { f.Close() }, nil
}

func printImport(a *app, sess store.Session, parsed csvimport.Result, res store.ImportResult) {
	w := a.stdout
	fmt.Fprintf(w, "Import dans la session %d « %s » :\n", sess.ID, sess.Title)
	if len(res.Invited) > 0 || len(res.Limited) > 0 {
		fmt.Fprintf(w, "  invitées à confirmer leur inscription : %d\n", len(res.Invited))
		if len(res.Limited) > 0 {
			fmt.Fprintf(w, "  non invitées, trop de demandes pour ces adresses aujourd'hui : %d\n", len(res.Limited))
			for _, r := range res.Limited {
				fmt.Fprintf(w, "    ligne %d : %s\n", r.Line, r.Email)
			}
		}
	} else {
		fmt.Fprintf(w, "  ajoutées : %d\n", len(res.Added))
	}
	if len(res.Waitlisted) > 0 {
		fmt.Fprintf(w, "  session complète, mises sur la liste d'attente (et prévenues) : %d\n", len(res.Waitlisted))
		for _, r := range res.Waitlisted {
			fmt.Fprintf(w, "    ligne %d : %s\n", r.Line, r.Email)
		}
	}
	fmt.Fprintf(w, "  déjà inscrites : %d\n", len(res.Present))
	if len(res.Unsubscribed) > 0 {
		fmt.Fprintf(w, "  désinscrites d'elles-mêmes, laissées de côté : %d\n", len(res.Unsubscribed))
		for _, r := range res.Unsubscribed {
			fmt.Fprintf(w, "    ligne %d : %s\n", r.Line, r.Email)
		}
	}
	if len(parsed.Duplicates) > 0 {
		fmt.Fprintf(w, "  doublons dans le fichier, ignorés : %d\n", len(parsed.Duplicates))
		for _, d := range parsed.Duplicates {
			fmt.Fprintf(w, "    ligne %d : %s\n", d.Line, d.Reason)
		}
	}
	fmt.Fprintf(w, "  rejetées : %d\n", len(parsed.Rejected))
	for _, r := range parsed.Rejected {
		fmt.Fprintf(w, "    ligne %d : %s\n", r.Line, r.Reason)
	}
}
