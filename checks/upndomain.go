package checks

import (
	"fmt"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// The rule of tenant.upn-domain:
//   - Error 0x8018002b ("Auto MDM Enroll: Failed" with Group Policy): "The UPN contains an unverified or
//     non-routable domain, such as .local (like joe@contoso.local)", fixed by giving the user a valid UPN
//     suffix in Active Directory Users and Computers (upnDocs).
//   - Entra Connect: when a user's on-premises UPN suffix is not a verified domain of the tenant, Microsoft
//     Entra ID replaces it with the tenant's initial .onmicrosoft.com domain (upnSyncDocs). The Entra UPN of
//     such a synced user always looks fine; the fault is in onPremisesUserPrincipalName, which is judged too.
const (
	upnDocs     = "https://learn.microsoft.com/en-us/troubleshoot/mem/intune/device-enrollment/troubleshoot-windows-enrollment-errors#auto-mdm-enroll-failed"
	upnSyncDocs = "https://learn.microsoft.com/en-us/entra/identity/hybrid/connect/plan-connect-userprincipalname#non-verified-upn-suffix"
)

// nonRoutable are suffixes that can never be verified in Entra ID: on-premises leftovers.
var nonRoutable = []string{".local", ".lan", ".internal", ".corp", ".home", ".localdomain", ".intranet", ".private"}

func upnDomainCheck() Check {
	return Check{
		ID: "tenant.upn-domain", Title: "UPN suffix is a verified domain", Step: StepRequirements, Modes: userOnly,
		Docs: upnDocs,
		Question: "Is the user's UPN suffix (and, for a synced user, the on-premises one) a verified, routable " +
			"domain of the tenant?",
		Needs: []facts.Source{facts.SrcDomains, facts.SrcUser},
		Judge: judgeUPNDomain,
	}
}

// upnDomain is the part of a UPN after the last @, lower-cased.
func upnDomain(upn string) string {
	if i := strings.LastIndex(upn, "@"); i >= 0 {
		return strings.ToLower(upn[i+1:])
	}
	return ""
}

const upnWhy = "Windows finds the enrollment service from the UPN suffix. An unverified or non-routable suffix makes " +
	"automatic enrollment fail with 0x8018002b (\"Auto MDM Enroll: Failed\")."

// suffixVerdict judges one UPN suffix against the tenant's domains: ok, or a failure in words.
type suffixVerdict struct {
	ok                   bool
	summary, remediation string
	evidence             Evidence
}

func judgeSuffix(f *facts.Facts, upn, which string) suffixVerdict {
	dom := upnDomain(upn)
	src := f.Status(facts.SrcDomains).Endpoint
	for _, s := range nonRoutable {
		if strings.HasSuffix(dom, s) {
			return suffixVerdict{summary: fmt.Sprintf("The %s suffix %s is not routable and can never "+
				"be verified.", which, dom),
				evidence: Evidence{Source: src, Detail: which + " " + upn + " ends in " + s},
				remediation: "Change the user's UPN suffix to a verified domain of the tenant (add it as a UPN " +
					"suffix in Active Directory Domains and Trusts, set it on the user in Active Directory Users and " +
					"Computers and let Entra Connect sync it; for cloud users, change it in the Entra admin " +
					"center), then sign in again on the device."}
		}
	}
	var names []string
	for _, d := range f.Domains {
		names = append(names, d.Name)
		if !strings.EqualFold(d.Name, dom) {
			continue
		}
		ev := Evidence{Source: src, Detail: fmt.Sprintf("%s %s: domain %s isVerified=%t, isDefault=%t, isInitial=%t, "+
			"authenticationType=%s", which, upn, d.Name, d.IsVerified, d.IsDefault, d.IsInitial, d.AuthenticationType)}
		if d.IsVerified {
			return suffixVerdict{ok: true, evidence: ev}
		}
		return suffixVerdict{evidence: ev, summary: fmt.Sprintf("The %s suffix %s is added to the tenant but "+
			"not verified.", which, dom),
			remediation: "In the Entra admin center > Settings > Domain names, open " + dom + " and add the TXT " +
				"record it shows at your DNS host, then select Verify."}
	}
	return suffixVerdict{summary: fmt.Sprintf("The %s suffix %s is not a domain of this tenant.", which, dom),
		evidence: Evidence{Source: src, Detail: which + " " + upn + "; tenant domains: " + strings.Join(names, ", ")},
		remediation: "Add and verify " + dom + " in the Entra admin center > Settings > Domain names, or change the " +
			"user's UPN to a verified domain."}
}

func judgeUPNDomain(f *facts.Facts) []Result {
	upn := f.Target.User
	if f.User != nil && f.User.UserPrincipalName != "" {
		upn = f.User.UserPrincipalName
	}
	userSrc := requestOf(f, facts.SrcUser, "GET /v1.0/users/{upn}")
	cloud := judgeSuffix(f, upn, "UPN")
	ev := []Evidence{cloud.evidence}
	synced := f.User != nil && f.User.OnPremisesSyncEnabled != nil && *f.User.OnPremisesSyncEnabled
	if !synced {
		ev = append(ev, Evidence{Source: userSrc, Detail: "onPremisesSyncEnabled is not true: a cloud user, whose " +
			"Entra UPN is the one Windows uses"})
		if !cloud.ok {
			return []Result{{Status: Fail, Subject: upn, Explanation: upnWhy, Summary: cloud.summary, Evidence: ev, Remediation: cloud.remediation}}
		}
		return []Result{{Status: Pass, Subject: upn, Summary: "The UPN suffix " + upnDomain(upn) +
			" is a verified domain.", Evidence: ev}}
	}
	onPrem := strings.TrimSpace(f.User.OnPremisesUserPrincipalName)
	ev = append(ev, Evidence{Source: userSrc, Detail: fmt.Sprintf("onPremisesSyncEnabled true, "+
		"onPremisesUserPrincipalName %s", valueOrNone(onPrem))})
	if onPrem == "" {
		r := Result{Status: Warn, Subject: upn, Evidence: ev, Explanation: upnWhy + " For a synced user the " +
			"on-premises UPN is the one to judge (" + upnSyncDocs + ").",
			Summary: "The user is synced from Active Directory, but Graph did not return the on-premises UPN: " +
				"its suffix cannot be judged.",
			Remediation: "In Active Directory Users and Computers, check that the user's UPN suffix is a verified " +
				"domain of the tenant."}
		if !cloud.ok {
			r.Status, r.Summary, r.Remediation = Fail, cloud.summary, cloud.remediation
		}
		return []Result{r}
	}
	local := judgeSuffix(f, onPrem, "on-premises UPN")
	ev = append(ev, local.evidence)
	switch {
	case !local.ok:
		why := upnWhy
		if !strings.EqualFold(upnDomain(onPrem), upnDomain(upn)) {
			why += fmt.Sprintf(" Entra Connect replaced the unverified on-premises suffix %s with %s, so the Entra "+
				"UPN looks fine while the device's user signs in as %s.", upnDomain(onPrem), upnDomain(upn), onPrem)
		}
		return []Result{{Status: Fail, Subject: upn, Explanation: why + " (" + upnSyncDocs + ")",
			Summary: local.summary, Evidence: ev,
			Remediation: local.remediation + " Entra Connect then syncs the new UPN at its next cycle."}}
	case !cloud.ok:
		return []Result{{Status: Fail, Subject: upn, Explanation: upnWhy, Summary: cloud.summary, Evidence: ev, Remediation: cloud.remediation}}
	}
	return []Result{{Status: Pass, Subject: upn, Evidence: ev,
		Summary: fmt.Sprintf("The UPN suffix %s and the on-premises UPN suffix %s are "+
			"verified domains.", upnDomain(upn), upnDomain(onPrem))}}
}
