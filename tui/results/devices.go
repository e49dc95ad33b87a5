package results

import (
	"fmt"
	"strings"
	"time"

	"github.com/mdmdoctor/mdmdoctor/tui/layout"
	"github.com/mdmdoctor/mdmdoctor/tui/runner"
	"github.com/mdmdoctor/mdmdoctor/tui/theme"
)

// SetDevices gives the screen the user's devices, shown under every devices.* result.
func (m Model) SetDevices(rows []runner.DeviceRow) Model {
	m.devices = rows
	m.refresh()
	return m
}

// DeviceTable renders the user's devices as Intune's Troubleshoot pane lists them (name, join type,
// Intune managed, compliance, last check-in), each followed by what devices.duplicates made of the
// record when it is one of several, in lines of at most width cells.
func DeviceTable(s *theme.Styles, rows []runner.DeviceRow, width int) []string {
	out := []string{"", s.Heading.Render("The user's devices (as Intune's Troubleshoot pane lists them)")}
	row := func(name, join, intune, compliance, checkIn string) string {
		line := fmt.Sprintf("  %-16s %-13s %-8s %-14s %s", layout.Truncate(name, 16), join, intune, compliance, checkIn)
		return layout.Truncate(line, width)
	}
	out = append(out, s.Subtle.Render(row("Name", "Join type", "Intune", "Compliance", "Last check-in")))
	for _, r := range rows {
		join, intune, compliance := r.Join, "no", "-"
		if join == "" {
			join = "no Entra record"
		}
		if r.Managed {
			intune, compliance = "managed", r.Compliance
		}
		checkIn := day(r.LastCheckIn)
		if r.LastCheckIn.IsZero() {
			checkIn = "- (sign-in " + day(r.LastSignIn) + ")"
		}
		out = append(out, row(r.Name, join, intune, compliance, checkIn))
		if r.Note != "" {
			for _, l := range layout.Hang(r.Note, width, "    ↳ ", "      ") {
				out = append(out, s.Subtle.Render(l))
			}
		}
	}
	return out
}

func day(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02")
}

// showsDevices reports whether a result is about the user's devices, under which the table is shown.
func showsDevices(id string) bool { return strings.HasPrefix(id, "devices.") }
