package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/dinum/rappel/config"
)

// commands is every "rappel <command>", in the order help shows them.
func commands() []command {
	return []command{
		{name: "migrate", summary: "applique les migrations du schéma (sans risque, même à plusieurs)",
			usage: "rappel migrate", noSchemaCheck: true, run: cmdMigrate},
		{name: "check", summary: "vérifie la configuration, la base, les modèles et le serveur SMTP ; rapport en clair",
			usage: "rappel check"},
		{name: "run", summary: "lance le service : envois des rappels et serveur HTTP, jusqu'à SIGTERM",
			usage: "rappel run [--only worker|web]", need: config.NeedMail, run: cmdRun},
		{name: "session add", summary: "crée une session et affiche son numéro",
			usage: "rappel session add --kind TYPE --title TITRE --start QUAND [--end QUAND] [--timezone FUSEAU] [--location LIEU] [--accessible] [--join-url LIEN] [--page-url LIEN] [--contact \"Nom <adresse>\"] [--capacity PLACES] [--reminders 7d,1d,1h] [--description TEXTE]",
			run:   cmdSessionAdd},
		{name: "session list", summary: "liste les sessions à venir (--all : toutes)",
			usage: "rappel session list [--all]", run: cmdSessionList},
		{name: "session show", summary: "affiche une session",
			usage: "rappel session show NUMÉRO", run: cmdSessionShow},
		{name: "session update", summary: "modifie une session ; un nouvel horaire (même durée sauf --end) replanifie les rappels",
			usage: "rappel session update NUMÉRO [--start QUAND] [--end QUAND] [--timezone FUSEAU] [--title TITRE] [--kind TYPE] [--location LIEU] [--accessible|--not-accessible] [--join-url LIEN] [--page-url LIEN] [--contact \"Nom <adresse>\"] [--capacity PLACES|aucune] [--reminders 7d,1d,1h|\"\"] [--description TEXTE]",
			run:   cmdSessionUpdate},
		{name: "session cancel", summary: "annule une session : plus aucun rappel ne part",
			usage: "rappel session cancel NUMÉRO", run: cmdSessionCancel},
		{name: "agenda import", summary: "importe les sessions d'un article d'agenda (ou, avec --ics, d'un calendrier) ; réimporter met à jour",
			usage: "rappel agenda import [--dry-run] [--ics [--kind TYPE]] [--source NOM] [--move-to QUAND] FICHIER|ADRESSE",
			run:   cmdAgendaImport},
		{name: "subscribe", summary: "inscrit une adresse à une session (inscription confirmée)",
			usage: "rappel subscribe --session NUMÉRO --email ADRESSE [--name NOM]", run: cmdSubscribe},
		{name: "import", summary: "inscrit une liste d'adresses (CSV, « - » pour l'entrée standard) ; --confirm demande d'abord leur accord",
			usage: "rappel import --session NUMÉRO [--confirm] FICHIER", run: cmdImport},
		{name: "deliveries", summary: "qui a reçu quoi, quand, et ce qui a échoué (--format csv pour un tableur)",
			usage: "rappel deliveries --session NUMÉRO [--format text|csv]", run: cmdDeliveries},
		{name: "plan", summary: "ce qui sera envoyé, à qui et quand ; qui est exclu et pourquoi",
			usage: "rappel plan [--session NUMÉRO] [--from QUAND] [--to QUAND]", run: cmdPlan},
		{name: "preview", summary: "affiche un message tel qu'il serait envoyé (à un destinataire d'exemple)",
			usage: "rappel preview --session NUMÉRO --kind MESSAGE [--format text|html|eml]", need: config.NeedMail, run: cmdPreview},
		{name: "send-test", summary: "envoie pour de vrai un message d'essai à une adresse",
			usage: "rappel send-test --session NUMÉRO --kind MESSAGE --to ADRESSE", need: config.NeedTransport, run: cmdSendTest},
		{name: "subscriber export", summary: "tout ce que rappel garde sur une adresse, en JSON (RGPD, droit d'accès)",
			usage: "rappel subscriber export ADRESSE", run: cmdSubscriberExport},
		{name: "subscriber forget", summary: "efface une adresse partout, envois compris (RGPD, droit à l'effacement)",
			usage: "rappel subscriber forget ADRESSE", run: cmdSubscriberForget},
		{name: "organiser add", summary: "crée une équipe organisatrice (--admin : qui voit toutes les sessions)",
			usage: "rappel organiser add NOM [--admin]", run: cmdOrganiserAdd},
		{name: "organiser list", summary: "liste les équipes organisatrices", usage: "rappel organiser list", run: cmdOrganiserList},
		{name: "organiser member add", summary: "ajoute une personne à une équipe : elle se connecte à l'espace organisateurs avec son adresse",
			usage: "rappel organiser member add ORGANISATEUR ADRESSE", run: cmdMemberAdd},
		{name: "organiser member remove", summary: "retire une personne d'une équipe ; ses sessions ouvertes sont fermées aussitôt",
			usage: "rappel organiser member remove ORGANISATEUR ADRESSE", run: cmdMemberRemove},
		{name: "organiser member list", summary: "liste les membres d'une équipe",
			usage: "rappel organiser member list ORGANISATEUR", run: cmdMemberList},
		{name: "organiser contact", summary: "affiche ou change le contact d'un organisateur, nommé dans les messages de ses sessions qui n'en ont pas",
			usage: "rappel organiser contact ORGANISATEUR [\"Nom <adresse>\"]", run: cmdOrganiserContact},
		{name: "token create", summary: "crée un jeton d'accès à l'API pour un organisateur (affiché une seule fois)",
			usage: "rappel token create ORGANISATEUR [--admin]", run: cmdTokenCreate},
		{name: "token list", summary: "liste les jetons d'accès à l'API", usage: "rappel token list", run: cmdTokenList},
		{name: "token revoke", summary: "révoque un jeton d'accès à l'API", usage: "rappel token revoke NUMÉRO", run: cmdTokenRevoke},
		{name: "help", summary: "affiche cette aide", usage: "rappel help", run: cmdHelp},
	}
}

// findCommand matches one, two or three words of args to a command.
func findCommand(args []string) (command, []string, error) {
	all := commands()
	if len(args) >= 3 {
		for _, c := range all {
			if c.name == args[0]+" "+args[1]+" "+args[2] {
				return c, args[3:], nil
			}
		}
	}
	if len(args) >= 2 {
		for _, c := range all {
			if c.name == args[0]+" "+args[1] {
				return c, args[2:], nil
			}
		}
	}
	for _, c := range all {
		if c.name == args[0] {
			return c, args[1:], nil
		}
	}
	if len(args) >= 2 && args[0] == "organiser" && args[1] == "member" {
		if len(args) == 2 {
			return command{}, nil, usagef("il manque la sous-commande : organiser member add, remove ou list")
		}
		return command{}, nil, usagef("sous-commande inconnue : organiser member %s (add, remove ou list)", args[2])
	}
	for group, subs := range map[string]string{"session": "add, list, show, update ou cancel", "token": "create, list ou revoke", "subscriber": "export ou forget", "agenda": "import",
		"organiser": "add, list, member add, member remove, member list ou contact"} {
		if args[0] != group {
			continue
		}
		if len(args) == 1 {
			return command{}, nil, usagef("il manque la sous-commande : %s", subs)
		}
		return command{}, nil, usagef("sous-commande inconnue : %s %s", group, args[1])
	}
	return command{}, nil, usagef("commande inconnue : %s", args[0])
}

func cmdHelp(_ context.Context, a *app, _ []string) error {
	w := a.stdout
	fmt.Fprintln(w, "rappel envoie les rappels des sessions (ateliers, webinaires, formations…) :")
	fmt.Fprintln(w, "par défaut la veille, puis une heure avant, par courriel.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage : rappel [--env-file FICHIER] COMMANDE [OPTIONS]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commandes :")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Détail des options :")
	for _, c := range commands() {
		fmt.Fprintln(w, "  "+c.usage)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "TYPE : "+strings.Join(kindsList(), ", ")+".")
	fmt.Fprintln(w, "MESSAGE : j1 (la veille), h1 (une heure avant), reminder-<délai> (reminder-2d, reminder-15m…),")
	fmt.Fprintln(w, "  confirmation (demande de confirmation), confirmed (inscription confirmée), reschedule, cancellation.")
	fmt.Fprintln(w, "QUAND : 2021-11-17T17:00 ou 2021-11-17 17:00 (heure de RAPPEL_TIMEZONE), ou RFC 3339 avec décalage.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Configuration, par variables d'environnement (ou --env-file) :")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, o := range config.Options() {
		def := ""
		if o.Default != "" {
			def = " (défaut : " + o.Default + ")"
		}
		fmt.Fprintf(tw, "  %s\t%s%s\n", o.Name, o.Doc, def)
	}
	return tw.Flush()
}
