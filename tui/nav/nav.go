// Package nav holds the requests screens make of the root model: to move between screens or to do
// something only the root may do (copy to the clipboard, open a link). Screens never switch screens
// themselves. A screen's Update returns a request as its third value and the root handles it at
// once, within the same Update, so a key typed right after (as keys arrive in bursts over SSH)
// already reaches the screen the request led to.
package nav

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

// OpenJournal asks the root to show the journal of fixes, from which a fix can be undone.
type OpenJournal struct{}

// Status asks the root to show a transient message in the status line.
type Status struct{ Text string }
