package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// dsregIdentity is one device identity the paste states: the join's DeviceId, or a work account's
// WorkplaceDeviceId, with the trust type its Entra record must have.
type dsregIdentity struct {
	id    facts.DsregField
	trust string
	state string // in words: "joined", "hybrid joined", "registered"
	// duplicate is set on a registration of a device that is also joined to the same tenant: the
	// registered half of the duplicate pair that device.join-state reports.
	duplicate bool
}

// dsregVerdict is what device.record concludes about one identity.
type dsregVerdict struct {
	status                            Status
	summary, explanation, remediation string
	evidence                          []Evidence
}

func judgeDeviceRecord(f *facts.Facts) []Result {
	v := dsregView{f.Dsregcmd}
	s := v.state()
	subject := v.subject()
	var ids []dsregIdentity
	if s.joined {
		id := dsregID(v.field("Device Details", "DeviceId"))
		if id.Value == "" {
			return dsregIncomplete(subject, "DeviceId")
		}
		if s.domain {
			ids = append(ids, dsregIdentity{id: id, trust: dsregTrustHybrid, state: "hybrid joined"})
		} else {
			ids = append(ids, dsregIdentity{id: id, trust: dsregTrustJoined, state: "joined"})
		}
	}
	for _, a := range s.accounts {
		if a.deviceID.Value == "" {
			continue
		}
		if want := f.Target.TenantID; want != "" && a.tenantID.Value != "" && !strings.EqualFold(a.tenantID.Value, want) {
			continue // another tenant's registration has no record here
		}
		joinTenant := v.tenantID().Value
		dup := s.joined && (joinTenant == "" || a.tenantID.Value == "" || strings.EqualFold(joinTenant, a.tenantID.Value))
		ids = append(ids, dsregIdentity{id: a.deviceID, trust: dsregTrustRegistered, state: "registered", duplicate: dup})
	}
	if len(ids) == 0 && !s.known {
		return dsregIncomplete(subject, "AzureAdJoined")
	}
	if len(ids) == 0 {
		return []Result{{Status: Skip, Subject: subject, Evidence: dsregQuotes(s.aadj, s.wpj),
			Summary: "Skipped: the paste holds no DeviceId of this tenant (the device is neither joined nor " +
				"registered here; see device.join-state)."}}
	}
	pool, where := dsregRecordPool(f)
	r := Result{Status: Pass, Subject: subject}
	var summaries, explanations, remediations []string
	for _, id := range ids {
		vd := dsregJudgeIdentity(id, pool, where, dsregSearchedTenantWide(f, id.id.Value), dsregUserNames(f))
		r.Evidence = append(r.Evidence, vd.evidence...)
		summaries = append(summaries, vd.summary)
		if vd.status.Severity() < r.Status.Severity() {
			r.Status = vd.status
		}
		if vd.explanation != "" {
			explanations = append(explanations, vd.explanation)
			remediations = append(remediations, vd.remediation)
		}
	}
	r.Summary = strings.Join(summaries, " ")
	r.Explanation = strings.Join(explanations, " ")
	r.Remediation = strings.Join(remediations, " ")
	return []Result{r}
}

// dsregRecordPool is every Entra device read: the user's registered and owned devices, the records a
// tenant-wide search found for the paste's DeviceIds, and every device of the tenant when that was read
// too. where names the requests, for evidence.
func dsregRecordPool(f *facts.Facts) ([]facts.EntraDevice, string) {
	where := f.Status(facts.SrcUserDevices).Endpoint
	if where == "" {
		where = "the user's registered and owned devices"
	}
	pool := append([]facts.EntraDevice(nil), f.UserDevices...)
	if f.DeviceLookup != nil {
		pool = append(pool, f.DeviceLookup.Devices...)
	}
	if f.Status(facts.SrcAllDevices).State == facts.Loaded {
		pool = append(pool, f.AllDevices...)
		if ep := f.Status(facts.SrcAllDevices).Endpoint; ep != "" {
			where += ", " + ep
		} else {
			where += ", every device of the tenant"
		}
	}
	return pool, where
}

// dsregSearchedTenantWide reports whether every Entra record of the tenant with this DeviceId was read:
// by the tenant-wide search for the paste's ids, or by a sweep of every device.
func dsregSearchedTenantWide(f *facts.Facts, id string) bool {
	if f.Status(facts.SrcAllDevices).State == facts.Loaded {
		return true
	}
	return f.DeviceLookup != nil && slices.ContainsFunc(f.DeviceLookup.DeviceIDs, func(s string) bool { return strings.EqualFold(s, id) })
}

// dsregUserNames are the names the triaged user goes by, to compare with a record's owners.
func dsregUserNames(f *facts.Facts) []string {
	names := []string{f.Target.User}
	if f.User != nil {
		// An owner Graph sent without its UPN is named by its object id.
		names = append(names, f.User.UserPrincipalName, f.User.ID)
	}
	return names
}

// dsregOwnedByOther returns the owners of a record when they are known and the user is none of them.
func dsregOwnedByOther(e facts.EntraDevice, user []string) []string {
	for _, o := range e.OwnerUPNs {
		if slices.ContainsFunc(user, func(u string) bool { return u != "" && strings.EqualFold(u, o) }) {
			return nil
		}
	}
	return e.OwnerUPNs
}

// dsregJudgeIdentity judges one DeviceId of the paste against the records read. tenantWide says every
// record of the tenant with that id was read, so that none found means none exists.
func dsregJudgeIdentity(id dsregIdentity, pool []facts.EntraDevice, where string, tenantWide bool, user []string) dsregVerdict {
	vd := dsregVerdict{evidence: dsregQuotes(id.id)}
	var found []facts.EntraDevice
	seen := map[string]bool{}
	for _, e := range pool {
		if strings.EqualFold(e.DeviceID, id.id.Value) && !seen[e.ID] {
			seen[e.ID] = true
			found = append(found, e)
		}
	}
	for _, e := range found {
		owners := "owners not read"
		if len(e.OwnerUPNs) > 0 {
			owners = "registered owner " + strings.Join(e.OwnerUPNs, ", ")
		}
		vd.evidence = append(vd.evidence, Evidence{Source: where, Detail: fmt.Sprintf("%q deviceId %s trustType %s "+
			"isManaged %t accountEnabled %t, %s",
			e.DisplayName, e.DeviceID, e.TrustType, e.IsManaged, e.AccountEnabled, owners)})
	}
	if len(found) == 0 {
		vd.evidence = append(vd.evidence, Evidence{Source: where, Detail: "no device with deviceId " + id.id.Value})
		switch {
		case tenantWide:
			vd.status = Fail
			vd.summary = fmt.Sprintf("No Entra device record in this tenant has the %s DeviceId %s (searched "+
				"tenant-wide).", id.state, id.id.Value)
			vd.explanation = "The device believes it is " + id.state + " with this id, but no device of this tenant " +
				"has it: the record was deleted (DeviceAuthStatus then fails too), or " +
				"the device is " + id.state + " with another tenant."
			vd.remediation = dsregReregister(id)
		case id.trust == dsregTrustHybrid:
			vd.status = Warn
			vd.summary = fmt.Sprintf("The hybrid joined DeviceId %s is not among the user's devices.", id.id.Value)
			vd.explanation = "Hybrid joined devices usually have no registered owner, so the user's device list need " +
				"not hold them: this does not show that the record is missing."
			vd.remediation = "Search the DeviceId in the Entra admin center > Devices to confirm that a record with " +
				"join type \"Microsoft Entra hybrid joined\" exists."
		default:
			vd.status = Warn
			vd.summary = fmt.Sprintf("The %s DeviceId %s is not among the user's devices, and the tenant's other "+
				"devices were not searched.", id.state, id.id.Value)
			vd.explanation = "The record may be missing, or it may belong to the other account " +
				"the device was " + id.state + " with: only the user's own devices were read."
			vd.remediation = "Search the DeviceId in the Entra admin center > Devices. A record owned by another " +
				"user means that account's triage decides the enrollment; no record means it " +
				"was deleted: " + dsregReregister(id)
		}
		return vd
	}
	var match *facts.EntraDevice
	for i := range found {
		if strings.EqualFold(found[i].TrustType, id.trust) {
			match = &found[i]
			break
		}
	}
	var others []string
	if match != nil {
		others = dsregOwnedByOther(*match, user)
	}
	switch {
	case len(others) > 0:
		vd.status = Warn
		vd.summary = fmt.Sprintf("The %s record %q (DeviceId %s) belongs to %s, not "+
			"to this user.", id.state, match.DisplayName, id.id.Value, strings.Join(others, ", "))
		vd.explanation = fmt.Sprintf("The device was %s with another account: Entra ID lists %s as the record's "+
			"registered owner, and automatic enrollment ran (or will run) as that user, so this user's scope, "+
			"licences and limits do not decide this device's enrollment.", id.state, strings.Join(others, ", "))
		vd.remediation = fmt.Sprintf("Triage %s (mdmdoctor check --user %s) if the device is theirs; if it should be "+
			"this user's, have them disconnect it and connect or join it again with their "+
			"own account.", others[0], others[0])
	case match == nil:
		vd.status = Fail
		vd.summary = fmt.Sprintf("The Entra record of DeviceId %s has trust type %s, but the "+
			"device is %s (%s).", id.id.Value, found[0].TrustType, id.state, id.trust)
		vd.explanation = "The record is left from an earlier join or registration of the device with the same id; " +
			"the device's present state has no record of its own, so Intune cannot tie the enrollment to it."
		vd.remediation = dsregReregister(id)
	case !match.IsManaged && id.duplicate:
		vd.status = Warn
		vd.summary = fmt.Sprintf("The registered record %q (DeviceId %s) exists, unmanaged, beside the "+
			"device's join.", match.DisplayName, id.id.Value)
		vd.explanation = "It is the registered half of the duplicate pair device.join-state reports: Intune manages " +
			"the device through its join, so this record will stay unmanaged and go stale."
		// Microsoft's stale-device guidance: disable first, delete later (as devices.duplicates offers them).
		vd.remediation = "Disconnect the work account on the device (see device.join-state), then disable this " +
			"record (fix devices.duplicates.disable-stale, which can be undone) and delete it once it has stayed " +
			"disabled for a while (fix devices.duplicates.delete-stale)."
		if !match.AccountEnabled {
			vd.remediation = "Disconnect the work account on the device (see device.join-state); the record is " +
				"disabled already, so once it has stayed disabled for a while delete it (fix " +
				"devices.duplicates.delete-stale)."
		}
	case !match.IsManaged:
		vd.status = Warn
		vd.summary = fmt.Sprintf("The %s record %q (DeviceId %s) exists but is not "+
			"managed by an MDM.", id.state, match.DisplayName, id.id.Value)
		vd.explanation = "The device is known to Entra ID but never enrolled (or its MDM no longer reports it): " +
			"automatic enrollment did not happen for this record. device.mdm-urls and device.prt say why on the " +
			"device's side."
		vd.remediation = "Fix what device.mdm-urls, device.prt and the scope and licence checks report; then have " +
			"the user sign out and in again (automatic enrollment runs at sign-in), or use Settings > Accounts > " +
			"Access work or school > Enroll only in device management."
	default:
		vd.status = Pass
		vd.summary = fmt.Sprintf("The %s record %q (DeviceId %s) exists with trust type %s "+
			"and is managed.", id.state, match.DisplayName, id.id.Value, match.TrustType)
	}
	return vd
}

// dsregReregister is the device-side step that gives a device a fresh record of the right kind.
func dsregReregister(id dsregIdentity) string {
	if id.trust == dsregTrustRegistered {
		return "On the device: Settings > Accounts > Access work or school, select the work account, Disconnect, " +
			"then Connect again with the user's account."
	}
	return "On the device, in an elevated prompt: `dsregcmd /leave`, restart, and join again (a hybrid joined device " +
		"re-registers by itself once Entra Connect has synchronised it and the user signs in)."
}
