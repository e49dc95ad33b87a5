package checks

import (
	"fmt"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/clouds"
	"github.com/mdmdoctor/mdmdoctor/facts"
)

func urlsCheck() Check {
	return Check{
		ID: "scope.urls", Title: "MDM URLs at their defaults", Step: StepURLs, Docs: scopeDocs, Modes: userAndTenant,
		Question: "Are the MDM terms of use, discovery and compliance URLs the defaults for this cloud?",
		Needs:    []facts.Source{facts.SrcMDMPolicy},
		Judge:    judgeURLs,
	}
}

func judgeURLs(f *facts.Facts) []Result {
	p := f.MDMPolicy
	src := f.Status(facts.SrcMDMPolicy).Endpoint
	if p == nil || !p.Present {
		return []Result{{Status: Skip, Summary: "Skipped: the tenant has no Intune MDM policy (see scope.mdm).",
			Evidence: []Evidence{{Source: src, Detail: "no MDM policy for Microsoft Intune"}}}}
	}
	want := clouds.Get(f.Cloud).MDM
	type pair struct{ name, got, want string }
	pairs := []pair{{"discovery URL", p.DiscoveryURL, want.Discovery},
		{"terms of use URL", p.TermsOfUseURL, want.TermsOfUse}, {"compliance URL", p.ComplianceURL, want.Compliance}}
	var ev []Evidence
	var wrong []string
	for _, x := range pairs {
		if sameURL(x.got, x.want) {
			ev = append(ev, Evidence{Source: src, Detail: fmt.Sprintf("%s: %s (default)", x.name, x.got)})
			continue
		}
		got := x.got
		if got == "" {
			got = "(empty)"
		}
		ev = append(ev, Evidence{Source: src, Detail: fmt.Sprintf("%s: %s; default: %s", x.name, got, x.want)})
		wrong = append(wrong, x.name)
	}
	note := ""
	if !want.Confirmed {
		note = fmt.Sprintf(" The defaults used for the %s cloud are not confirmed in Microsoft's documentation; "+
			"compare with the Intune admin center of a known-good tenant in that cloud.", f.Cloud)
	}
	if len(wrong) == 0 {
		return []Result{{Status: Pass, Evidence: ev, Summary: "The MDM URLs are the " +
			"defaults for the " + f.Cloud + " cloud." + note}}
	}
	body := fmt.Sprintf(`{"discoveryUrl":%q,"termsOfUseUrl":%q,"complianceUrl":%q}`, want.Discovery, want.TermsOfUse, want.Compliance)
	return []Result{{Status: Fail, Evidence: ev,
		Summary: "The MDM " + strings.Join(wrong, " and ") +
			map[bool]string{true: " differs", false: " differ"}[len(wrong) == 1] + " from the defaults.",
		Explanation: "Windows enrolls through the discovery URL it receives from Entra ID when the device joins. " +
			"Changed URLs send devices to a service that is not Intune (often left over from a former MDM), so " +
			"enrollment fails." + note,
		Remediation: "In the Intune admin center > Devices > Enrollment > Windows > Automatic Enrollment, select " +
			"Restore default MDM URLs and save. Devices that joined with the old URLs may need to leave and rejoin.",
		Fixes: []Fix{{ID: "scope.urls.reset", Title: "Restore the default MDM URLs", Reversible: true,
			Permissions: []string{"Policy.ReadWrite.MobilityManagement"},
			Requests:    []Request{PatchScope(graphRoot(f.Cloud), MDMPolicies, p.ID, []byte(body))}}},
	}}
}

// sameURL compares URLs as Intune does: case-insensitively, ignoring a trailing slash.
func sameURL(a, b string) bool {
	return a != "" && strings.EqualFold(strings.TrimSuffix(a, "/"), strings.TrimSuffix(b, "/"))
}
