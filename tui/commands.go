package tui

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/tui/recent"
	"github.com/mdmdoctor/mdmdoctor/tui/stream"
)

// Messages that the root's own commands report back with.
type (
	// signInPromptMsg carries a device code for attempt id.
	signInPromptMsg struct {
		id   int
		code facts.SignInPrompt
	}
	// signInDoneMsg ends attempt id: nil error when signed in.
	signInDoneMsg struct {
		id  int
		err error
	}
	// resolvedMsg is what an operator's input resolved to.
	resolvedMsg struct {
		input  string
		target facts.Target
		err    error
	}
	recentLoadedMsg struct {
		list []string
		err  error
	}
	recentSavedMsg struct{ err error }
	browserMsg     struct {
		url string
		err error
	}
)

// signIn runs attempt id in the background; the backend calls prompt from its own goroutine, so the
// prompts and the outcome reach the program on a stream.
func signIn(ctx context.Context, b Backend, id int) tea.Cmd {
	return stream.Start(func(send func(tea.Msg)) tea.Msg {
		err := b.SignIn(ctx, func(c facts.SignInPrompt) { send(signInPromptMsg{id: id, code: c}) })
		return signInDoneMsg{id: id, err: err}
	})
}

func resolve(ctx context.Context, b Backend, input string) tea.Cmd {
	return func() tea.Msg {
		t, err := b.ResolveTarget(ctx, input)
		return resolvedMsg{input: input, target: t, err: err}
	}
}

// whereMsg names the tenant and the operator for the header.
type whereMsg struct{ where Where }

// where asks the backend which tenant t lives in and who is signed in. A failure leaves the header
// with what the runs read.
func where(ctx context.Context, b Backend, t facts.Target) tea.Cmd {
	return func() tea.Msg {
		w, err := b.Where(ctx, t)
		if err != nil {
			return nil
		}
		return whereMsg{where: w}
	}
}

func resolveTenant(ctx context.Context, b TenantBackend) tea.Cmd {
	return func() tea.Msg {
		t, err := b.TenantTarget(ctx)
		return resolvedMsg{input: "", target: t, err: err}
	}
}

// runsMsg carries the journal's runs as the backend read them.
type runsMsg struct {
	runs []JournalRun
	err  error
}

func loadRuns(ctx context.Context, b Backend, f RunFilter) tea.Cmd {
	return func() tea.Msg {
		runs, err := b.Runs(ctx, f)
		return runsMsg{runs: runs, err: err}
	}
}

func loadRecent(path string) tea.Cmd {
	return func() tea.Msg {
		list, err := recent.Load(path)
		return recentLoadedMsg{list: list, err: err}
	}
}

func saveRecent(path string, list []string) tea.Cmd {
	return func() tea.Msg { return recentSavedMsg{err: recent.Save(path, list)} }
}

func openURL(ctx context.Context, open func(context.Context, string) error, url string) tea.Cmd {
	return func() tea.Msg { return browserMsg{url: url, err: open(ctx, url)} }
}

// remote reports whether the session runs over SSH, where a browser would open on the wrong machine.
func remote(environ []string) bool {
	return lookup(environ, "SSH_CONNECTION") != "" || lookup(environ, "SSH_TTY") != "" ||
		lookup(environ, "SSH_CLIENT") != ""
}

// openBrowser returns the platform's way to open a link. On Linux it needs a graphical session: with
// none, xdg-open could start a text browser inside this very terminal.
func openBrowser(environ []string) func(context.Context, string) error {
	return func(ctx context.Context, url string) error {
		var cmd *exec.Cmd
		switch runtime.GOOS {
		case "darwin":
			cmd = exec.CommandContext(ctx, "open", url)
		case "windows":
			cmd = exec.CommandContext(ctx, "rundll32", "url.dll,FileProtocolHandler", url)
		default:
			if lookup(environ, "DISPLAY") == "" && lookup(environ, "WAYLAND_DISPLAY") == "" {
				return errors.New("no graphical session to open a browser in")
			}
			cmd = exec.CommandContext(ctx, "xdg-open", url)
		}
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("could not open a browser: %w", err)
		}
		return nil
	}
}

func lookup(environ []string, key string) string {
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// reportBase is the default report file name, without extension: what was checked and when, with
// the characters that are awkward in file names replaced.
func reportBase(t facts.Target, at time.Time) string {
	what := t.User
	switch t.Kind {
	case facts.TargetTenant:
		what = "tenant"
	case facts.TargetDNS:
		what = strings.Join(t.Domains, "+")
	}
	clean := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ' ' || r == ':' || r < 0x20 {
			return '_'
		}
		return r
	}, what)
	return "mdmdoctor-" + clean + "-" + at.Format("20060102-1504")
}
