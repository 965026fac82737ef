package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/token"
)

func cmdTokenCreate(ctx context.Context, a *app, args []string) error {
	p, err := parseFixed(args, flagSpec{bools: []string{"admin"}}, 1, "le nom de l'organisateur")
	if err != nil {
		return err
	}
	raw, hash, prefix, err := token.NewAPIToken()
	if err != nil {
		return err
	}
	t, err := a.store.CreateToken(ctx, p.positional[0], p.bools["admin"], hash, prefix)
	if errors.Is(err, store.ErrNotAdmin) {
		return refusedf("« %s » est déjà un organisateur sans droits d'administrateur : --admin les donnerait aussi à tous ses jetons existants. "+
			"Créez le jeton d'administration sous un autre nom, par exemple « %s (administration) »", p.positional[0], p.positional[0])
	}
	if err != nil {
		return err
	}
	a.logger.Info("API token created.", "token_id", t.ID, "admin", t.IsAdmin)
	role := "organisateur"
	if t.IsAdmin {
		role = "administrateur (voit toutes les sessions)"
	}
	fmt.Fprintf(a.stderr, "Jeton n° %d pour %s, %s. Il ne sera plus jamais affiché : conservez-le maintenant.\n", t.ID, t.Organiser, role)
	_, err = fmt.Fprintln(a.stdout, raw)
	return err
}

func cmdTokenList(ctx context.Context, a *app, args []string) error {
	if _, err := parseFixed(args, flagSpec{}, 0, ""); err != nil {
		return err
	}
	tokens, err := a.store.Tokens(ctx)
	if err != nil {
		return err
	}
	if len(tokens) == 0 {
		_, err := fmt.Fprintln(a.stdout, "Aucun jeton.")
		return err
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "N°\tORGANISATEUR\tDÉBUT\tCRÉÉ LE\tDERNIER USAGE\tÉTAT")
	for _, t := range tokens {
		state := "actif"
		if t.RevokedAt != nil {
			state = "révoqué le " + t.RevokedAt.In(a.cfg.Location).Format("2006-01-02")
		}
		if t.IsAdmin {
			state += ", administrateur"
		}
		used := "jamais"
		if t.LastUsedAt != nil {
			used = t.LastUsedAt.In(a.cfg.Location).Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s…\t%s\t%s\t%s\n", t.ID, t.Organiser, t.Prefix,
			t.CreatedAt.In(a.cfg.Location).Format("2006-01-02"), used, state)
	}
	return tw.Flush()
}

func cmdTokenRevoke(ctx context.Context, a *app, args []string) error {
	p, err := parseFixed(args, flagSpec{}, 1, "le numéro du jeton")
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(p.positional[0], 10, 64)
	if err != nil || id <= 0 {
		return usagef("numéro de jeton invalide : « %s »", p.positional[0])
	}
	t, err := a.store.RevokeToken(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return &notFoundError{what: fmt.Sprintf("le jeton %d", id)}
	case errors.Is(err, store.ErrRevoked):
		return fmt.Errorf("le jeton %d est déjà révoqué", id)
	case err != nil:
		return err
	}
	a.logger.Info("API token revoked.", "token_id", t.ID)
	_, err = fmt.Fprintf(a.stdout, "Jeton n° %d de %s révoqué : il ne donne plus accès à l'API.\n", t.ID, t.Organiser)
	return err
}

// cmdOrganiserContact shows or sets an organiser's contact.
func cmdOrganiserContact(ctx context.Context, a *app, args []string) error {
	p, err := parseArgs(args, flagSpec{})
	if err != nil {
		return err
	}
	if len(p.positional) == 0 || len(p.positional) > 2 {
		return usagef("attendu : le nom de l'organisateur, puis, pour le changer, son contact (« Nom <adresse> », \"\" pour aucun)")
	}
	name := p.positional[0]
	var contact string
	if len(p.positional) == 2 {
		contact, err = a.store.SetOrganiserContact(ctx, name, p.positional[1])
	} else {
		contact, err = a.store.OrganiserContact(ctx, name)
	}
	if errors.Is(err, store.ErrNotFound) {
		return &notFoundError{what: "l'organisateur « " + name + " »"}
	}
	if err != nil {
		return err
	}
	if contact == "" {
		contact = "aucun"
	}
	_, err = fmt.Fprintf(a.stdout, "Contact de %s : %s\n", name, contact)
	return err
}
