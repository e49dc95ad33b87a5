package main

import (
	"context"

	"github.com/mdmdoctor/mdmdoctor/app"
)

// runInteractive starts the TUI, on the demo tenants with --demo.
func runInteractive(ctx context.Context, args []string, s streams) (int, error) {
	c := Config{Command: "tui"}
	fs := newFlagSet("mdmdoctor", mainHelp, s.out)
	format, only := commonFlags(fs, &c)
	fs.StringVar(&c.User, "user", "", "start right away with this user (UPN)")
	fs.BoolVar(new(bool), "version", false, "print the version")
	pos, err := parse(fs, args)
	if err == errHelp {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if v := fs.Lookup("version"); v != nil && v.Value.String() == "true" {
		return 0, writeVersion(s)
	}
	if len(pos) > 0 {
		return 0, usagef("unknown command %q: run 'mdmdoctor --help' for the commands", pos[0])
	}
	if err := finish(&c, *format, *only); err != nil {
		return 0, err
	}
	if c.User != "" {
		if c.User, err = normalizeUPN(c.User); err != nil {
			return 0, err
		}
	}
	a, err := openApp(ctx, c, s, false)
	if err != nil {
		return 0, err
	}
	defer a.Close()
	return 0, a.RunTUI(ctx, app.TUIOptions{Target: c.User})
}
