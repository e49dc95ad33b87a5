package tui

import (
	"context"
	"io"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/mdmdoctor/mdmdoctor/checks"
)

// Options configure a TUI session.
type Options struct {
	// Backend reaches the outside world; required.
	Backend Backend
	// Version is shown in the header and written into reports.
	Version string
	// Demo marks the session as the embedded demo tenant in the header.
	Demo bool
	// DemoUsers are offered on the target screen as suggestions.
	DemoUsers []string
	// RecentFile is where recent targets are remembered (mode 0600); empty remembers nothing.
	// The CLI passes $XDG_STATE_HOME/mdmdoctor/recent.json.
	RecentFile string
	// Files says where the report and a device sweep are saved: a served session passes its
	// operator's own directory on the server.
	Files Files
	// UndoCommand, when set, is the command line that undoes journal run id from a shell, complete with
	// the flags that reach the same tenant; nil (a served session, whose operator has no shell on the
	// server) offers the journal screen only.
	UndoCommand func(id string) string
	// Target, when set, is resolved and run right after sign-in, skipping the target screen.
	Target string
	// Checks is the catalog to run; nil runs checks.ForKind for the target's kind.
	Checks []checks.Check
	// Journal says whose runs the journal screen lists: a served session passes its operator.
	Journal RunFilter
	// Timeout bounds each run, as --timeout does; zero means runner.DefaultTimeout.
	Timeout time.Duration
	// Input and Output are the session's terminal (an SSH session's channel); nil means the process's
	// own standard input and output, as Bubble Tea opens them.
	Input  io.Reader
	Output io.Writer
	// Width and Height are the terminal's size when the caller knows it (an SSH session's pty);
	// zero asks the terminal.
	Width, Height int
	// ColorProfile forces the colour profile (an SSH session's, as its client's terminal reported it);
	// colorprofile.Unknown (zero) picks it from Environ.
	ColorProfile colorprofile.Profile
	// Environ is the environment the session sees, as the caller read it (the TUI reads no environment
	// of its own); nil is an empty one. NO_COLOR, TERM and COLORTERM pick the colour profile;
	// SSH_CONNECTION and SSH_TTY mark a remote session, where a docs link is printed and copied but no
	// browser is launched.
	Environ []string
	// OpenURL opens a link in a browser on a local session; nil uses the platform's opener.
	OpenURL func(ctx context.Context, url string) error
}

func (o Options) withDefaults() Options {
	if o.Environ == nil {
		o.Environ = []string{}
	}
	if o.OpenURL == nil {
		o.OpenURL = openBrowser(o.Environ)
	}
	return o
}
