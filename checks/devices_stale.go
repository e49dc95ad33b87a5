package checks

import (
	"strings"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// Permissions of the delete-stale fix, as the Graph reference lists them (least privileged, delegated).
const (
	permDeleteEntraDevice  = "Directory.AccessAsUser.All"
	permDeleteIntuneDevice = "DeviceManagementManagedDevices.ReadWrite.All"
	// The reads before an Entra record is deleted: whether BitLocker recovery keys and a LAPS
	// password are escrowed to it (their metadata only, never a key or a password).
	permReadRecoveryKeys = "BitlockerKey.ReadBasic.All"
	permReadLAPS         = "DeviceLocalCredential.ReadBasic.All"
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

// deleteEntraFix plans the deletion of a stale Entra device record that is disabled already: the later
// step, after disableEntraFix (Microsoft's stale-device guidance). It cannot be undone in v1.0: Entra's
// deleted items do not cover devices. Deleting it also deletes its BitLocker recovery keys and LAPS
// password: the fix package reads whether there are any before it asks for confirmation.
func deleteEntraFix(f *facts.Facts, e facts.EntraDevice) Fix {
	return Fix{
		ID: "devices.duplicates.delete-stale",
		Title: "Delete the stale, disabled " +
			"Entra record \"" + e.DisplayName + "\" (" + trustWords(e.TrustType) + ", object id " + e.ID + ")",
		Reversible:  false,
		Permissions: []string{permDeleteEntraDevice, permReadRecoveryKeys, permReadLAPS},
		Requests:    []Request{DeleteDevice(graphRoot(f.Cloud), e.ID)},
	}
}

// disableEntraFix plans disabling a stale Entra device record (accountEnabled false): the reversible
// first step Microsoft's stale-device guidance recommends before a delete. A disabled device cannot
// authenticate to Entra ID; on a Microsoft Entra joined device, users can no longer sign in.
func disableEntraFix(f *facts.Facts, e facts.EntraDevice) Fix {
	title := "Disable the stale " +
		"Entra record \"" + e.DisplayName + "\" (" + trustWords(e.TrustType) + ", object id " + e.ID + ")"
	if strings.EqualFold(e.TrustType, "AzureAd") {
		title += ": users can no longer sign in on that device"
	} else {
		title += ": the device can no longer authenticate to Entra ID with it"
	}
	return Fix{
		ID:          "devices.duplicates.disable-stale",
		Title:       title,
		Reversible:  true,
		Permissions: []string{permDeleteEntraDevice},
		Requests:    []Request{PatchDevice(graphRoot(f.Cloud), e.ID, []byte(`{"accountEnabled":false}`))},
	}
}

// deleteIntuneFix plans the deletion of a stale Intune managed device record.
func deleteIntuneFix(f *facts.Facts, m facts.ManagedDevice) Fix {
	return Fix{
		ID:          "devices.duplicates.delete-stale",
		Title:       "Delete the stale Intune record \"" + m.DeviceName + "\" (id " + m.ID + ")",
		Reversible:  false,
		Permissions: []string{permDeleteIntuneDevice},
		Requests:    []Request{DeleteManagedDevice(graphRoot(f.Cloud), m.ID)},
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
