package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/dinum/rappel/config"
	"github.com/dinum/rappel/store"
)

// app is what every command is given.
type app struct {
	cfg    *config.Config
	env    []string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	logger *slog.Logger
	store  *store.Store
}

// command is one "rappel <name>".
type command struct {
	name    string
	summary string
	usage   string
	// need is what the command needs of the configuration.
	need config.Need
	// noSchemaCheck lets "migrate" run on an outdated database.
	noSchemaCheck bool
	run           func(ctx context.Context, a *app, args []string) error
}

// run is the whole program: it reads the command line and the environment,
// wires what the command needs, runs it, and returns the exit code.
func run(ctx context.Context, args, environ []string, stdin io.Reader, stdout, stderr io.Writer) int {
	err := dispatch(ctx, args, environ, stdin, stdout, stderr)
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "rappel : "+describe(err))
	var uerr *usageError
	if errors.As(err, &uerr) {
		fmt.Fprintln(stderr, "Voir « rappel help ».")
		return 2
	}
	return 1
}

func dispatch(ctx context.Context, args, environ []string, stdin io.Reader, stdout, stderr io.Writer) error {
	args, environ, err := globalOptions(args, environ)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return usagef("aucune commande donnée")
	}
	cmd, rest, err := findCommand(args)
	if err != nil {
		return err
	}
	switch cmd.name {
	case "help":
		return cmd.run(ctx, &app{stdout: stdout}, rest)
	case "check":
		// check reports every problem, so it wires nothing in advance.
		if _, err := parseFixed(rest, flagSpec{}, 0, ""); err != nil {
			return err
		}
		return runCheck(ctx, environ, stdout)
	}
	a, err := wire(ctx, cmd, environ, stdin, stdout, stderr)
	if err != nil {
		return err
	}
	defer a.store.Close()
	return cmd.run(ctx, a, rest)
}

// wire reads the configuration, makes the logger and opens the database:
// a wrong setting stops everything before any work.
func wire(ctx context.Context, cmd command, environ []string, stdin io.Reader, stdout, stderr io.Writer) (*app, error) {
	cfg, err := config.Parse(environ)
	if err != nil {
		return nil, err
	}
	if err := cfg.Require(cmd.need); err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, env: environ, stdin: stdin, stdout: stdout, stderr: stderr, logger: newLogger(cfg, cmd.name, stderr)}
	a.store, err = store.Open(ctx, cfg.DatabaseURL, cfg.SMTPConnections+8)
	if err != nil {
		return nil, err
	}
	a.store.SetOfferPolicy(store.OfferPolicy{TTL: cfg.WaitlistOfferTTL})
	if !cmd.noSchemaCheck {
		if err := a.store.CheckSchema(ctx); err != nil {
			a.store.Close()
			return nil, err
		}
	}
	return a, nil
}

// newLogger writes logs to stderr. A command typed by a person logs only
// warnings unless LOG_LEVEL says otherwise; the service logs from info.
func newLogger(cfg *config.Config, command string, w io.Writer) *slog.Logger {
	level := slog.LevelWarn
	if command == "run" {
		level = slog.LevelInfo
	}
	if cfg.LogLevel != "" {
		_ = level.UnmarshalText([]byte(cfg.LogLevel))
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// globalOptions reads the options placed before the command: --env-file.
func globalOptions(args, environ []string) ([]string, []string, error) {
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		name, value, hasValue := strings.Cut(strings.TrimLeft(args[0], "-"), "=")
		switch {
		case name == "help" || name == "h":
			return []string{"help"}, environ, nil
		case name == "env-file":
			if !hasValue {
				if len(args) < 2 {
					return nil, nil, usagef("l'option --env-file attend un nom de fichier")
				}
				value, args = args[1], args[1:]
			}
			file, err := readEnvFile(value)
			if err != nil {
				return nil, nil, err
			}
			// The environment wins over the file, as with systemd's
			// EnvironmentFile= followed by Environment=.
			environ = append(file, environ...)
			args = args[1:]
		default:
			return nil, nil, usagef("option inconnue : %s", args[0])
		}
	}
	return args, environ, nil
}

// readEnvFile reads KEY=VALUE lines; blank lines and # comments are
// skipped, and a value may be quoted.
func readEnvFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("fichier d'environnement illisible : %w", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("%s, ligne %d : attendu CLÉ=VALEUR", path, n)
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		out = append(out, strings.TrimSpace(k)+"="+v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("fichier d'environnement illisible : %w", err)
	}
	return out, nil
}
