// Package screentest holds what the screens' Update-level tests share: styles, keys, and checks on
// what a screen draws.
package screentest

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/mdmdoctor/mdmdoctor/tui/keys"
	"github.com/mdmdoctor/mdmdoctor/tui/theme"
)

// Deps returns the styles and key map every screen is built with.
func Deps() (*theme.Styles, *keys.KeyMap) {
	km := keys.Default()
	return theme.New(true), &km
}

// Plain strips styling from a view, for assertions on text.
func Plain(view string) string { return ansi.Strip(view) }

// RequireFits fails when a line of view is wider than width or the view is taller than height.
func RequireFits(t testing.TB, view string, width, height int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) > height {
		t.Errorf("view is %d lines, more than %d", len(lines), height)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > width {
			t.Errorf("line %d is %d cells, wider than %d: %q", i+1, w, width, ansi.Strip(l))
		}
	}
}
