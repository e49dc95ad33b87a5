// Package nav holds the messages screens send to the root model to move between screens or ask for
// something only the root may do (copy to the clipboard, open a link). Screens never switch screens
// themselves: they return one of these as a command and the root decides.
package nav

import tea "charm.land/bubbletea/v2"

// Back asks to leave the current screen for the one it was opened from.
type Back struct{}

// Copy asks the root to put Text on the local clipboard through OSC 52 (which also works over SSH);
// What names it in the confirmation ("the device code").
type Copy struct {
	Text string
	What string
}

// OpenDocs asks the root to show a documentation link: printed and copied always, opened in a browser
// only on a local session.
type OpenDocs struct{ URL string }

// Status asks the root to show a transient message in the status line.
type Status struct{ Text string }

// Send wraps a message as a command, for screens returning one of the above from Update.
func Send(msg tea.Msg) tea.Cmd {
	return func() tea.Msg { return msg }
}
