package tui

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"
)

// Run runs the TUI until the operator quits or ctx ends. Work still in flight is cancelled first.
func Run(ctx context.Context, o Options) error {
	if o.Backend == nil {
		return errors.New("tui: no backend: the CLI must pass one")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	o = o.withDefaults()
	p := tea.NewProgram(New(ctx, o), append(programOptions(o), tea.WithContext(ctx))...)
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

// programOptions are the program options Run uses, shared with the tests so they drive the same program.
func programOptions(o Options) []tea.ProgramOption {
	opts := []tea.ProgramOption{tea.WithEnvironment(o.Environ)}
	if o.Input != nil {
		opts = append(opts, tea.WithInput(o.Input))
	}
	if o.Output != nil {
		opts = append(opts, tea.WithOutput(o.Output))
	}
	return opts
}
