package checks

import (
	"fmt"
	"time"
)

// staleAfter is how long a record may stay silent before it counts as stale. Entra refreshes a device's
// activity timestamp only when it drifts by about 14 days (plus or minus 5), and Intune's own device
// cleanup rules start at 30 days, so anything shorter would call a device that is in use stale.
const staleAfter = 30 * 24 * time.Hour

// dateAndAge writes a point in time for evidence, with its age relative to now ("2026-11-23 (2 days ago)").
func dateAndAge(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02") + " (" + howLongAgo(t, now) + ")"
}

// howLongAgo says how long before now t was, in the coarse words a helpdesk reads at a glance.
func howLongAgo(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < 0:
		return "in the future: check the clocks"
	case d < time.Hour:
		return "within the hour"
	case d < 2*time.Hour:
		return "an hour ago"
	case d < 48*time.Hour:
		return fmt.Sprintf("%d hours ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}
