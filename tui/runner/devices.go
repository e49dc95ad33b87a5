package runner

import (
	"strings"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
)

// DeviceRow is one of the user's devices as Intune's Troubleshoot pane lists it: an Entra record with
// the Intune record that points at it, or an Intune record alone.
type DeviceRow struct {
	Name string
	// Join is the Entra join type in short ("joined", "registered", "hybrid joined"); empty for an
	// Intune record without an Entra one.
	Join string
	// Managed says an Intune record points at the Entra record.
	Managed    bool
	Compliance string
	// LastCheckIn is the Intune record's last check-in, or zero; LastSignIn the Entra record's.
	LastCheckIn time.Time
	LastSignIn  time.Time
	// Note is what devices.duplicates made of the record when it is one of several of one device
	// ("stale: …", "kept: …"), in the check's own words.
	Note string
}

// devices lists the user's devices once both device sources loaded, with the notes of the device
// sweep, which judges them as devices.duplicates does; nil otherwise.
func devices(f *facts.Facts) []DeviceRow {
	if f.Status(facts.SrcUserDevices).State != facts.Loaded || f.Status(facts.SrcManagedDevices).State != facts.Loaded {
		return nil
	}
	notes := sweepNotes(f)
	var rows []DeviceRow
	linked := map[string]bool{}
	for _, e := range f.UserDevices {
		r := DeviceRow{
			Name: e.DisplayName, Join: joinWords(e.TrustType), LastSignIn: e.ApproximateLastSignInDateTime, Note: notes[e.ID],
		}
		for _, m := range f.ManagedDevices {
			if e.DeviceID != "" && strings.EqualFold(m.AzureADDeviceID, e.DeviceID) {
				r.Managed, r.Compliance, r.LastCheckIn = true, m.ComplianceState, m.LastSyncDateTime
				linked[m.ID] = true
				if r.Note == "" {
					r.Note = notes[m.ID]
				}
			}
		}
		rows = append(rows, r)
	}
	for _, m := range f.ManagedDevices {
		if !linked[m.ID] {
			rows = append(rows, DeviceRow{
				Name: m.DeviceName, Managed: true, Compliance: m.ComplianceState,
				LastCheckIn: m.LastSyncDateTime, Note: notes[m.ID],
			})
		}
	}
	return rows
}

// sweepNotes runs the device sweep over the user's own records and returns its note on each record
// it looked at, by Entra object id or Intune managed device id.
func sweepNotes(f *facts.Facts) map[string]string {
	g := facts.New(f.Cloud, f.Target, f.Now)
	g.Apply(facts.Delta{Source: facts.SrcAllDevices, Apply: func(g *facts.Facts) { g.AllDevices = f.UserDevices }})
	g.Apply(facts.Delta{Source: facts.SrcAllManagedDevices, Apply: func(g *facts.Facts) {
		g.AllManagedDevices = f.ManagedDevices
	}})
	notes := map[string]string{}
	for _, fd := range checks.TenantSweep(g).Findings {
		for _, r := range fd.Records {
			if r.Note != "" {
				notes[r.ObjectID] = r.Note
			}
		}
	}
	return notes
}

// joinWords is an Entra trust type in the short words of the Troubleshoot pane's join type column.
func joinWords(trust string) string {
	switch strings.ToLower(trust) {
	case "workplace":
		return "registered"
	case "azuread":
		return "joined"
	case "serverad":
		return "hybrid joined"
	}
	return trust
}
