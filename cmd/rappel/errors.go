package main

import (
	"errors"
	"fmt"

	"github.com/dinum/rappel/config"
	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/templates"
)

// notFoundError names what a command looked for in vain.
type notFoundError struct{ what, msg string }

func (e *notFoundError) Error() string {
	if e.msg != "" {
		return e.msg
	}
	return e.what + " n'existe pas"
}

// refusedError is a request the command turns down, already in French.
type refusedError struct{ msg string }

func (e *refusedError) Error() string { return e.msg }

func refusedf(format string, args ...any) error {
	return &refusedError{msg: fmt.Sprintf(format, args...)}
}

// describe turns an error into the French sentence shown to the person at
// the terminal. Errors that are already French (usage, configuration,
// validation) are shown as they are.
func describe(err error) string {
	var (
		uerr  *usageError
		cerr  *config.Error
		ferr  *store.FieldError
		nferr *notFoundError
		rerr  *refusedError
		terr  *templates.OverrideError
		cerr2 *checkFailed
	)
	switch {
	case errors.As(err, &uerr):
		return uerr.msg
	case errors.As(err, &cerr):
		return cerr.Error()
	case errors.As(err, &ferr):
		if ferr.Field != "" {
			return "--" + ferr.Field + " : " + ferr.Message
		}
		return ferr.Message
	case errors.As(err, &nferr):
		return nferr.Error()
	case errors.As(err, &rerr):
		return rerr.msg
	case errors.As(err, &terr):
		return terr.Message
	case errors.As(err, &cerr2):
		return cerr2.Error()
	case errors.Is(err, store.ErrSchemaOutdated):
		return "le schéma de la base n'est pas à jour : lancez d'abord « rappel migrate »"
	case errors.Is(err, store.ErrUnreachable):
		return fmt.Sprintf("base de données injoignable (DATABASE_URL) ; détail : %v", rootCause(err))
	}
	if _, msg, ok := store.Explain(err); ok {
		return msg
	}
	return fmt.Sprintf("échec : %v", err)
}

// rootCause is the innermost error: the network's or the server's own
// words, without the layers of context added on the way up.
func rootCause(err error) error {
	for {
		var next error
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			if errs := u.Unwrap(); len(errs) > 0 {
				next = errs[len(errs)-1]
			}
		case interface{ Unwrap() error }:
			next = u.Unwrap()
		}
		if next == nil {
			return err
		}
		err = next
	}
}
