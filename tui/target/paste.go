package target

import (
	"bytes"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"

	"github.com/mdmdoctor/mdmdoctor/dsregcmd"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/tui/keys"
)

// The device's own view: the operator pastes the output of `dsregcmd /status` from the user's device,
// either straight onto the screen (a bracketed paste of several lines) or into a paste area that also
// takes pastes from terminals that type them out key by key. Nothing of it leaves the process.

// newPasteArea makes the paste area: no line numbers (it would waste width at 80 columns), no limit on
// lines, and dsregcmd's own size bound on characters.
func newPasteArea() textarea.Model {
	ta := textarea.New()
	ta.Placeholder = "Paste the whole output of dsregcmd /status here"
	ta.ShowLineNumbers = false
	ta.MaxHeight = 0
	ta.CharLimit = dsregcmd.MaxSize
	return ta
}

// Device is the device view pasted so far, or nil.
func (m Model) Device() *facts.Dsregcmd { return m.device }

// attach parses a paste and keeps it as the device view, or says why it is not dsregcmd output.
func (m Model) attach(text string) Model {
	d, err := dsregcmd.Parse(bytes.NewReader([]byte(text)))
	if err != nil {
		m.err = err.Error()
		return m
	}
	m.device, m.err = d, ""
	return m
}

// openPaste shows the paste area with focus.
func (m Model) openPaste() (Model, tea.Cmd) {
	m.pasting, m.inList = true, false
	m.input.Blur()
	m.paste.Reset()
	m.paste.SetWidth(max(m.width-2, 20))
	m.paste.SetHeight(max(m.height-8, 3))
	return m, m.paste.Focus()
}

// updatePaste handles the paste area: ctrl+s reads what was pasted, esc leaves without it.
func (m Model) updatePaste(msg tea.Msg) (Model, tea.Cmd, tea.Msg) {
	if kp, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(kp, m.keys.Done):
			m.pasting = false
			m.paste.Blur()
			m = m.attach(m.paste.Value())
			m.paste.Reset()
			return m, m.input.Focus(), nil
		case key.Matches(kp, m.keys.Back):
			m.pasting = false
			m.paste.Blur()
			m.paste.Reset()
			return m, m.input.Focus(), nil
		}
	}
	var cmd tea.Cmd
	m.paste, cmd = m.paste.Update(msg)
	return m, cmd, nil
}

// deviceLine sums up the attached device view in one line.
func (m Model) deviceLine() string {
	d := m.device
	name := d.Value("Device Name")
	if name == "" {
		name = d.Value("DeviceId")
	}
	var states []string
	for _, k := range []string{"AzureAdJoined", "DomainJoined", "WorkplaceJoined"} {
		if v := d.Value(k); v != "" {
			states = append(states, k+" "+v)
		}
	}
	return fmt.Sprintf("Device view: %s (%s); ctrl+x removes it", name, strings.Join(states, ", "))
}

// pasteHelp is the paste area's key help.
func (m Model) pasteHelp() keys.Help {
	done := keys.Rename(m.keys.Done, "read the paste")
	back := keys.Rename(m.keys.Back, "leave without it")
	return keys.Help{Short: []key.Binding{done, back, m.keys.ForceQuit}, Full: [][]key.Binding{{done, back}, {m.keys.ForceQuit}}}
}
