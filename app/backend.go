package app

import (
	"context"
	"errors"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/dnsprobe"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/graph"
	"github.com/mdmdoctor/mdmdoctor/tui"
)

// TUIOptions are the TUI's settings that are not the application's: where it starts.
type TUIOptions struct {
	// Target is a UPN to run right after sign-in, skipping the target screen.
	Target string
}

// RunTUI runs the interactive troubleshooter on Stdin and Stdout until the operator quits.
func (a *App) RunTUI(ctx context.Context, o TUIOptions) error {
	return tui.Run(ctx, a.TUIOptions(o))
}

// Model is the troubleshooter as a Bubble Tea model, for a program the caller runs (the SSH server, on
// the session's terminal). ctx ends the work it started.
func (a *App) Model(ctx context.Context, o TUIOptions) tea.Model {
	return tui.New(ctx, a.TUIOptions(o))
}

// Drain refuses new fixes and returns once no fix is in flight (each one answered and journaled), or
// with ctx's error when ctx ends first.
func (a *App) Drain(ctx context.Context) error {
	a.mu.Lock()
	a.draining = true
	a.mu.Unlock()
	done := make(chan struct{})
	go func() {
		a.fixes.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// startFix counts a fix in flight, unless the application is draining.
func (a *App) startFix() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.draining {
		return errors.New("this session is ending: no new fix is started; nothing was sent")
	}
	a.fixes.Add(1)
	return nil
}

// TUIOptions are the tui package's options for this application: its backend, the recent targets in
// the state directory, its streams and environment.
func (a *App) TUIOptions(o TUIOptions) tui.Options {
	opts := tui.Options{
		Backend: a.Backend(), Version: a.cfg.Version, Demo: a.cfg.Demo, Target: o.Target,
		Timeout: a.cfg.Timeout, RecentFile: a.recentFile(), Input: a.cfg.Stdin, Output: a.cfg.Stdout, Environ: a.cfg.Environ,
		// A served session's journal screen lists its operator's own runs (journaled with Via).
		Journal: tui.RunFilter{Operator: a.cfg.Operator.String()},
		Files:   tui.Files{Dir: a.cfg.WorkDir, Home: a.cfg.HomeDir},
	}
	if !a.cfg.Served {
		opts.UndoCommand = func(id string) string { return a.undoCommand(id, "") }
	} else {
		opts.Files = tui.Files{Dir: ServedDir(a.cfg.StateDir, a.cfg.Operator.KeyFingerprint), Served: true}
	}
	if a.cfg.Demo {
		opts.DemoUsers = a.DemoUsers()
	}
	return opts
}

// Backend is the TUI's view of the application: a tui.Backend that also walks tenants and names them.
func (a *App) Backend() *Backend { return &Backend{app: a} }

// Backend implements tui.Backend and tui.TenantBackend over an App.
type Backend struct{ app *App }

var _ tui.TenantBackend = (*Backend)(nil)

// SignIn signs in to Graph, relaying the device code to the sign-in screen; the demo is signed in.
func (b *Backend) SignIn(ctx context.Context, prompt func(facts.SignInPrompt)) error {
	return b.app.SignIn(ctx, prompt)
}

// Readers implements tui.Backend: the TUI reads the device view from its own paste area.
func (b *Backend) Readers(t facts.Target) []facts.Reader { return b.app.readers(t) }

// ResolveTarget accepts a UPN, or a device name or serial number whose user it finds in the tenant.
func (b *Backend) ResolveTarget(ctx context.Context, input string) (facts.Target, error) {
	if !strings.Contains(input, "@") {
		owner, err := b.app.ResolveDevice(ctx, strings.TrimSpace(input))
		if err != nil {
			return facts.Target{}, err
		}
		input = owner
	}
	upn, err := dnsprobe.NormalizeUPN(input)
	if err != nil {
		return facts.Target{}, err
	}
	t := UserTarget(upn)
	if err := b.app.CheckUser(ctx, t); err != nil {
		return facts.Target{}, err
	}
	return t, nil
}

// Where implements tui.Backend for the header: the tenant t lives in (the signed-in one; in the demo,
// the demo tenant of t's domain) by its organization's display name and default domain, and the
// operator, read from Graph and made printable.
func (b *Backend) Where(ctx context.Context, t facts.Target) (tui.Where, error) {
	client := b.app.graphFor(t)
	if client == nil {
		return tui.Where{}, errors.New("not signed in to Microsoft Graph")
	}
	w, err := b.app.whereabouts(ctx, client)
	if err != nil {
		return tui.Where{}, err
	}
	p := checks.Printable
	return tui.Where{TenantID: p(w.TenantID), Tenant: p(w.DisplayName), Domain: p(w.DefaultDomain),
		Operator: p(w.Operator)}, nil
}

// whereabouts reads client's tenant and operator once (two Graph requests); later asks get that answer.
// A failed read is not kept, so the next target tries again.
func (a *App) whereabouts(ctx context.Context, client *graph.Client) (graph.Whereabouts, error) {
	a.mu.Lock()
	w, ok := a.named[client]
	a.mu.Unlock()
	if ok {
		return w, nil
	}
	w, err := client.Whereabouts(ctx)
	if err != nil {
		return w, err
	}
	a.mu.Lock()
	if a.named == nil {
		a.named = map[*graph.Client]graph.Whereabouts{}
	}
	a.named[client] = w
	a.mu.Unlock()
	return w, nil
}

// TenantTarget implements tui.TenantBackend: the signed-in tenant (in the demo, Contoso), with its
// verified domains for the DNS checks. When the domains cannot be read the walkthrough still runs, and
// its DNS checks say there was no domain to probe.
func (b *Backend) TenantTarget(ctx context.Context) (facts.Target, error) {
	client := b.app.graphFor(facts.Target{Kind: facts.TargetTenant})
	if client == nil {
		return facts.Target{}, errors.New("not signed in to Microsoft Graph: sign in first")
	}
	t, _, err := tenantTarget(ctx, client)
	return t, err
}

// DraftFix checks the target again and finds the fix among the fresh results.
func (b *Backend) DraftFix(ctx context.Context, t facts.Target, fixID string) (*fix.Draft, error) {
	f, results := checker{app: b.app, target: t, timeout: b.app.cfg.Timeout}.Check(ctx, nil)
	return fix.NewDraft(f, results, fixID)
}

// ApplyFix signs in for the plan's permissions and applies it, journaled, as the fix command does.
func (b *Backend) ApplyFix(ctx context.Context, t facts.Target, p *fix.Plan, prompt func(facts.SignInPrompt),
	progress func(fix.Event)) (*fix.Outcome, error) {
	if b.app.cfg.ReadOnly {
		return nil, errors.New("--read-only: nothing is sent")
	}
	if err := b.app.startFix(); err != nil {
		return nil, err
	}
	defer b.app.fixes.Done()
	k := checker{app: b.app, target: t, timeout: b.app.cfg.Timeout}
	session, err := b.app.newSession(ctx, k, p.Permissions, prompt)
	if err != nil {
		return nil, err
	}
	return session.Apply(ctx, p, progress)
}

// WithProgress implements tui.Backend: the device sweep reports each page it read.
func (b *Backend) WithProgress(ctx context.Context, report func(tui.Progress)) context.Context {
	return graph.WithSweepProgress(ctx, func(sp graph.SweepProgress) {
		report(tui.Progress{Source: sp.Source, Records: sp.Records, Pages: sp.Pages, Done: sp.Done})
	})
}

// ReadOnly reports --read-only: the fix screen then shows plans as dry runs.
func (b *Backend) ReadOnly() bool { return b.app.cfg.ReadOnly }

// Cloud implements tui.Backend.
func (b *Backend) Cloud() string { return b.app.cfg.Cloud }

// Now implements tui.Backend.
func (b *Backend) Now() time.Time { return b.app.Now() }
