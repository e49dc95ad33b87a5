package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

func tenantMFACheck() Check {
	return asTenantCheck(mfaRegistrationCheck(), "Is MFA required to register or join devices, for whom, and by exactly one of the device setting or Conditional Access?",
		[]facts.Source{facts.SrcRegistrationPolicy, facts.SrcConditionalAccess}, judgeTenantMFA)
}

// requiresMFAToRegister reports whether a CA policy asks for MFA (or an authentication strength) on
// the register-device user action, whoever it covers.
func requiresMFAToRegister(p facts.CAPolicy) bool {
	return slices.ContainsFunc(p.IncludeUserActions, func(a string) bool { return strings.EqualFold(a, registerDeviceAction) }) &&
		(slices.ContainsFunc(p.BuiltInControls, func(c string) bool { return strings.EqualFold(c, "mfa") }) || p.AuthenticationStrength != "")
}

// coversEveryone reports whether a CA policy includes all users (exclusions such as break-glass
// accounts aside).
func coversEveryone(p facts.CAPolicy) bool {
	return slices.ContainsFunc(p.IncludeUsers, func(u string) bool { return strings.EqualFold(u, "All") })
}

// caCoverage words whom a CA policy covers, by the ids Graph gives.
func caCoverage(p facts.CAPolicy) string {
	var in []string
	if coversEveryone(p) {
		in = append(in, "all users")
	} else {
		in = appendIDs(in, "users", p.IncludeUsers)
		in = appendIDs(in, "groups", p.IncludeGroups)
		in = appendIDs(in, "roles", p.IncludeRoles)
	}
	if len(in) == 0 {
		in = []string{"no one"}
	}
	s := strings.Join(in, ", ")
	var ex []string
	ex = appendIDs(ex, "users", slices.DeleteFunc(slices.Clone(p.ExcludeUsers), func(u string) bool { return u == "" }))
	ex = appendIDs(ex, "groups", p.ExcludeGroups)
	ex = appendIDs(ex, "roles", p.ExcludeRoles)
	if len(ex) > 0 {
		s += " except " + strings.Join(ex, ", ")
	}
	return s
}

func appendIDs(out []string, kind string, ids []string) []string {
	if len(ids) == 0 {
		return out
	}
	return append(out, kind+" "+strings.Join(ids, ", "))
}

func judgeTenantMFA(f *facts.Facts) []Result {
	pol := f.RegistrationPolicy
	caSrc := f.Status(facts.SrcConditionalAccess).Endpoint
	required := policyRequiresMFA(pol)
	setting := "notRequired"
	if pol != nil && pol.MultiFactorAuthConfiguration != "" {
		setting = pol.MultiFactorAuthConfiguration
	}
	ev := []Evidence{{Source: f.Status(facts.SrcRegistrationPolicy).Endpoint,
		Detail: "device setting \"Require MFA to register or join devices\" (applies to every user): multiFactorAuthConfiguration=" + setting}}
	var enforced, reportOnly []facts.CAPolicy
	for _, p := range f.CAPolicies {
		if !requiresMFAToRegister(p) {
			continue
		}
		switch p.State {
		case "enabled":
			enforced = append(enforced, p)
		case caReportOnly:
			reportOnly = append(reportOnly, p)
		default:
			ev = append(ev, Evidence{Source: caSrc, Detail: fmt.Sprintf("Conditional Access %q requires MFA for %s but is %s", p.DisplayName, registerDeviceAction, p.State)})
			continue
		}
		ev = append(ev, Evidence{Source: caSrc, Detail: fmt.Sprintf("Conditional Access %q (state %s) requires MFA for %s; covers %s", p.DisplayName, p.State, registerDeviceAction, caCoverage(p))})
	}
	if len(enforced)+len(reportOnly) == 0 {
		ev = append(ev, Evidence{Source: caSrc, Detail: fmt.Sprintf("none of %d Conditional Access policies requires MFA to register devices", len(f.CAPolicies))})
	}
	const conflict = "Microsoft documents that when Conditional Access requires MFA to register or join devices, the device setting \"Require MFA to register or join devices\" must be No; with both, the Conditional Access user action is not properly enforced."
	names := func(ps []facts.CAPolicy) string {
		var out []string
		for _, p := range ps {
			out = append(out, fmt.Sprintf("%q", p.DisplayName))
		}
		return strings.Join(out, ", ")
	}
	switch {
	case required && len(enforced) > 0:
		r := Result{Status: Fail, Evidence: ev, Explanation: conflict,
			Summary:     fmt.Sprintf("MFA for device registration is required both by the device setting and by Conditional Access %s: the documented conflict, for every user those policies cover.", names(enforced)),
			Remediation: "In the Entra admin center > Devices > Device settings, set \"Require Multifactor Authentication to register or join devices\" to No, and let Conditional Access require MFA (extend it to all users if it covers only some)."}
		if fx, ok := mfaPolicyFix(f, pol); ok {
			r.Fixes = []Fix{fx}
		}
		return []Result{r}
	case required && len(reportOnly) > 0:
		return []Result{{Status: Warn, Evidence: ev, Explanation: conflict,
			Summary:     fmt.Sprintf("The device setting requires MFA, and report-only Conditional Access %s would conflict with it once switched on.", names(reportOnly)),
			Remediation: "Before you switch the Conditional Access policy on, set \"Require Multifactor Authentication to register or join devices\" to No in the Entra admin center > Devices > Device settings."}}
	case required:
		return []Result{{Status: Pass, Evidence: ev, Summary: "MFA to register or join devices is required for every user by the device setting."}}
	case slices.ContainsFunc(enforced, coversEveryone):
		return []Result{{Status: Pass, Evidence: ev, Summary: fmt.Sprintf("MFA to register or join devices is required for all users by Conditional Access %s.", names(enforced))}}
	case len(enforced) > 0:
		return []Result{{Status: Warn, Evidence: ev,
			Summary:     fmt.Sprintf("Conditional Access %s requires MFA to register devices only for the users, groups or roles it names; everyone else registers without MFA.", names(enforced)),
			Explanation: "The automatic enrollment procedure recommends requiring MFA for device registration so that a stolen password cannot register a device; a policy limited to some groups leaves the others open.",
			Remediation: "Unless the limit is intended (a pilot), include All users in the policy and exclude only the emergency access accounts (Entra admin center > Protection > Conditional Access)."}}
	case len(reportOnly) > 0:
		return []Result{{Status: Warn, Evidence: ev,
			Summary:     fmt.Sprintf("Conditional Access %s would require MFA to register devices but is in report-only mode.", names(reportOnly)),
			Explanation: "Report-only policies are evaluated and logged, never enforced: users can register devices without MFA.",
			Remediation: "Review the policy's sign-in logs, then set it to On in the Entra admin center > Protection > Conditional Access."}}
	}
	return []Result{{Status: Warn, Evidence: ev,
		Summary:     "Nothing requires MFA to register or join devices in this tenant.",
		Explanation: "MFA is not required for enrollment by default, but the automatic enrollment procedure recommends requiring it for device registration so that a stolen password cannot register a device.",
		Remediation: "Create a Conditional Access policy for the user action \"Register or join devices\" granting access with MFA (Entra admin center > Protection > Conditional Access), and leave the device setting at No.",
		Fixes:       []Fix{createCAReportOnlyFix(f.Cloud)},
	}}
}
