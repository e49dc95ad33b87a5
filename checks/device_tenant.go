package checks

import (
	"fmt"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

func judgeDeviceTenant(f *facts.Facts) []Result {
	v := dsregView{f.Dsregcmd}
	s := v.state()
	subject := v.subject()
	want := f.Target.TenantID
	if s.joined || !s.known && v.tenantID().Value != "" {
		id, name := v.tenantID(), v.field("Tenant Details", "TenantName")
		if id.Value == "" {
			return dsregIncomplete(subject, "TenantId")
		}
		if want == "" {
			return []Result{dsregTenantUnknown(subject, dsregQuotes(id, name))}
		}
		ev := append(dsregQuotes(id, name), Evidence{Source: "run target", Detail: "this tenant: " + want})
		if strings.EqualFold(id.Value, want) {
			return []Result{{Status: Pass, Subject: subject, Evidence: ev, Summary: "The device is joined to " +
				"this tenant (" + want + ")."}}
		}
		return []Result{{Status: Fail, Subject: subject, Evidence: ev,
			Summary: fmt.Sprintf("The device is joined to another tenant: TenantId %s, not "+
				"this tenant %s.", id.Value, want),
			Explanation: "A device enrolls into the MDM of the tenant it is joined to. Joined to another tenant, it " +
				"will never appear in this tenant's Intune, whatever this tenant's scope and licences say. Either " +
				"the user is on another organisation's device, or the device was joined with an account of " +
				"another tenant.",
			Remediation: "If the device should belong to this tenant: back up the user's data, disconnect it " +
				"(Settings > Accounts > Access work or school > Disconnect, or `dsregcmd /leave` in an elevated " +
				"prompt), restart, and join again signing in with the user's account of this tenant.",
		}}
	}
	var ids []facts.DsregField
	var ev []Evidence
	for _, a := range s.accounts {
		if a.tenantID.Value != "" {
			ids = append(ids, a.tenantID)
		}
		ev = append(ev, dsregQuotes(a.tenantID, a.tenantName)...)
	}
	if len(ids) == 0 {
		if !s.known {
			return dsregIncomplete(subject, "AzureAdJoined or TenantId")
		}
		if s.registered {
			return dsregIncomplete(subject, "WorkplaceTenantId")
		}
		return []Result{{Status: Skip, Subject: subject, Evidence: dsregQuotes(s.aadj, s.wpj),
			Summary: "Skipped: the device is neither joined nor registered, so it belongs to no tenant yet (see " +
				"device.join-state)."}}
	}
	if want == "" {
		return []Result{dsregTenantUnknown(subject, ev)}
	}
	ev = append(ev, Evidence{Source: "run target", Detail: "this tenant: " + want})
	var others []string
	for _, id := range ids {
		if strings.EqualFold(id.Value, want) {
			return []Result{{Status: Pass, Subject: subject, Evidence: ev, Summary: "The device is registered with " +
				"this tenant (" + want + ")."}}
		}
		others = append(others, id.Value)
	}
	return []Result{{Status: Fail, Subject: subject, Evidence: ev,
		Summary: fmt.Sprintf("The device is registered with another tenant: WorkplaceTenantId %s, not "+
			"this tenant %s.", strings.Join(others, ", "), want),
		Explanation: "The work account on this device belongs to another organisation, so its registration and any " +
			"enrollment go to that tenant; this tenant's Intune never sees the device.",
		Remediation: "On the device: Settings > Accounts > Access work or school > Connect, and sign in with the " +
			"user's account of this tenant.",
	}}
}

// dsregTenantUnknown is the verdict when this tenant's id could not be read (neither from the token
// nor from GET /organization): the device's TenantId cannot be compared, and a tenant name proves
// nothing (any tenant can be called Contoso), so the check never passes on it.
func dsregTenantUnknown(subject string, ev []Evidence) Result {
	return Result{Status: Warn, Subject: subject, Evidence: ev,
		Summary: "The device's tenant could not be confirmed: this tenant's id is unknown, so the device's " +
			"TenantId cannot be compared.",
		Explanation: "mdmdoctor reads the tenant id from the sign-in token or, failing that, from GET " +
			"/v1.0/organization; neither answered. A tenant name is no proof: names need not be unique, nor resemble " +
			"the tenant's domains.",
		Remediation: "Run again with --tenant-id, or compare the quoted TenantId with the Tenant ID in the Entra " +
			"admin center (Overview).",
	}
}
