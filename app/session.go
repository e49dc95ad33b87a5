package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/graph"
)

// checker runs the checks for a fix's target on the application's readers, as check --user does.
type checker struct {
	app     *App
	target  facts.Target
	timeout time.Duration
	// paste adds the --dsregcmd paste's reader: the command line's runs; the TUI reads its own.
	paste bool
}

// Check implements fix.Checker.
func (k checker) Check(ctx context.Context, ids []string) (*facts.Facts, []checks.Result) {
	ctx, cancel := context.WithTimeout(ctx, k.timeout)
	defer cancel()
	f := facts.New(k.app.cfg.Cloud, k.target, k.app.Now())
	rs := k.app.readers(k.target)
	if k.paste {
		rs = k.app.Readers(k.target)
	}
	return f, checks.Run(ctx, f, facts.Gather(ctx, k.target, rs...), checks.Options{Only: ids}, nil)
}

// graphIO is the graph client as the fix package's Writer and Reader.
type graphIO struct{ c *graph.Client }

// Send implements fix.Writer.
func (g graphIO) Send(ctx context.Context, r checks.Request) (graph.Response, error) {
	return g.c.Send(ctx, r.Method(), r.URL(), r.Body)
}

// Get implements fix.Reader.
func (g graphIO) Get(ctx context.Context, u string) (graph.Response, error) {
	return g.c.Send(ctx, "GET", u, nil)
}

// newSession signs in for the plan's write permissions and sets up a fix session over that client, with
// the tenant it is signed in to and the journal in the state directory.
func (a *App) newSession(ctx context.Context, k checker, perms []string,
	prompt func(facts.SignInPrompt)) (*fix.Session, error) {
	path := a.JournalPath()
	if path == "" {
		return nil, errors.New("no state directory for the fix journal, so nothing was sent: set XDG_STATE_HOME or HOME")
	}
	client, err := a.writeClient(ctx, a.graphFor(k.target), perms, prompt)
	if err != nil {
		return nil, err
	}
	tenant, err := client.TenantID(ctx)
	if err != nil {
		return nil, fmt.Errorf("could not tell which tenant this is, so nothing was sent: %w", err)
	}
	gio := graphIO{client}
	return &fix.Session{Writer: gio, Reader: gio, Checker: k, Journal: fix.OpenJournal(path), Tenant: tenant,
		Via: a.cfg.Operator.String(), Now: a.cfg.Now}, nil
}
