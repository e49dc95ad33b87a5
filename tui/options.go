package tui

import (
	"context"
	"io"
	"os"
	"time"

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
	// Target, when set, is resolved and run right after sign-in, skipping the target screen.
	Target string
	// Checks is the catalog to run; nil runs checks.ForKind for the target's kind.
	Checks []checks.Check
	// Timeout bounds each run, as --timeout does; zero means runner.DefaultTimeout.
	Timeout time.Duration
	// Input and Output default to the terminal (stdin and stdout).
	Input  io.Reader
	Output io.Writer
	// Environ is the environment the session sees; nil means os.Environ(). NO_COLOR, TERM and
	// COLORTERM pick the colour profile; SSH_CONNECTION and SSH_TTY mark a remote session, where a
	// docs link is printed and copied but no browser is launched.
	Environ []string
	// OpenURL opens a link in a browser on a local session; nil uses the platform's opener.
	OpenURL func(ctx context.Context, url string) error
}

func (o Options) withDefaults() Options {
	if o.Environ == nil {
		o.Environ = os.Environ()
	}
	if o.OpenURL == nil {
		o.OpenURL = openBrowser(o.Environ)
	}
	return o
}
