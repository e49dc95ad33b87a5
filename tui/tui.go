package tui

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// Run runs the TUI until the operator quits or ctx ends. Work still in flight is cancelled first.
func Run(ctx context.Context, o Options) error {
	if o.Backend == nil {
		return errors.New("tui: no backend: the CLI must pass one")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	o = o.withDefaults()
	p := tea.NewProgram(New(ctx, o), append(ProgramOptions(o), tea.WithContext(ctx))...)
	final, err := p.Run()
	if m, ok := final.(Model); ok {
		m.cancelAll()
	}
	switch {
	case errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil:
		return ctx.Err()
	case err != nil:
		return fmt.Errorf("the terminal UI stopped: %w (try a plain `mdmdoctor check --user UPN` instead)", err)
	}
	return nil
}

// ProgramOptions are the Bubble Tea program options Run uses for o: its terminal, size, colour profile
// and environment. Tests (and anything else that runs the root model in a program of its own) use them
// to drive the same program.
func ProgramOptions(o Options) []tea.ProgramOption {
	o = o.withDefaults()
	opts := []tea.ProgramOption{tea.WithEnvironment(o.Environ)}
	if o.Width > 0 && o.Height > 0 {
		opts = append(opts, tea.WithWindowSize(o.Width, o.Height))
	}
	if o.ColorProfile != colorprofile.Unknown {
		opts = append(opts, tea.WithColorProfile(o.ColorProfile))
	}
	if o.Input != nil {
		opts = append(opts, tea.WithInput(o.Input))
	}
	if o.Output != nil {
		opts = append(opts, tea.WithOutput(o.Output))
	}
	return opts
}
