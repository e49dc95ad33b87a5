// Package signin is the sign-in screen: the device code and where to enter it, shown large enough to
// read out over the phone, or, for the authorization code flow (--auth authcode), the ssh -L port forward
// and the address to open; a spinner while the operator signs in, and clear words when it fails. c copies
// the code (or the address) through OSC 52.
package signin

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/tui/keys"
	"github.com/mdmdoctor/mdmdoctor/tui/layout"
	"github.com/mdmdoctor/mdmdoctor/tui/nav"
	"github.com/mdmdoctor/mdmdoctor/tui/theme"
)

// State is where the sign-in stands.
type State int

// Sign-in states.
const (
	Waiting State = iota
	Prompted
	Failed
	Cancelled
	// SignedIn ends the screen's work: its spinner stops.
	SignedIn
)

// RetryMsg asks the root to start signing in again.
type RetryMsg struct{}

// CancelMsg asks the root to stop waiting for the operator to sign in.
type CancelMsg struct{}

// Model is the sign-in screen.
type Model struct {
	styles  *theme.Styles
	keys    *keys.KeyMap
	width   int
	height  int
	state   State
	code    facts.SignInPrompt
	err     string
	spinner spinner.Model
}

// New returns the screen in its waiting state.
func New(st *theme.Styles, km *keys.KeyMap) Model {
	return Model{styles: st, keys: km, spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
}

// Start puts the screen back to waiting, for a new attempt, and starts its spinner.
func (m Model) Start() (Model, tea.Cmd) {
	m.state, m.code, m.err = Waiting, facts.SignInPrompt{}, ""
	return m, m.spinner.Tick
}

// Prompt shows a device code; the root copies it to the clipboard at the same time.
func (m Model) Prompt(c facts.SignInPrompt) Model {
	m.state, m.code = Prompted, c
	return m
}

// Fail shows why signing in failed.
func (m Model) Fail(err error) Model {
	m.state, m.err = Failed, err.Error()
	return m
}

// Cancel shows that the operator stopped the sign-in.
func (m Model) Cancel() Model {
	m.state = Cancelled
	return m
}

// Done records that the operator is signed in.
func (m Model) Done() Model {
	m.state = SignedIn
	return m
}

// State reports where the sign-in stands.
func (m Model) State() State { return m.state }

// SetSize sets the area the screen draws in.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// Update handles the screen's keys and spinner.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd, tea.Msg) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if m.state != Waiting && m.state != Prompted {
			return m, nil, nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd, nil
	case tea.KeyPressMsg:
		switch m.state {
		case Waiting, Prompted:
			switch {
			case key.Matches(msg, m.keys.Back):
				return m, nil, CancelMsg{}
			case key.Matches(msg, m.keys.Copy) && m.state == Prompted:
				text, what := Clipboard(m.code)
				return m, nil, nav.Copy{Text: text, What: what}
			}
		case Failed, Cancelled:
			if key.Matches(msg, m.keys.Retry) {
				return m, nil, RetryMsg{}
			}
		}
	}
	return m, nil, nil
}

// Clipboard is what a sign-in prompt puts on the clipboard, and its name: the device code, or, in the
// authorization code flow, which has no code, the sign-in address (too long to type).
func Clipboard(c facts.SignInPrompt) (text, what string) {
	if c.UserCode == "" {
		return c.VerificationURL, "the sign-in address"
	}
	return c.UserCode, "the device code"
}

// Help is the screen's key help.
func (m Model) Help() keys.Help {
	switch m.state {
	case Prompted:
		_, what := Clipboard(m.code)
		copyKey := keys.Rename(m.keys.Copy, "copy "+strings.TrimPrefix(what, "the "))
		cancel := keys.Rename(m.keys.Back, "cancel sign-in")
		return keys.Help{Short: []key.Binding{copyKey, cancel}, Full: [][]key.Binding{{copyKey, cancel}}}
	case Waiting:
		cancel := keys.Rename(m.keys.Back, "cancel sign-in")
		return keys.Help{Short: []key.Binding{cancel}, Full: [][]key.Binding{{cancel}}}
	}
	return keys.Help{Short: []key.Binding{m.keys.Retry}, Full: [][]key.Binding{{m.keys.Retry}}}
}

// View draws the screen.
func (m Model) View() string {
	s := m.styles
	var b strings.Builder
	b.WriteString(s.Title.Render("Sign in to Microsoft Graph") + "\n\n")
	switch m.state {
	case Waiting:
		b.WriteString(m.spinner.View() + " Signing in…\n")
	case Prompted:
		if m.code.UserCode == "" {
			// The authorization code flow (--auth authcode): no code, a port forward and a long address.
			b.WriteString(layout.Para(s.Plain, m.code.Message, m.width, "") + "\n\n")
			b.WriteString(layout.Para(s.Subtle, "The sign-in address was copied to your clipboard (OSC 52) if your "+
				"terminal allows it; c copies it again.", m.width, "") + "\n\n")
			b.WriteString(m.spinner.View() + " Waiting for you to finish signing in…\n")
			break
		}
		b.WriteString("Open this page in a browser, on this machine or any other:\n\n")
		b.WriteString("    " + s.URL.Render(m.code.VerificationURL) + "\n\n")
		b.WriteString("and enter the code:\n\n")
		box := s.CodeBox.Render(s.Code.Render(m.code.UserCode))
		b.WriteString(box + "\n\n")
		copied := "The code was copied to your clipboard (OSC 52) if your terminal allows it; c copies it again."
		b.WriteString(layout.Para(s.Subtle, copied, m.width, "") + "\n\n")
		b.WriteString(m.spinner.View() + " Waiting for you to finish signing in…\n")
		if m.code.Message != "" {
			b.WriteString("\n" + layout.Para(s.Subtle, m.code.Message, m.width, "") + "\n")
		}
	case Failed:
		b.WriteString(s.Error.Render("✗ Sign-in failed.") + "\n\n")
		b.WriteString(layout.Para(s.Plain, m.err, m.width, "") + "\n\n")
		b.WriteString("Press enter to try again, or q to quit.\n")
	case SignedIn:
		b.WriteString(s.Good.Render("✓ Signed in.") + "\n")
	case Cancelled:
		b.WriteString(s.Strong.Render("- Sign-in cancelled.") + "\n\n")
		b.WriteString("Nothing was read or changed. Press enter to sign in again, or q to quit.\n")
	}
	return b.String()
}
