// Package keys declares every key binding of the TUI once, with its help text, and groups them into the
// per-screen help maps that the footer and the `?` full help render.
package keys

import "charm.land/bubbles/v2/key"

// KeyMap holds every binding. Screens match keys against it and never spell a key themselves.
type KeyMap struct {
	Quit key.Binding
	// ForceQuit is ctrl+c alone: it quits even while a text field has focus, where q is just a letter.
	ForceQuit key.Binding
	Help      key.Binding
	Back      key.Binding

	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Next     key.Binding
	Prev     key.Binding
	NextFail key.Binding
	PrevFail key.Binding
	Filter   key.Binding
	Focus    key.Binding

	Select    key.Binding
	Retry     key.Binding
	Copy      key.Binding
	Cancel    key.Binding
	Results   key.Binding
	Steps     key.Binding
	Fix       key.Binding
	Docs      key.Binding
	Rerun     key.Binding
	RerunAll  key.Binding
	Report    key.Binding
	NewTarget key.Binding
	Zoom      key.Binding
	Done      key.Binding
	Detach    key.Binding
	Causes    key.Binding
	Journal   key.Binding
	// ByID asks for a journal run's ID: a served operator's list holds their own runs only.
	ByID key.Binding
}

// Default returns the key map: vi-style letters alongside the arrows, nothing that needs a mouse.
func Default() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Quit:      b("q", "quit", "q", "ctrl+c"),
		ForceQuit: b("ctrl+c", "quit", "ctrl+c"),
		Help:      b("?", "help", "?"),
		Back:      b("esc", "back", "esc"),

		Up:       b("↑/k", "up", "up", "k"),
		Down:     b("↓/j", "down", "down", "j"),
		PageUp:   b("pgup/b", "page up", "pgup", "b"),
		PageDown: b("pgdn/space", "page down", "pgdown", "space"),
		Top:      b("home/g", "first", "home", "g"),
		Bottom:   b("end/G", "last", "end", "G"),
		// Enter goes on, as it does everywhere: on the step-through, to the next step.
		Next:     b("→/enter", "next step", "right", "l", "enter"),
		Prev:     b("←/h", "previous step", "left", "h", "p"),
		NextFail: b("n", "next failure", "n"),
		PrevFail: b("N", "previous failure", "N"),
		Filter:   b("/", "filter", "/"),
		Focus:    b("tab", "switch field", "tab", "shift+tab"),

		Select:    b("enter", "select", "enter"),
		Retry:     b("enter", "try again", "enter"),
		Copy:      b("c", "copy", "c"),
		Cancel:    b("x", "cancel run", "x"),
		Results:   b("enter", "results", "enter"),
		Steps:     b("s", "step through", "s"),
		Fix:       b("f", "fix plan", "f"),
		Docs:      b("o", "docs link", "o"),
		Rerun:     b("r", "re-run check", "r"),
		RerunAll:  b("R", "re-run all", "R"),
		Report:    b("w", "save report", "w"),
		NewTarget: b("t", "new target", "t"),
		Zoom:      b("enter", "zoom detail", "enter"),
		Done:      b("ctrl+s", "done", "ctrl+s"),
		Detach:    b("ctrl+x", "remove device view", "ctrl+x"),
		Causes:    b("e", "error's causes", "e"),
		Journal:   b("u", "journal / undo", "u"),
		ByID:      b("i", "undo by ID", "i"),
	}
}

// Help is one screen's bindings for the help bubble: a short row for the footer and columns for `?`.
type Help struct {
	Short []key.Binding
	Full  [][]key.Binding
}

// ShortHelp implements help.KeyMap.
func (h Help) ShortHelp() []key.Binding { return h.Short }

// FullHelp implements help.KeyMap.
func (h Help) FullHelp() [][]key.Binding { return h.Full }

// WithGlobal appends the bindings every screen shares (help, quit) to a screen's help. Back is not
// among them: each screen lists esc itself where it does something there. The footer keeps "? help"
// when the screen's keys take the whole width, and drops quit first.
func (k KeyMap) WithGlobal(h Help) Help {
	h.Short = append(h.Short, k.Quit, k.Help)
	h.Full = append(h.Full, []key.Binding{k.Help, k.Quit})
	return h
}

// Rename returns a copy of b whose help reads desc, for screens where a shared key does something
// more specific (enter "run checks" on the target screen).
func Rename(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}
