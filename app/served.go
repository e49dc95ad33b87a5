package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/graph"
	"github.com/mdmdoctor/mdmdoctor/serve"
	"github.com/mdmdoctor/mdmdoctor/tui"
)

// ServedSessions is mdmdoctor serve's factory: each SSH session gets an application of its own, built
// from base as a served session (the operator signs in as themselves, tokens in memory only), named
// after the SSH user and key for the journal, on the session's terminal, with its own recent targets
// and, under --auth authcode, its own redirect port and forward command.
func ServedSessions(base Config) serve.Factory {
	return func(ctx context.Context, s serve.Session) (serve.App, error) {
		c := base
		c.Served = true
		c.Operator = Operator{SSHUser: s.User, KeyFingerprint: s.Fingerprint}
		c.Stdin, c.Stdout, c.Stderr, c.Environ = nil, s.Output, io.Discard, s.Environ
		c.Debug, c.Dsregcmd = "", ""
		if s.RedirectPort > 0 {
			c.RedirectPort = s.RedirectPort
			c.ForwardCommand = graph.ForwardCommand(s.RedirectPort, s.SSHHost, s.SSHPort)
		}
		a, err := New(ctx, c)
		if err != nil {
			return nil, err
		}
		context.AfterFunc(ctx, a.Close)
		opts := a.TUIOptions(TUIOptions{})
		opts.Backend = &servedBackend{Backend: a.Backend(), log: s.Logger}
		// The server runs the program on the session's terminal; no browser ever opens on the server.
		opts.Input, opts.Output = nil, nil
		opts.OpenURL = func(context.Context, string) error { return errors.New("no browser opens on the server") }
		opts.RecentFile = operatorRecentFile(c.StateDir, s.Fingerprint)
		return servedApp{app: a, model: tui.New(ctx, opts)}, nil
	}
}

// operatorRecentFile keeps each key's recent targets apart: operators never see each other's.
func operatorRecentFile(stateDir, fingerprint string) string {
	if stateDir == "" || fingerprint == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(fingerprint))
	return filepath.Join(stateDir, "recent-"+hex.EncodeToString(sum[:8])+".json")
}

// ServedDir is the directory on the server where the operator with the key fingerprint saves files
// from a served session: <state>/served/<fingerprint, made filename-safe>, so an administrator finds
// a key's files by its ssh-keygen -l fingerprint. "" when there is no state directory or no key.
func ServedDir(stateDir, fingerprint string) string {
	if stateDir == "" || fingerprint == "" {
		return ""
	}
	safe := strings.Map(func(r rune) rune {
		switch {
		case r == '+':
			return '-'
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.':
			return r
		}
		return '_'
	}, fingerprint)
	return filepath.Join(stateDir, "served", safe)
}

// servedApp is a session's application as the server sees it.
type servedApp struct {
	app   *App
	model tea.Model
}

func (s servedApp) Model() tea.Model                { return s.model }
func (s servedApp) Drain(ctx context.Context) error { return s.app.Drain(ctx) }

// servedBackend logs a served session's sign-in and fixes on the server's log (never a token, a code
// or a paste).
type servedBackend struct {
	*Backend
	log *slog.Logger
}

// SignIn implements tui.Backend.
func (b *servedBackend) SignIn(ctx context.Context, prompt func(facts.SignInPrompt)) error {
	err := b.Backend.SignIn(ctx, prompt)
	auth := b.app.graphConfig(nil, nil).Auth
	switch {
	case b.app.cfg.Demo:
	case err != nil:
		b.log.Warn("sign-in failed", "auth", string(auth), "error", err.Error())
	default:
		b.log.Info("sign-in", "auth", string(auth))
	}
	return err
}

// ApplyFix implements tui.Backend.
func (b *servedBackend) ApplyFix(ctx context.Context, t facts.Target, p *fix.Plan, prompt func(facts.SignInPrompt),
	progress func(fix.Event)) (*fix.Outcome, error) {
	out, err := b.Backend.ApplyFix(ctx, t, p, prompt, progress)
	b.logWrite("fix", p, out, err)
	return out, err
}

// ApplyUndo implements tui.Backend.
func (b *servedBackend) ApplyUndo(ctx context.Context, id string, p *fix.Plan, prompt func(facts.SignInPrompt),
	progress func(fix.Event)) (*fix.Outcome, error) {
	out, err := b.Backend.ApplyUndo(ctx, id, p, prompt, progress)
	b.logWrite("undo", p, out, err, "undoes", id)
	return out, err
}

// logWrite logs how a fix or an undo ended: "fix applied", "undo not applied".
func (b *servedBackend) logWrite(kind string, p *fix.Plan, out *fix.Outcome, err error, attrs ...any) {
	attrs = append(attrs, "fix", p.Fix, "target", p.User)
	switch {
	case err != nil:
		b.log.Warn(kind+" not applied", append(attrs, "error", err.Error())...)
	case out.Result == fix.Failed:
		b.log.Warn(kind+" not applied", append(attrs, "result", out.Result, "journal", out.JournalID)...)
	default:
		b.log.Info(kind+" applied", append(attrs, "result", out.Result, "journal", out.JournalID)...)
	}
}
