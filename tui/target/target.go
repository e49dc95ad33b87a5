// Package target is the screen where the operator says what to check: a UPN or a device name or serial,
// validated as it is typed, a recent or demo target picked from a list, or the whole-tenant walkthrough;
// optionally the error the user saw, how the device enrolls and its dsregcmd /status output (pasted,
// bracketed or typed out). It also leads to the journal screen. The fixed entries stay in view at 80x24
// however long the lists grow.
package target

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/mdmdoctor/mdmdoctor/errcodes"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/tui/keys"
	"github.com/mdmdoctor/mdmdoctor/tui/layout"
	"github.com/mdmdoctor/mdmdoctor/tui/nav"
	"github.com/mdmdoctor/mdmdoctor/tui/theme"
)

// SubmitMsg asks the root to resolve Input into a target and run the checks on it.
type SubmitMsg struct{ Input string }

// TenantMsg asks the root to start the whole-tenant walkthrough.
type TenantMsg struct{}

type itemKind int

const (
	recentItem itemKind = iota
	demoItem
	errorItem
	pathItem
	pasteItem
	tenantItem
	journalItem
)

type item struct {
	kind  itemKind
	value string
}

// Model is the target screen.
type Model struct {
	styles *theme.Styles
	keys   *keys.KeyMap
	width  int
	height int

	input   textinput.Model
	recent  []string
	demo    []string
	tenant  bool
	inList  bool
	cursor  int
	busy    string
	err     string
	spinner spinner.Model

	// paste is the area for a dsregcmd /status paste, shown while pasting; device is the parsed view.
	paste   pasteBuffer
	pasting bool
	// pasteIntro is the text above the paste area, drawn once per paste rather than once per key.
	pasteIntro *layout.Memo
	device     *facts.Dsregcmd
	// pastingError says the paste area takes the error the user saw rather than the device view.
	pastingError bool
	symptom      *errcodes.Finding
	// path is how the operator says the device enrolls; unknown lets the checks infer it or judge all.
	path facts.EnrollmentPath
}

// Path is the enrollment path the operator chose, or unknown.
func (m Model) Path() facts.EnrollmentPath { return m.path }

// nextPath cycles unknown, then each path in the CLI's order, then unknown again.
func nextPath(p facts.EnrollmentPath) facts.EnrollmentPath {
	all := facts.EnrollmentPaths()
	for i, x := range all {
		if x == p {
			if i+1 < len(all) {
				return all[i+1]
			}
			return facts.PathUnknown
		}
	}
	return all[0]
}

// New returns the screen with the input focused.
func New(st *theme.Styles, km *keys.KeyMap) Model {
	in := textinput.New()
	in.Prompt = "User or device: "
	// Brackets mark the placeholder as one where dim or italic text is not shown (NO_COLOR).
	in.Placeholder = "[e.g. alice@contoso.com, or a device name or serial]"
	in.CharLimit = 128
	in.Focus()
	return Model{styles: st, keys: km, input: in, spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
}

// SetRecent sets the recently used targets, most recent first.
func (m Model) SetRecent(r []string) Model { m.recent = r; return m }

// SetDemo sets the demo users offered as suggestions.
func (m Model) SetDemo(users []string) Model { m.demo = users; return m }

// SetTenant says whether the backend can walk a whole tenant; when it cannot, the option is shown as
// not available yet rather than hidden, so the operator knows it is coming.
func (m Model) SetTenant(available bool) Model { m.tenant = available; return m }

// SetValue fills the input, e.g. with a target given on the command line.
func (m Model) SetValue(s string) Model { m.input.SetValue(s); return m }

// Resolving shows that the root is looking up input; the screen ignores submissions meanwhile.
func (m Model) Resolving(input string) (Model, tea.Cmd) {
	m.busy, m.err = input, ""
	return m, m.spinner.Tick
}

// Failed shows why the input could not be resolved and gives the input back to the operator.
func (m Model) Failed(err error) Model {
	m.busy, m.err, m.inList = "", err.Error(), false
	m.input.Focus()
	return m
}

// Idle clears the busy state, when the screen is shown again after a run.
func (m Model) Idle() Model {
	m.busy = ""
	return m
}

// Typing reports whether the text input has focus, where q is a letter and not quit.
func (m Model) Typing() bool { return m.pasting || (!m.inList && m.busy == "") }

// SetSize sets the area the screen draws in.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.input.SetWidth(max(w-len(m.input.Prompt)-2, 10))
}

func (m Model) items() []item {
	var out []item
	for _, r := range m.recent {
		out = append(out, item{kind: recentItem, value: r})
	}
	for _, d := range m.demo {
		out = append(out, item{kind: demoItem, value: d})
	}
	return append(out, item{kind: errorItem}, item{kind: pathItem}, item{kind: pasteItem}, item{kind: tenantItem},
		item{kind: journalItem})
}

// Update handles typing, moving between the input and the list, and choosing.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd, tea.Msg) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if m.busy == "" {
			return m, nil, nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd, nil
	case tea.KeyPressMsg:
		if m.busy != "" {
			return m, nil, nil
		}
		if m.pasting {
			return m.updatePaste(msg)
		}
		if m.inList {
			return m.updateList(msg)
		}
		return m.updateInput(msg)
	case tea.PasteMsg:
		if m.pasting {
			return m.updatePaste(msg)
		}
		if m.inList || m.busy != "" {
			return m, nil, nil
		}
		// Several lines pasted at once are the device's dsregcmd output, not a UPN.
		// Terminals send pasted line ends as CR, some as LF.
		if strings.ContainsAny(strings.TrimSpace(msg.Content), "\r\n") {
			return m.attachPaste(msg.Content), nil, nil
		}
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return m, cmd, nil
}

func (m Model) updateInput(msg tea.KeyPressMsg) (Model, tea.Cmd, tea.Msg) {
	switch {
	case key.Matches(msg, m.keys.Select):
		v := strings.TrimSpace(m.input.Value())
		kind, err := Classify(v)
		switch {
		case kind == Empty && err == nil:
			m.err = "type a UPN or a device name first, or pick from the list below (tab)"
			return m, nil, nil
		case err != nil:
			m.err = err.Error()
			return m, nil, nil
		}
		m.err = ""
		return m, nil, SubmitMsg{Input: v}
	case key.Matches(msg, m.keys.Detach) && (m.device != nil || m.symptom != nil):
		m.device, m.symptom = nil, nil
		return m, nil, nav.Status{Text: "The pasted device view and error were removed."}
	case key.Matches(msg, m.keys.Focus), msg.String() == "down":
		m.inList, m.err = true, ""
		m.input.Blur()
		return m, nil, nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	m.err = ""
	return m, cmd, nil
}

func (m Model) updateList(msg tea.KeyPressMsg) (Model, tea.Cmd, tea.Msg) {
	items := m.items()
	switch {
	case key.Matches(msg, m.keys.Focus), key.Matches(msg, m.keys.Back),
		key.Matches(msg, m.keys.Up) && m.cursor == 0:
		m.inList = false
		return m, m.input.Focus(), nil
	case key.Matches(msg, m.keys.Up):
		m.cursor--
	case key.Matches(msg, m.keys.Down):
		m.cursor = min(m.cursor+1, len(items)-1)
	case key.Matches(msg, m.keys.Top):
		m.cursor = 0
	case key.Matches(msg, m.keys.Bottom):
		m.cursor = len(items) - 1
	case key.Matches(msg, m.keys.Select):
		it := items[m.cursor]
		if it.kind == pasteItem || it.kind == errorItem {
			m, cmd := m.openPaste(it.kind == errorItem)
			return m, cmd, nil
		}
		if it.kind == pathItem {
			m.path = nextPath(m.path)
			return m, nil, nil
		}
		if it.kind == journalItem {
			return m, nil, nav.OpenJournal{}
		}
		if it.kind == tenantItem {
			if !m.tenant {
				return m, nil, nav.Status{Text: "The whole-tenant walkthrough is not available yet: pick a user for now."}
			}
			return m, nil, TenantMsg{}
		}
		m.input.SetValue(it.value)
		return m, nil, SubmitMsg{Input: it.value}
	}
	return m, nil, nil
}

// Help is the screen's key help.
func (m Model) Help() keys.Help {
	if m.pasting {
		return m.pasteHelp()
	}
	run := keys.Rename(m.keys.Select, "run checks")
	if m.inList {
		pick := keys.Rename(m.keys.Select, "choose")
		back := keys.Rename(m.keys.Focus, "back to typing")
		return keys.Help{
			Short: []key.Binding{m.keys.Up, m.keys.Down, pick, back},
			Full:  [][]key.Binding{{m.keys.Up, m.keys.Down, m.keys.Top, m.keys.Bottom}, {pick, back}},
		}
	}
	list := keys.Rename(m.keys.Focus, "the list")
	return keys.Help{
		Short: []key.Binding{run, list, m.keys.ForceQuit},
		Full:  [][]key.Binding{{run, list}, {m.keys.ForceQuit}},
	}
}

// View draws the screen.
func (m Model) View() string {
	s := m.styles
	var b strings.Builder
	if m.pasting {
		b.WriteString(m.pasteIntro.Get(strconv.Itoa(m.width), m.pasteIntroView))
		b.WriteString(m.paste.View(s, m.width, m.height-strings.Count(b.String(), "\n")))
		return b.String()
	}
	b.WriteString(s.Title.Render("Who has the problem?") + "\n")
	intro := "Type the user's UPN, or a device name or serial to check its primary user."
	b.WriteString(layout.Para(s.Subtle, intro, m.width, "") + "\n\n")
	b.WriteString(m.input.View() + "\n")
	b.WriteString(m.hint() + "\n")
	if m.device != nil {
		b.WriteString(s.Good.Render(layout.Truncate("✓ "+m.deviceLine(), m.width)) + "\n")
	}
	if m.symptom != nil {
		b.WriteString(s.Good.Render(layout.Truncate("✓ "+m.errorLine(), m.width)) + "\n")
	}
	b.WriteString("\n")

	b.WriteString(m.listView(m.height - strings.Count(b.String(), "\n")))
	return b.String()
}

func sectionName(k itemKind) string {
	switch k {
	case recentItem:
		return "Recent"
	case demoItem:
		return "Demo users"
	case pasteItem, pathItem:
		return "Device"
	case errorItem:
		return "Error"
	}
	return "Tenant"
}

func (m Model) itemLine(it item) string {
	switch {
	case it.kind == pasteItem && m.device != nil:
		return "Replace the pasted dsregcmd /status output"
	case it.kind == pasteItem:
		return "Paste the device's dsregcmd /status output (optional)"
	case it.kind == errorItem && m.symptom != nil:
		return "Replace the error the user saw"
	case it.kind == errorItem:
		return "The error the user saw: a code, message or event (optional)"
	case it.kind == pathItem && m.path == facts.PathUnknown:
		return "How it enrolls: not sure, infer it or judge every path (enter to change)"
	case it.kind == pathItem:
		line := "How it enrolls: " + string(m.path) + ", " + m.path.Describe() + " (enter to change)"
		return layout.Truncate(line, max(m.width-4, 10))
	case it.kind == journalItem:
		return "Journal of the fixes applied, and undo"
	case it.kind != tenantItem:
		return it.value
	}
	if m.tenant {
		return "Whole tenant walkthrough (every setting, for a report)"
	}
	return "Whole tenant walkthrough: coming soon, not available in this version"
}

// hint is the validation line under the input: what the text looks like, or what is wrong with it.
func (m Model) hint() string {
	s := m.styles
	switch {
	case m.busy != "":
		return m.spinner.View() + " Looking up " + m.busy + "…"
	case m.err != "":
		return s.Error.Render("✗ " + m.err)
	}
	kind, err := Classify(m.input.Value())
	switch {
	case err != nil:
		return s.Error.Render("✗ " + err.Error())
	case kind == UPN:
		return s.Good.Render("✓ a user (UPN)")
	case kind == Device:
		return s.Good.Render("✓ a device name or serial: its primary user will be checked")
	}
	return s.Subtle.Render("  enter runs the checks; tab moves to the list")
}
