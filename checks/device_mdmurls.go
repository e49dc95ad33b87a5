package checks

import (
	"fmt"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

func judgeDeviceMDMURLs(f *facts.Facts) []Result {
	v := dsregView{f.Dsregcmd}
	s := v.state()
	subject := v.subject()
	want := f.Target.TenantID
	p := f.MDMPolicy
	type pair struct {
		got       facts.DsregField
		name, exp string
	}
	var pairs []pair
	var rejoin string
	policyURL := func(get func(*facts.MobilityPolicy) string) string {
		if p == nil || !p.Present {
			return ""
		}
		return get(p)
	}
	discovery := policyURL(func(p *facts.MobilityPolicy) string { return p.DiscoveryURL })
	switch {
	case !s.known && !dsregPresent(v.field("Tenant Details", "MdmUrl")):
		return dsregIncomplete(subject, "AzureAdJoined or MdmUrl")
	case s.joined || !s.known:
		// Without the join lines, an MdmUrl line is still the join's: Windows prints Tenant Details only
		// for joined and hybrid joined devices.
		if tid := v.tenantID(); want != "" && tid.Value != "" && !strings.EqualFold(tid.Value, want) {
			return []Result{{Status: Skip, Subject: subject, Evidence: dsregQuotes(tid),
				Summary: "Skipped: the device is joined to another tenant (see device.tenant); its MDM URLs are " +
					"that tenant's."}}
		}
		pairs = []pair{
			{v.field("Tenant Details", "MdmUrl"), "discovery URL", discovery},
			{v.field("Tenant Details", "MdmTouUrl"), "terms of use URL",
				policyURL(func(p *facts.MobilityPolicy) string { return p.TermsOfUseURL })},
			{v.field("Tenant Details", "MdmComplianceUrl"), "compliance URL",
				policyURL(func(p *facts.MobilityPolicy) string { return p.ComplianceURL })},
		}
		rejoin = "then rejoin the device so that it receives the URLs: `dsregcmd /leave` in an elevated prompt (or " +
			"Settings > Accounts > Access work or school > Disconnect), restart, and join again with the user's " +
			"account; a hybrid joined device joins again by itself after `dsregcmd /leave` and a restart."
	default:
		acct, ok := s.accountOf(want)
		if !ok {
			return []Result{{Status: Skip, Subject: subject, Evidence: dsregQuotes(s.aadj, s.wpj),
				Summary: "Skipped: the device is neither joined nor registered in this tenant, so it holds no MDM " +
					"URLs of it (see device.join-state and device.tenant)."}}
		}
		pairs = []pair{{acct.mdmURL, "discovery URL", discovery}}
		rejoin = "then on the device: Settings > Accounts > Access work or school, select the work account, " +
			"Disconnect, and Connect again with the user's account."
	}
	mdm := pairs[0].got
	if !dsregPresent(mdm) {
		return dsregIncomplete(subject, "MdmUrl")
	}
	ev := []Evidence{}
	for _, x := range pairs {
		ev = append(ev, dsregQuotes(x.got)...)
	}
	src := f.Status(facts.SrcMDMPolicy).Endpoint
	if src == "" {
		src = "GET /beta/policies/mobileDeviceManagementPolicies"
	}
	if p == nil || !p.Present {
		ev = append(ev, Evidence{Source: src, Detail: "no MDM policy for Microsoft Intune"})
	} else {
		ev = append(ev, Evidence{Source: src, Detail: fmt.Sprintf("appliesTo %s; discovery URL %s; terms of use URL "+
			"%s; compliance URL %s",
			p.AppliesTo, p.DiscoveryURL, p.TermsOfUseURL, p.ComplianceURL)})
	}
	if mdm.Value == "" {
		why := "Entra ID hands the MDM URLs to a device when it joins or registers, and only when the user doing it " +
			"is in the MDM user scope. The empty MdmUrl shows that automatic enrollment was not in effect for the " +
			"user when the device joined, or that the user is out of MDM scope (see scope.mdm)."
		switch {
		case p == nil || !p.Present:
			why = "Entra ID hands the MDM URLs to a device when it joins or registers, from the tenant's Intune MDM " +
				"policy; the tenant has none, so the device received none."
		case strings.EqualFold(p.AppliesTo, "none"):
			why = "Entra ID hands the MDM URLs to a device when it joins or registers, and only when the user is in " +
				"the MDM user scope; the scope is None, so no user's device receives them."
		}
		return []Result{{Status: Fail, Subject: subject, Evidence: ev,
			Summary: "The device has no MDM URL (MdmUrl is empty): it was never told where to enroll.",
			Explanation: why + " Without it Windows does not start automatic enrollment, whatever the tenant's " +
				"settings are today.",
			Remediation: "Put the user in the MDM user scope first (scope.mdm, with an Intune licence); " + rejoin,
		}}
	}
	var wrong []string
	for _, x := range pairs {
		if x.exp == "" || !dsregPresent(x.got) || sameURL(x.got.Value, x.exp) {
			continue
		}
		wrong = append(wrong, fmt.Sprintf("%s %q (the policy has %q)", x.name, x.got.Value, x.exp))
	}
	if p == nil || !p.Present {
		wrong = append(wrong, "the tenant has no Intune MDM policy any more")
	}
	if len(wrong) == 0 {
		return []Result{{Status: Pass, Subject: subject, Evidence: ev, Summary: "The device's MDM URLs match the " +
			"tenant's MDM policy."}}
	}
	return []Result{{Status: Fail, Subject: subject, Evidence: ev,
		Summary: "The device's MDM URLs are stale: " + strings.Join(wrong, "; ") + ".",
		Explanation: "Windows keeps the MDM URLs it received when it joined or registered. The tenant's MDM policy " +
			"has changed since (or the device got them from another MDM), so the device enrolls, or tries to, with " +
			"URLs the tenant no longer uses.",
		Remediation: "Make sure the tenant's MDM URLs are right (scope.urls); " + rejoin,
	}}
}

// accountOf finds the work account of the tenant, or the only account when the tenant is unknown.
func (s dsregState) accountOf(tenantID string) (dsregAccount, bool) {
	for _, a := range s.accounts {
		if tenantID == "" || a.tenantID.Value == "" || strings.EqualFold(a.tenantID.Value, tenantID) {
			return a, true
		}
	}
	return dsregAccount{}, false
}
