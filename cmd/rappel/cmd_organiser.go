package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/dinum/rappel/store"
)

// cmdOrganiserAdd creates a team, whose members then sign in to the
// organisers' space.
func cmdOrganiserAdd(ctx context.Context, a *app, args []string) error {
	p, err := parseFixed(args, flagSpec{bools: []string{"admin"}}, 1, "le nom de l'organisateur")
	if err != nil {
		return err
	}
	org, created, err := a.store.AddOrganiser(ctx, p.positional[0], p.bools["admin"])
	if ferr := (*store.FieldError)(nil); errors.As(err, &ferr) {
		return usagef("%s", ferr.Message)
	}
	if errors.Is(err, store.ErrNotAdmin) {
		return refusedf("« %s » existe déjà, sans droits d'administrateur : ils ne se donnent pas ici. "+
			"Créez l'équipe d'administration sous un autre nom", p.positional[0])
	}
	if err != nil {
		return err
	}
	what := "créé"
	if !created {
		what = "existe déjà"
	}
	role := ""
	if org.IsAdmin {
		role = ", administrateur (voit toutes les sessions)"
	}
	_, err = fmt.Fprintf(a.stdout, "Organisateur « %s » %s%s. Ajoutez ses membres : rappel organiser member add \"%s\" ADRESSE\n",
		org.Name, what, role, org.Name)
	return err
}

func cmdOrganiserList(ctx context.Context, a *app, args []string) error {
	if _, err := parseFixed(args, flagSpec{}, 0, ""); err != nil {
		return err
	}
	list, err := a.store.Organisers(ctx)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		_, err := fmt.Fprintln(a.stdout, "Aucun organisateur. Créez-en un : rappel organiser add NOM")
		return err
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ORGANISATEUR\tMEMBRES\tCONTACT\tDROITS")
	for _, o := range list {
		rights := "ses sessions"
		if o.IsAdmin {
			rights = "toutes les sessions"
		}
		contact := o.Contact
		if contact == "" {
			contact = "aucun"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", o.Name, o.Members, contact, rights)
	}
	return tw.Flush()
}

func cmdMemberAdd(ctx context.Context, a *app, args []string) error {
	p, err := parseFixed(args, flagSpec{}, 2, "le nom de l'organisateur et l'adresse du membre")
	if err != nil {
		return err
	}
	m, err := a.store.AddMember(ctx, p.positional[0], p.positional[1])
	var ferr *store.FieldError
	switch {
	case errors.As(err, &ferr):
		return usagef("%s", ferr.Message)
	case errors.Is(err, store.ErrNotFound):
		return &notFoundError{what: "l'organisateur « " + p.positional[0] + " »"}
	case errors.Is(err, store.ErrDuplicate):
		return refusedf("cette adresse est déjà membre d'une équipe : une personne appartient à une seule équipe (retirez-la d'abord de l'autre)")
	case err != nil:
		return err
	}
	a.logger.Info("Member added.", "member_id", m.ID, "organiser_id", m.OrganiserID)
	where := "l'adresse du service (PUBLIC_URL) suivie de /organisateurs/"
	if a.cfg.PublicURL != nil {
		where = strings.TrimSuffix(a.cfg.PublicURL.String(), "/") + "/organisateurs/"
	}
	_, err = fmt.Fprintf(a.stdout, "Membre ajouté à « %s » : %s. Cette personne se connecte à %s\n", m.Organiser, m.Email, where)
	return err
}

func cmdMemberRemove(ctx context.Context, a *app, args []string) error {
	p, err := parseFixed(args, flagSpec{}, 2, "le nom de l'organisateur et l'adresse du membre")
	if err != nil {
		return err
	}
	err = a.store.RemoveMember(ctx, p.positional[0], p.positional[1])
	if ferr := (*store.FieldError)(nil); errors.As(err, &ferr) {
		return usagef("%s", ferr.Message)
	}
	if errors.Is(err, store.ErrNotFound) {
		return &notFoundError{what: "le membre « " + p.positional[1] + " » de « " + p.positional[0] + " »"}
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(a.stdout, "Membre retiré de « %s » : ses sessions ouvertes sont fermées.\n", p.positional[0])
	return err
}

func cmdMemberList(ctx context.Context, a *app, args []string) error {
	p, err := parseFixed(args, flagSpec{}, 1, "le nom de l'organisateur")
	if err != nil {
		return err
	}
	list, err := a.store.Organisers(ctx)
	if err != nil {
		return err
	}
	for _, o := range list {
		if o.Name != p.positional[0] {
			continue
		}
		members, err := a.store.Members(ctx, o.ID)
		if err != nil {
			return err
		}
		if len(members) == 0 {
			_, err := fmt.Fprintf(a.stdout, "« %s » n'a aucun membre.\n", o.Name)
			return err
		}
		for _, m := range members {
			fmt.Fprintf(a.stdout, "%s\tdepuis le %s\n", m.Email, m.CreatedAt.In(a.cfg.Location).Format("2006-01-02"))
		}
		return nil
	}
	return &notFoundError{what: "l'organisateur « " + p.positional[0] + " »"}
}
