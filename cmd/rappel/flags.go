package main

import (
	"fmt"
	"slices"
	"strings"
)

// usageError is a mistake in the command line: exit code 2 and a pointer to
// the help.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// flagSpec names the options a command takes; bools take no value.
type flagSpec struct {
	values []string
	bools  []string
}

// parsedArgs is a command line split into options and positional arguments.
type parsedArgs struct {
	values     map[string]string
	bools      map[string]bool
	positional []string
}

// parseArgs reads "--name value", "--name=value", "-name value" and bare
// arguments in any order; "--" ends the options. Unlike the flag package it
// accepts options after arguments ("session show 12 --all") and speaks
// French.
func parseArgs(args []string, spec flagSpec) (parsedArgs, error) {
	p := parsedArgs{values: map[string]string{}, bools: map[string]bool{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			p.positional = append(p.positional, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			p.positional = append(p.positional, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case slices.Contains(spec.bools, name):
			if hasValue {
				return p, usagef("l'option --%s ne prend pas de valeur", name)
			}
			p.bools[name] = true
		case slices.Contains(spec.values, name):
			if !hasValue {
				if i+1 >= len(args) {
					return p, usagef("l'option --%s attend une valeur", name)
				}
				i++
				value = args[i]
			}
			if _, dup := p.values[name]; dup {
				return p, usagef("l'option --%s est donnée deux fois", name)
			}
			p.values[name] = value
		default:
			return p, usagef("option inconnue : %s", a)
		}
	}
	return p, nil
}

// has says whether an option was given.
func (p parsedArgs) has(name string) bool {
	_, ok := p.values[name]
	return ok
}

// required returns an option that must be given.
func (p parsedArgs) required(name string) (string, error) {
	v, ok := p.values[name]
	if !ok || strings.TrimSpace(v) == "" {
		return "", usagef("l'option --%s est obligatoire", name)
	}
	return v, nil
}

// exactly checks the number of positional arguments.
func (p parsedArgs) exactly(n int, what string) error {
	switch {
	case len(p.positional) < n:
		return usagef("il manque %s", what)
	case len(p.positional) > n:
		return usagef("argument en trop : %s", p.positional[n])
	}
	return nil
}

// parseFixed parses args and checks that exactly n positional arguments
// were given; what names the missing one.
func parseFixed(args []string, spec flagSpec, n int, what string) (parsedArgs, error) {
	p, err := parseArgs(args, spec)
	if err != nil {
		return p, err
	}
	return p, p.exactly(n, what)
}

// sessionArg reads the session number given as the only argument.
func sessionArg(args []string, spec flagSpec) (parsedArgs, int64, error) {
	p, err := parseFixed(args, spec, 1, "le numéro de la session")
	if err != nil {
		return p, 0, err
	}
	id, err := sessionID(p.positional[0])
	return p, id, err
}

// sessionOption reads the required --session option.
func (p parsedArgs) sessionOption() (int64, error) {
	raw, err := p.required("session")
	if err != nil {
		return 0, err
	}
	return sessionID(raw)
}
