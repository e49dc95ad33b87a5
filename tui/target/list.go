package target

import (
	"strings"

	"github.com/mdmdoctor/mdmdoctor/tui/layout"
	"github.com/mdmdoctor/mdmdoctor/tui/theme"
)

// pinned reports whether an entry is one of the screen's fixed entries (the error, the device view,
// the tenant walkthrough, the journal). They are drawn below the recent and demo targets, always in view however
// many of those there are; only the targets above them scroll.
func pinned(k itemKind) bool {
	return k == errorItem || k == pathItem || k == pasteItem || k == tenantItem || k == journalItem
}

// listView draws the list in rows lines: the recent and demo targets in a window that keeps the cursor
// in view and says what lies outside it, then the fixed entries under one label.
func (m Model) listView(rows int) string {
	s := m.styles
	items := m.items()
	var fixed, lines []string
	var lineItem []int // the item on each line of lines, -1 for a section label
	cursorLine := -1
	lastKind := itemKind(-1)
	for i, it := range items {
		line := m.itemLine(it)
		mark := theme.NoCursor
		if m.inList && i == m.cursor {
			mark, line = theme.Cursor, s.Selected.Render(line)
		}
		line = " " + mark + " " + line
		if pinned(it.kind) {
			if len(fixed) == 0 {
				fixed = append(fixed, s.Label.Render("Device, error, tenant"))
			}
			fixed = append(fixed, line)
			continue
		}
		if it.kind != lastKind {
			lines, lineItem = append(lines, s.Label.Render(sectionName(it.kind))), append(lineItem, -1)
			lastKind = it.kind
		}
		if m.inList && i == m.cursor {
			cursorLine = len(lines)
		}
		lines, lineItem = append(lines, line), append(lineItem, i)
	}
	room := max(rows-len(fixed), 1)
	if len(lines) <= room {
		return strings.Join(append(lines, fixed...), "\n")
	}
	// Not every target fits: a window of them and a line saying where it is.
	room = max(room-1, 1)
	off := 0
	if cursorLine >= 0 {
		off = layout.Window(cursorLine, 0, room, len(lines))
		if off == cursorLine && off > 0 && lineItem[off-1] == -1 {
			off-- // keep the section label above its first target
		}
	}
	end := min(off+room, len(lines))
	above, below, targets := 0, 0, 0
	for k, i := range lineItem {
		if i < 0 {
			continue
		}
		targets++
		switch {
		case k < off:
			above++
		case k >= end:
			below++
		}
	}
	cur := -1
	if cursorLine >= 0 {
		cur = m.cursor
	}
	pos := s.Subtle.Render("  " + layout.Position(cur, above, targets-above-below, targets) + " (recent and demo)")
	out := append(append(append([]string{}, lines[off:end]...), pos), fixed...)
	return strings.Join(out, "\n")
}
