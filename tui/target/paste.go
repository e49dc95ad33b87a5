package target

import (
	"bytes"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mdmdoctor/mdmdoctor/dsregcmd"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/tui/keys"
	"github.com/mdmdoctor/mdmdoctor/tui/layout"
)

// The device's own view: the operator pastes the output of `dsregcmd /status` from the user's device,
// either straight onto the screen (a bracketed paste of several lines) or into a paste area (pastebuf.go)
// that also takes pastes from terminals that type them out key by key. Nothing of it leaves the process.

// PastedSoFar is what the paste area holds, line ends as LF, before ctrl+s reads it.
func (m Model) PastedSoFar() string { return m.paste.Value() }

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

// attachPaste takes several lines pasted onto the screen: the device's dsregcmd output, or else the
// error the user saw when the catalog knows what the text names.
func (m Model) attachPaste(text string) Model {
	d := m.attach(text)
	if d.err == "" {
		return d
	}
	if e := m.attachError(text); e.err == "" {
		return e
	}
	return d
}

// openPaste shows the paste area with focus, for the error the user saw or for the device view.
func (m Model) openPaste(forError bool) (Model, tea.Cmd) {
	m.pasting, m.inList, m.pastingError = true, false, forError
	m.input.Blur()
	m.paste.Reset()
	m.paste.placeholder = "paste the whole output of dsregcmd /status here"
	if forError {
		m.paste.placeholder = "type or paste the error here"
	}
	m.pasteIntro = &layout.Memo{}
	return m, nil
}

// pasteIntroView is the title and instructions above the paste area.
func (m Model) pasteIntroView() string {
	s := m.styles
	if m.pastingError {
		return s.Title.Render("The error the user saw") + "\n" +
			layout.Para(s.Subtle, "Type or paste the error code, the message, or the whole event (Event Viewer: the event's "+
				"details). The results open on its documented causes.", m.width, "") + "\n\n"
	}
	return s.Title.Render("The device's own view") + "\n" +
		layout.Para(s.Subtle, "On the user's device, run dsregcmd /status in the user's session, copy the whole output "+
			"and paste it below. It stays on this machine.", m.width, "") + "\n\n"
}

// updatePaste handles the paste area: ctrl+s reads what was pasted, esc leaves without it, and
// everything else is the paste arriving, at once or key by key.
func (m Model) updatePaste(msg tea.Msg) (Model, tea.Cmd, tea.Msg) {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		m.paste.Paste(msg.Content)
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.keys.Done):
			m.pasting = false
			if m.pastingError {
				m = m.attachError(m.paste.Value())
			} else {
				m = m.attach(m.paste.Value())
			}
			m.paste.Reset()
			return m, m.input.Focus(), nil
		case key.Matches(msg, m.keys.Back):
			m.pasting = false
			m.paste.Reset()
			return m, m.input.Focus(), nil
		}
		m.paste.Key(msg)
	}
	return m, nil, nil
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
	return keys.Help{
		Short: []key.Binding{done, back, m.keys.ForceQuit},
		Full:  [][]key.Binding{{done, back}, {m.keys.ForceQuit}},
	}
}
