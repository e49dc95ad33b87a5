package checks

import (
	"net/url"
	"strings"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// Permissions of the delete-stale fix, as the Graph reference lists them (least privileged, delegated).
const (
	permDeleteEntraDevice  = "Directory.AccessAsUser.All"
	permDeleteIntuneDevice = "DeviceManagementManagedDevices.ReadWrite.All"
)

// staleness says, for records that stand for one device, which one to keep and which are stale.
type staleness struct {
	keep int
	// stale marks records silent for longer than staleAfter while the kept one is newer.
	stale []bool
	// live counts records active within staleAfter of now.
	live int
}

// judgeStaleness keeps the most recently active record. A record's activity is its last sign-in or sync,
// or its registration or enrolment when it never signed in or synced: a record created yesterday is not
// stale just because it has not been used yet.
func judgeStaleness(now time.Time, activity []time.Time) staleness {
	s := staleness{stale: make([]bool, len(activity))}
	for i, t := range activity {
		if t.After(activity[s.keep]) {
			s.keep = i
		}
		if now.Sub(t) <= staleAfter {
			s.live++
		}
	}
	for i, t := range activity {
		s.stale[i] = i != s.keep && now.Sub(t) > staleAfter && t.Before(activity[s.keep])
	}
	return s
}

func entraActivity(e facts.EntraDevice) time.Time {
	if !e.ApproximateLastSignInDateTime.IsZero() {
		return e.ApproximateLastSignInDateTime
	}
	return e.RegistrationDateTime
}

func intuneActivity(m facts.ManagedDevice) time.Time {
	if !m.LastSyncDateTime.IsZero() {
		return m.LastSyncDateTime
	}
	return m.EnrolledDateTime
}

// deleteEntraFix plans the deletion of a stale Entra device record. It cannot be undone in v1.0: Entra's
// deleted items do not cover devices.
func deleteEntraFix(f *facts.Facts, e facts.EntraDevice) Fix {
	return Fix{
		ID:          "devices.duplicates.delete-stale",
		Title:       "Delete the stale Entra record \"" + e.DisplayName + "\" (" + trustWords(e.TrustType) + ", object id " + e.ID + ")",
		Reversible:  false,
		Permissions: []string{permDeleteEntraDevice},
		Requests:    []Request{{Method: "DELETE", URL: graphURL(f.Cloud, "/v1.0/devices/"+url.PathEscape(e.ID))}},
	}
}

// deleteIntuneFix plans the deletion of a stale Intune managed device record.
func deleteIntuneFix(f *facts.Facts, m facts.ManagedDevice) Fix {
	return Fix{
		ID:          "devices.duplicates.delete-stale",
		Title:       "Delete the stale Intune record \"" + m.DeviceName + "\" (id " + m.ID + ")",
		Reversible:  false,
		Permissions: []string{permDeleteIntuneDevice},
		Requests:    []Request{{Method: "DELETE", URL: graphURL(f.Cloud, "/v1.0/deviceManagement/managedDevices/"+url.PathEscape(m.ID))}},
	}
}

// trustWords names an Entra join type as the Entra admin center's "Join type" column does.
func trustWords(trust string) string {
	switch strings.ToLower(trust) {
	case "workplace":
		return "Microsoft Entra registered"
	case "azuread":
		return "Microsoft Entra joined"
	case "serverad":
		return "Microsoft Entra hybrid joined"
	}
	return "join type " + trust
}
