package store

import "errors"

// Explain says, in French, what a refusal of the store means to the
// person who asked, and which field it is about: the one wording of each,
// for the command line and the API alike. ok is false for an error that
// is no refusal (a failure of the database, say).
func Explain(err error) (field, message string, ok bool) {
	var ferr *FieldError
	switch {
	case errors.As(err, &ferr):
		return ferr.Field, ferr.Message, true
	case errors.Is(err, ErrCancelled):
		return "", "la session est annulée : elle ne peut plus être modifiée", true
	case errors.Is(err, ErrSessionClosed):
		return "", "la session est annulée ou déjà commencée : les inscriptions sont closes", true
	case errors.Is(err, ErrUnsubscribed):
		return "email", "cette adresse s'est désinscrite de la session : seule la personne peut se réinscrire", true
	case errors.Is(err, ErrOptedOut):
		return "email", "cette adresse a demandé à ne plus rien recevoir : seule la personne peut se réinscrire", true
	}
	return "", "", false
}
