package main

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/graph"
	"github.com/mdmdoctor/mdmdoctor/tui"
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
	e, err := openEnv(ctx, c, s)
	if err != nil {
		return 0, err
	}
	defer e.Close()
	opts := tui.Options{
		Backend: &tuiBackend{env: e}, Version: version, Demo: c.Demo, Target: c.User,
		Timeout: c.Timeout, RecentFile: recentFile(),
	}
	if c.Demo {
		opts.DemoUsers = e.demoUsers()
	}
	if err := tui.Run(ctx, opts); err != nil {
		return 0, err
	}
	return 0, nil
}

// recentFile is where the TUI remembers recent targets: recent.json in the state directory; "" when
// there is none.
func recentFile() string {
	dir, err := stateDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "recent.json")
}

// tuiBackend is the TUI's view of the env.
type tuiBackend struct{ env *env }

// SignIn signs in to Graph, relaying the device code to the sign-in screen; the demo is signed in.
func (b *tuiBackend) SignIn(ctx context.Context, prompt func(tui.DeviceCode)) error {
	if b.env.cfg.Demo {
		return nil
	}
	return b.env.signIn(ctx, func(p graph.DeviceCodePrompt) {
		prompt(tui.DeviceCode{Message: p.Message, UserCode: p.Code, VerificationURL: p.URL})
	})
}

// Readers implements tui.Backend.
func (b *tuiBackend) Readers(t facts.Target) []facts.Reader { return b.env.Readers(t) }

// ResolveTarget accepts a UPN, or a device name or serial number whose user it finds in the tenant.
func (b *tuiBackend) ResolveTarget(ctx context.Context, input string) (facts.Target, error) {
	if !strings.Contains(input, "@") {
		owner, err := b.env.resolveDevice(ctx, strings.TrimSpace(input))
		if err != nil {
			return facts.Target{}, err
		}
		input = owner
	}
	upn, err := normalizeUPN(input)
	if err != nil {
		return facts.Target{}, err
	}
	t := facts.Target{Kind: facts.TargetUser, User: upn, Domains: []string{upnDomainOf(upn)}}
	if err := b.env.checkUser(ctx, t); err != nil {
		return facts.Target{}, err
	}
	return t, nil
}

// TenantName implements tui.TenantNamer for the header: in the demo, the demo tenant the target lives
// in. A signed-in tenant's display name is not read (yet): the header shows its default domain alone.
func (b *tuiBackend) TenantName(_ context.Context, t facts.Target) (string, error) {
	d := b.env.demoTenantFor(t)
	if d == nil || d.name == "" {
		return "", nil
	}
	return strings.ToUpper(d.name[:1]) + d.name[1:], nil
}

// Cloud implements tui.Backend.
func (b *tuiBackend) Cloud() string { return b.env.cfg.Cloud }

// Now implements tui.Backend.
func (b *tuiBackend) Now() time.Time { return b.env.Now() }
