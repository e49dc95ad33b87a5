package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

const (
	registerDeviceAction = "urn:user:registerdevice"
	caReportOnly         = "enabledForReportingButNotEnforced"
)

func mfaRegistrationCheck() Check {
	return Check{
		ID: "mfa.registration", Title: "MFA to register or join devices", Step: StepMFA, Modes: userOnly,
		Docs:     "https://learn.microsoft.com/en-us/entra/identity/devices/manage-device-identities#configure-device-settings",
		Question: "Is MFA required to register or join devices, by exactly one of the device setting or Conditional Access?",
		Needs:    []facts.Source{facts.SrcRegistrationPolicy, facts.SrcConditionalAccess, facts.SrcMemberOf},
		Judge:    judgeMFARegistration,
	}
}

// policyRequiresMFA reads multiFactorAuthConfiguration, including the old numeric payloads.
func policyRequiresMFA(p *facts.DeviceRegistrationPolicy) bool {
	return p != nil && (strings.EqualFold(p.MultiFactorAuthConfiguration, "required") || p.MultiFactorAuthConfiguration == "1")
}

// caCoversUser says whether a CA policy requires MFA for the register-device user action for this user.
func caCoversUser(f *facts.Facts, p facts.CAPolicy) bool {
	if !slices.ContainsFunc(p.IncludeUserActions, func(a string) bool { return strings.EqualFold(a, registerDeviceAction) }) {
		return false
	}
	if !slices.ContainsFunc(p.BuiltInControls, func(c string) bool { return strings.EqualFold(c, "mfa") }) && p.AuthenticationStrength == "" {
		return false
	}
	uid := userID(f)
	has := func(list []string, id string) bool {
		return slices.ContainsFunc(list, func(s string) bool { return strings.EqualFold(s, id) })
	}
	anyMember := func(ids []string) bool {
		return slices.ContainsFunc(ids, func(id string) bool { return isMember(f, id) })
	}
	if has(p.ExcludeUsers, uid) || anyMember(p.ExcludeGroups) || anyMember(p.ExcludeRoles) {
		return false
	}
	return has(p.IncludeUsers, "All") || has(p.IncludeUsers, uid) || anyMember(p.IncludeGroups) || anyMember(p.IncludeRoles)
}

func judgeMFARegistration(f *facts.Facts) []Result {
	pol := f.RegistrationPolicy
	polSrc := f.Status(facts.SrcRegistrationPolicy).Endpoint
	caSrc := f.Status(facts.SrcConditionalAccess).Endpoint
	required := policyRequiresMFA(pol)
	setting := "notRequired"
	if pol != nil && pol.MultiFactorAuthConfiguration != "" {
		setting = pol.MultiFactorAuthConfiguration
	}
	ev := []Evidence{{Source: polSrc, Detail: "device setting \"Require MFA to register or join devices\": multiFactorAuthConfiguration=" + setting}}
	var enforced, reportOnly []facts.CAPolicy
	for _, p := range f.CAPolicies {
		if !caCoversUser(f, p) {
			continue
		}
		switch p.State {
		case "enabled":
			enforced = append(enforced, p)
		case caReportOnly:
			reportOnly = append(reportOnly, p)
		default:
			continue
		}
		ev = append(ev, Evidence{Source: caSrc, Detail: fmt.Sprintf("Conditional Access %q (state %s) requires MFA for %s and covers the user", p.DisplayName, p.State, registerDeviceAction)})
	}
	if len(enforced)+len(reportOnly) == 0 {
		ev = append(ev, Evidence{Source: caSrc, Detail: fmt.Sprintf("none of %d Conditional Access policies requires MFA to register devices for this user", len(f.CAPolicies))})
	}
	const conflict = "Microsoft documents that when Conditional Access requires MFA to register or join devices, the device setting \"Require MFA to register or join devices\" must be No; with both, the Conditional Access user action is not properly enforced."
	switch {
	case required && len(enforced) > 0:
		r := Result{Status: Fail, Evidence: ev, Explanation: conflict,
			Summary:     fmt.Sprintf("MFA for device registration is required both by the device setting and by Conditional Access %q: the documented conflict.", enforced[0].DisplayName),
			Remediation: "In the Entra admin center > Devices > Device settings, set \"Require Multifactor Authentication to register or join devices\" to No, and keep the Conditional Access policy."}
		if fx, ok := mfaPolicyFix(f, pol); ok {
			r.Fixes = []Fix{fx}
		}
		return []Result{r}
	case required && len(reportOnly) > 0:
		return []Result{{Status: Warn, Evidence: ev, Explanation: conflict,
			Summary:     fmt.Sprintf("The device setting requires MFA, and report-only Conditional Access %q would conflict with it once switched on.", reportOnly[0].DisplayName),
			Remediation: "Before you switch the Conditional Access policy on, set \"Require Multifactor Authentication to register or join devices\" to No in the Entra admin center > Devices > Device settings."}}
	case required:
		return []Result{{Status: Pass, Evidence: ev, Summary: "MFA to register or join devices is required by the device setting."}}
	case len(enforced) > 0:
		return []Result{{Status: Pass, Evidence: ev, Summary: fmt.Sprintf("MFA to register or join devices is required by Conditional Access %q.", enforced[0].DisplayName)}}
	case len(reportOnly) > 0:
		return []Result{{Status: Warn, Evidence: ev,
			Summary:     fmt.Sprintf("Conditional Access %q would require MFA to register devices but is in report-only mode.", reportOnly[0].DisplayName),
			Explanation: "Report-only policies are evaluated and logged, never enforced: the user can register devices without MFA.",
			Remediation: "Review the policy's sign-in logs, then set it to On in the Entra admin center > Protection > Conditional Access."}}
	}
	return []Result{{Status: Warn, Evidence: ev,
		Summary:     "Nothing requires MFA to register or join devices for this user.",
		Explanation: "MFA is not required for enrollment by default, but the automatic enrollment procedure recommends requiring it for device registration so that a stolen password cannot register a device.",
		Remediation: "Create a Conditional Access policy for the user action \"Register or join devices\" granting access with MFA (Entra admin center > Protection > Conditional Access), and leave the device setting at No.",
		Fixes:       []Fix{createCAReportOnlyFix(f.Cloud)},
	}}
}

// mfaPolicyFix plans a PUT of the whole policy with only multiFactorAuthConfiguration changed: omitting
// userDeviceQuota on update resets it to 0 and blocks every join, so the policy is sent back as read;
// no fix is offered when the policy as read is unavailable.
func mfaPolicyFix(f *facts.Facts, p *facts.DeviceRegistrationPolicy) (Fix, bool) {
	body, ok := withField(p.Raw, "multiFactorAuthConfiguration", "notRequired")
	if !ok {
		return Fix{}, false
	}
	return Fix{ID: "mfa.registration.policy-not-required", Title: "Set \"Require MFA to register or join devices\" to No, keeping every other setting",
		Reversible: true, Permissions: []string{"Policy.ReadWrite.DeviceConfiguration"},
		Requests: []Request{{Method: "PUT", URL: graphURL(f.Cloud, "/v1.0/policies/deviceRegistrationPolicy"), Body: body}}}, true
}

// createCAReportOnlyFix plans a Conditional Access policy for the user action "register or join devices"
// granting access with MFA, in report-only state for the operator to review and switch on.
func createCAReportOnlyFix(cloud string) Fix {
	return Fix{ID: "mfa.registration.create-ca-report-only", Title: "Create a report-only Conditional Access policy requiring MFA to register or join devices",
		Reversible: true, Permissions: []string{"Policy.ReadWrite.ConditionalAccess", "Policy.Read.All"},
		Requests: []Request{{Method: "POST", URL: graphURL(cloud, "/v1.0/identity/conditionalAccess/policies"),
			Body: []byte(`{"displayName":"Require MFA to register or join devices (mdmdoctor)","state":"enabledForReportingButNotEnforced","conditions":{"applications":{"includeUserActions":["urn:user:registerdevice"]},"users":{"includeUsers":["All"]},"clientAppTypes":["all"]},"grantControls":{"operator":"OR","builtInControls":["mfa"]}}`)}}}
}
