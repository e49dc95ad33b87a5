package tui

import (
	"slices"

	tea "charm.land/bubbletea/v2"
	"github.com/mdmdoctor/mdmdoctor/tui/keys"
)

// screenID names a screen of the root.
type screenID int

const (
	signInScreen screenID = iota
	targetScreen
	liveScreen
	resultsScreen
	stepsScreen
	fixScreen
	reportScreen
	journalScreen
	screenCount
)

var screenNames = [screenCount]string{"Sign in", "Target", "Run", "Results", "Step through", "Fix", "Report", "Journal"}

func (s screenID) String() string { return screenNames[s] }

// screenModel is what every screen package's model offers: a value that Update replaces, returning a
// command and a request of the root (see package nav), its view, its key help and its size.
type screenModel[M any] interface {
	Update(tea.Msg) (M, tea.Cmd, tea.Msg)
	View() string
	Help() keys.Help
}

// sizer is a pointer to a screen model, which takes the size of the body area.
type sizer[M any] interface {
	*M
	SetSize(w, h int)
}

// screen is a screen as the root drives it, whatever its type, so that the root dispatches once
// instead of listing every screen for each thing it does.
type screen interface {
	update(tea.Msg) (tea.Cmd, tea.Msg)
	view() string
	help() keys.Help
	setSize(w, h int)
	// typing reports whether a text field has focus: letters are text then, and q does not quit.
	typing() bool
}

// slot is a screen model held in a field of the root, driven in place.
type slot[M screenModel[M], P sizer[M]] struct{ p P }

func on[M screenModel[M], P sizer[M]](p P) screen { return slot[M, P]{p} }

func (s slot[M, P]) update(msg tea.Msg) (tea.Cmd, tea.Msg) {
	m, cmd, req := (*s.p).Update(msg)
	*s.p = m
	return cmd, req
}

func (s slot[M, P]) view() string     { return (*s.p).View() }
func (s slot[M, P]) help() keys.Help  { return (*s.p).Help() }
func (s slot[M, P]) setSize(w, h int) { s.p.SetSize(w, h) }

func (s slot[M, P]) typing() bool {
	t, ok := any(*s.p).(interface{ Typing() bool })
	return ok && t.Typing()
}

// screens is the one table of the root's screens: each ID with the field that holds it.
var screens = [screenCount]func(m *Model) screen{
	signInScreen:  func(m *Model) screen { return on(&m.signin) },
	targetScreen:  func(m *Model) screen { return on(&m.target) },
	liveScreen:    func(m *Model) screen { return on(&m.live) },
	resultsScreen: func(m *Model) screen { return on(&m.results) },
	stepsScreen:   func(m *Model) screen { return on(&m.steps) },
	fixScreen:     func(m *Model) screen { return on(&m.flow) },
	reportScreen:  func(m *Model) screen { return on(&m.report) },
	journalScreen: func(m *Model) screen { return on(&m.journal) },
}

// active is the screen on show.
func (m *Model) active() screen { return screens[m.screen()](m) }

// screen is the screen on show: the top of the way the operator came.
func (m *Model) screen() screenID { return m.levels[len(m.levels)-1] }

// open shows screen id one level below the one on show; when id is already on the way back (a run
// started again from the results), the levels above it are left instead, so that esc always goes back
// one level to where the operator came from.
func (m *Model) open(id screenID) {
	if i := slices.Index(m.levels, id); i >= 0 {
		m.levels = m.levels[:i+1]
		return
	}
	m.levels = append(slices.Clip(m.levels), id)
}

// reset makes id the first level: nothing lies behind it.
func (m *Model) reset(id screenID) { m.levels = []screenID{id} }
