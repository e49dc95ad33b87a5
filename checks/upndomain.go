package checks

import (
	"fmt"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// nonRoutable are suffixes that can never be verified in Entra ID: on-premises leftovers.
var nonRoutable = []string{".local", ".lan", ".internal", ".corp", ".home", ".localdomain", ".intranet", ".private"}

func upnDomainCheck() Check {
	return Check{
		ID: "tenant.upn-domain", Title: "UPN suffix is a verified domain", Step: StepRequirements, Modes: userOnly,
		Docs:     "https://learn.microsoft.com/en-us/troubleshoot/mem/intune/device-enrollment/troubleshoot-windows-enrollment-errors#error-0x8018002b",
		Question: "Is the user's UPN suffix a verified, routable domain of the tenant?",
		Needs:    []facts.Source{facts.SrcDomains},
		Judge:    judgeUPNDomain,
	}
}

// upnDomain is the part of a UPN after the last @, lower-cased.
func upnDomain(upn string) string {
	if i := strings.LastIndex(upn, "@"); i >= 0 {
		return strings.ToLower(upn[i+1:])
	}
	return ""
}

func judgeUPNDomain(f *facts.Facts) []Result {
	upn := f.Target.User
	if f.User != nil && f.User.UserPrincipalName != "" {
		upn = f.User.UserPrincipalName
	}
	dom := upnDomain(upn)
	src := f.Status(facts.SrcDomains).Endpoint
	const why = "Windows finds the enrollment service from the UPN suffix. An unverified or non-routable suffix makes automatic enrollment fail with 0x8018002b (\"The Mobile Device Management server cannot be reached\" or the user is not allowed to enroll)."
	for _, s := range nonRoutable {
		if strings.HasSuffix(dom, s) {
			return []Result{{Status: Fail, Subject: upn, Explanation: why,
				Summary:     fmt.Sprintf("The UPN suffix %s is not routable and can never be verified.", dom),
				Evidence:    []Evidence{{Source: src, Detail: "UPN " + upn + " ends in " + s}},
				Remediation: "Change the user's UPN suffix to a verified domain of the tenant (add it as a UPN suffix in Active Directory and let Entra Connect sync it, or change it in the Entra admin center for cloud users), then sign in again on the device."}}
		}
	}
	var names []string
	for _, d := range f.Domains {
		names = append(names, d.Name)
		if !strings.EqualFold(d.Name, dom) {
			continue
		}
		detail := fmt.Sprintf("domain %s: isVerified=%t, isDefault=%t, authenticationType=%s", d.Name, d.IsVerified, d.IsDefault, d.AuthenticationType)
		if d.IsVerified {
			return []Result{{Status: Pass, Subject: upn, Summary: "The UPN suffix " + dom + " is a verified domain.", Evidence: []Evidence{{Source: src, Detail: detail}}}}
		}
		return []Result{{Status: Fail, Subject: upn, Explanation: why,
			Summary:     "The UPN suffix " + dom + " is added to the tenant but not verified.",
			Evidence:    []Evidence{{Source: src, Detail: detail}},
			Remediation: "In the Entra admin center > Settings > Domain names, open " + dom + " and add the TXT record it shows at your DNS host, then select Verify."}}
	}
	return []Result{{Status: Fail, Subject: upn, Explanation: why,
		Summary:     "The UPN suffix " + dom + " is not a domain of this tenant.",
		Evidence:    []Evidence{{Source: src, Detail: "tenant domains: " + strings.Join(names, ", ")}},
		Remediation: "Add and verify " + dom + " in the Entra admin center > Settings > Domain names, or change the user's UPN to a verified domain."}}
}
