package checks

import (
	"fmt"
	"strings"
	"unicode"

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
			return []Result{dsregTenantByName(f, subject, []facts.DsregField{name}, dsregQuotes(id, name))}
		}
		ev := append(dsregQuotes(id, name), Evidence{Source: "run target", Detail: "this tenant: " + want})
		if strings.EqualFold(id.Value, want) {
			return []Result{{Status: Pass, Subject: subject, Evidence: ev, Summary: "The device is joined to this tenant (" + want + ")."}}
		}
		return []Result{{Status: Fail, Subject: subject, Evidence: ev,
			Summary:     fmt.Sprintf("The device is joined to another tenant: TenantId %s, not this tenant %s.", id.Value, want),
			Explanation: "A device enrolls into the MDM of the tenant it is joined to. Joined to another tenant, it will never appear in this tenant's Intune, whatever this tenant's scope and licences say. Either the user is on another organisation's device, or the device was joined with an account of another tenant.",
			Remediation: "If the device should belong to this tenant: back up the user's data, disconnect it (Settings > Accounts > Access work or school > Disconnect, or `dsregcmd /leave` in an elevated prompt), restart, and join again signing in with the user's account of this tenant.",
		}}
	}
	var ids, names []facts.DsregField
	var ev []Evidence
	for _, a := range s.accounts {
		if a.tenantID.Value != "" {
			ids = append(ids, a.tenantID)
		}
		names = append(names, a.tenantName)
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
			Summary: "Skipped: the device is neither joined nor registered, so it belongs to no tenant yet (see device.join-state)."}}
	}
	if want == "" {
		return []Result{dsregTenantByName(f, subject, names, ev)}
	}
	ev = append(ev, Evidence{Source: "run target", Detail: "this tenant: " + want})
	var others []string
	for _, id := range ids {
		if strings.EqualFold(id.Value, want) {
			return []Result{{Status: Pass, Subject: subject, Evidence: ev, Summary: "The device is registered with this tenant (" + want + ")."}}
		}
		others = append(others, id.Value)
	}
	return []Result{{Status: Fail, Subject: subject, Evidence: ev,
		Summary:     fmt.Sprintf("The device is registered with another tenant: WorkplaceTenantId %s, not this tenant %s.", strings.Join(others, ", "), want),
		Explanation: "The work account on this device belongs to another organisation, so its registration and any enrollment go to that tenant; this tenant's Intune never sees the device.",
		Remediation: "On the device: Settings > Accounts > Access work or school > Connect, and sign in with the user's account of this tenant.",
	}}
}

// dsregTenantByName judges the tenant when the run does not know its tenant id: it compares the device's
// TenantName with the first label of the tenant's domains (Contoso with contoso.onmicrosoft.com).
// A name is weaker evidence than an id, so a mismatch warns rather than fails.
func dsregTenantByName(f *facts.Facts, subject string, names []facts.DsregField, ev []Evidence) Result {
	src := f.Status(facts.SrcDomains).Endpoint
	if src == "" {
		src = "GET /v1.0/domains"
	}
	var domains []string
	for _, d := range f.Domains {
		domains = append(domains, d.Name)
	}
	ev = append(ev, Evidence{Source: src, Detail: "tenant domains: " + strings.Join(domains, ", ")})
	for _, n := range names {
		key := dsregNameKey(n.Value)
		if key == "" {
			continue
		}
		for _, d := range domains {
			label, _, _ := strings.Cut(d, ".")
			if dsregNameKey(label) == key {
				return Result{Status: Pass, Subject: subject, Evidence: ev,
					Summary: fmt.Sprintf("The device's tenant name %q matches this tenant's domain %s (compared by name: the tenant id is unknown; give --tenant-id for a certain answer).", n.Value, d)}
			}
		}
	}
	return Result{Status: Warn, Subject: subject, Evidence: ev,
		Summary:     "The device's tenant could not be confirmed: its tenant name matches none of this tenant's domains, and the tenant id is unknown.",
		Explanation: "Without this tenant's id the device's TenantId cannot be compared, and tenant names need not resemble domain names.",
		Remediation: "Run again with --tenant-id, or compare the quoted TenantId with the tenant id in the Entra admin center (Overview).",
	}
}

// dsregNameKey reduces a tenant or domain name to lower-case letters and digits.
func dsregNameKey(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}
