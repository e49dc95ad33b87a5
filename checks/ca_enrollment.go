package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// The rule of ca.enrollment-apps, from Microsoft's documentation:
//
//   - https://learn.microsoft.com/en-us/mem/intune/enrollment/multi-factor-authentication
//     "Don't configure Device based access rules for Microsoft Intune enrollment", and for a policy on the
//     Microsoft Intune Enrollment app: "Do not select Require device to be marked as compliant because a
//     device can't be evaluated for compliance until it's enrolled."
//   - https://learn.microsoft.com/en-us/entra/identity/conditional-access/policy-all-users-device-compliance
//     for a policy on All users and All resources: "The Require device to be marked as compliant control
//     doesn't block Intune enrollment." The two pages leave open whether such a policy without an
//     exclusion of Microsoft Intune Enrollment blocks enrollment: the result says so (warn) and points
//     to the sign-in log (signins.enrollment), the record of what really happened.
//   - https://learn.microsoft.com/en-us/entra/identity/conditional-access/concept-conditional-access-grant
//     approved client apps and app protection policies support iOS and Android only; hybrid joined
//     devices only Windows devices joined to a domain.
//   - https://learn.microsoft.com/en-us/entra/identity/conditional-access/terms-of-use#microsoft-intune-enrollment
//     "The Intune Enrollment app isn't supported for Per-device terms of use."
//   - https://learn.microsoft.com/en-us/entra/identity/conditional-access/concept-authentication-flows
//     names the Device Registration Service (01cb2876-7ebd-4aa4-9cc9-d28bd4d359a9) and its exclusion.
const caEnrollmentDocs = "https://learn.microsoft.com/en-us/mem/intune/enrollment/multi-factor-authentication"

const compliantAllResourcesDocs = "https://learn.microsoft.com/en-us/entra/identity/conditional-access/policy-all-users-device-compliance"

func caEnrollmentCheck() Check {
	return Check{
		ID: "ca.enrollment-apps", Title: "Conditional Access on the " +
			"enrollment sign-ins", Step: StepDevices, Modes: userOnly,
		Docs: caEnrollmentDocs,
		Question: "Does a Conditional Access policy that applies to the user ask the enrollment sign-ins (Microsoft " +
			"Intune Enrollment, Microsoft Intune, Device Registration Service) for something a device that is not " +
			"enrolled yet cannot give?",
		Needs: []facts.Source{facts.SrcConditionalAccess, facts.SrcMemberOf, facts.SrcUser},
		Judge: judgeCAEnrollment,
	}
}

// verdict is how one control or condition stands for a Windows device that is not enrolled yet.
type verdict int

const (
	canMeet verdict = iota
	depends         // on something the tool does not know (location, path, terms settings, risk)
	cannotMeet
)

// caFinding is one policy's effect on the sign-in to one enrollment app.
type caFinding struct {
	policy facts.CAPolicy
	app    string
	v      verdict
	why    string
}

// appliesToApp reports whether a policy targets the app: named, or All resources, and not excluded.
func appliesToApp(p facts.CAPolicy, app string) bool {
	if containsFold(p.ExcludeApplications, app) {
		return false
	}
	return forAllResources(p) || containsFold(p.IncludeApplications, app)
}

// appliesToWindows reports whether the policy's platform and client app conditions let it apply to
// the Windows enrollment sign-in.
func appliesToWindows(p facts.CAPolicy) bool {
	if containsFold(p.ExcludePlatforms, "windows") || containsFold(p.ExcludePlatforms, "all") {
		return false
	}
	if len(p.IncludePlatforms) > 0 && !containsFold(p.IncludePlatforms, "all") && !containsFold(p.IncludePlatforms, "windows") {
		return false
	}
	if len(p.ClientAppTypes) > 0 && !containsFold(p.ClientAppTypes, "all") && !containsFold(p.ClientAppTypes, "browser") &&
		!containsFold(p.ClientAppTypes, "mobileAppsAndDesktopClients") {
		return false
	}
	return true
}

// grantFor judges a policy's grant for the sign-in to one enrollment app from a device that is not
// enrolled (and, for the Device Registration Service, not registered) yet.
func grantFor(p facts.CAPolicy, app string) (verdict, string) {
	if containsFold(p.BuiltInControls, "block") {
		return cannotMeet, "it blocks access"
	}
	named := containsFold(p.IncludeApplications, app)
	type control struct {
		v   verdict
		why string
	}
	var cs []control
	for _, c := range p.BuiltInControls {
		switch strings.ToLower(c) {
		case "mfa":
			cs = append(cs, control{canMeet, "MFA"})
		case "compliantdevice":
			switch {
			case named:
				cs = append(cs, control{cannotMeet, "a compliant device, which a device cannot be before " +
					"it is enrolled"})
			case app == facts.AppDeviceRegistration:
				cs = append(cs, control{depends, "a compliant device for all resources, and Microsoft does not " +
					"document whether Conditional Access asks it of the sign-in that registers a device"})
			default:
				cs = append(cs, control{depends, "a compliant device for all resources, which Microsoft documents " +
					"does not block Intune enrollment (" + compliantAllResourcesDocs + ") while the Intune " +
					"documentation says not to put device-based rules on Microsoft Intune Enrollment"})
			}
		case "domainjoineddevice":
			cs = append(cs, control{depends, "a hybrid joined device, which only a device joined through Group " +
				"Policy or co-management is"})
		case "approvedapplication", "compliantapplication":
			cs = append(cs, control{cannotMeet, "an approved client app or app protection policy, which Microsoft " +
				"documents for iOS and Android only"})
		case "passwordchange":
			cs = append(cs, control{depends, "a password change, asked only when user risk is detected"})
		default:
			cs = append(cs, control{depends, "the control " + c})
		}
	}
	if p.AuthenticationStrength != "" {
		if why := strengthUnsatisfiable(p); why != "" {
			cs = append(cs, control{cannotMeet, why + ", which need the device to be set up first"})
		} else {
			cs = append(cs, control{canMeet, "authentication strength " + quote(p.AuthenticationStrength)})
		}
	}
	if len(p.TermsOfUse) > 0 {
		cs = append(cs, control{depends, "terms of use, which Microsoft Intune Enrollment supports unless they " +
			"require consent on every device"})
	}
	if len(cs) == 0 {
		return canMeet, ""
	}
	and := strings.EqualFold(p.GrantOperator, "AND") || len(cs) == 1
	best, worst := cannotMeet, canMeet
	var words []string
	for _, c := range cs {
		best, worst = min(best, c.v), max(worst, c.v)
		if c.v != canMeet {
			words = append(words, c.why)
		}
	}
	v := best
	if and {
		v = worst
	}
	if v == canMeet {
		return canMeet, ""
	}
	join := " or "
	if and {
		join = " and "
	}
	return v, "it requires " + strings.Join(words, join)
}

// conditionsFor says whether the policy's other conditions make its effect depend on what the tool
// cannot see from here: the network the device enrolls from, sign-in or user risk, a device filter.
func conditionsFor(p facts.CAPolicy) string {
	var parts []string
	if len(p.IncludeLocations) > 0 {
		parts = append(parts, "the network location ("+strings.Join(p.IncludeLocations,
			", ")+listExcept(p.ExcludeLocations)+")")
	}
	if len(p.RiskLevels) > 0 {
		parts = append(parts, "the sign-in or user risk ("+strings.Join(p.RiskLevels, ", ")+")")
	}
	if p.DeviceFilter != "" {
		parts = append(parts, "a device filter ("+p.DeviceFilter+")")
	}
	return strings.Join(parts, " and ")
}

func listExcept(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return " except " + strings.Join(list, ", ")
}

func judgeCAEnrollment(f *facts.Facts) []Result {
	src := requestOf(f, facts.SrcConditionalAccess, "GET /v1.0/identity/conditionalAccess/policies")
	var findings []caFinding
	var ev []Evidence
	for _, p := range f.CAPolicies {
		if (p.State != "enabled" && p.State != caReportOnly) || len(p.IncludeUserActions) > 0 {
			continue
		}
		covered, excludedBy := caCoversUser(f, p)
		for _, app := range facts.EnrollmentApps {
			if !appliesToApp(p, app) {
				continue
			}
			switch {
			case !covered && excludedBy != "":
				ev = append(ev, Evidence{Source: src, Detail: fmt.Sprintf("Conditional Access %q targets %s but "+
					"excludes the user through %s", p.DisplayName, facts.AppName(app), excludedBy)})
				continue
			case !covered:
				continue
			case !appliesToWindows(p):
				ev = append(ev, Evidence{Source: src, Detail: fmt.Sprintf("Conditional Access %q targets %s but not "+
					"Windows sign-ins (platforms %s, "+
					"client apps %s)", p.DisplayName, facts.AppName(app),
					listOr(p.IncludePlatforms, "any")+listExcept(p.ExcludePlatforms),
					listOr(p.ClientAppTypes, "all"))})
				continue
			}
			v, why := grantFor(p, app)
			if cond := conditionsFor(p); v != canMeet && cond != "" {
				v, why = depends, why+", depending on "+cond
			}
			if v == canMeet {
				ev = append(ev, Evidence{Source: src, Detail: fmt.Sprintf("Conditional Access %q (state %s) applies "+
					"to the user's sign-in to %s with a grant an enrolling device "+
					"can meet (%s)", p.DisplayName, p.State, facts.AppName(app), grantWords(p))})
				continue
			}
			findings = append(findings, caFinding{policy: p, app: app, v: v, why: why})
			ev = append(ev, Evidence{Source: src, Detail: fmt.Sprintf("Conditional Access %q (state %s) applies to "+
				"the user's sign-in to %s (%s): %s", p.DisplayName, p.State, facts.AppName(app), app, why)})
		}
	}
	enforced := slices.DeleteFunc(slices.Clone(findings), func(c caFinding) bool { return c.policy.State != "enabled" })
	if len(findings) == 0 {
		return []Result{{Status: Pass, Evidence: ev,
			Summary: fmt.Sprintf("No Conditional Access policy asks the user's enrollment sign-ins for something an "+
				"enrolling device cannot give (%d policies read).", len(f.CAPolicies))}}
	}
	if len(enforced) == 0 {
		c := findings[0]
		return []Result{{Status: Warn, Evidence: ev,
			Summary: fmt.Sprintf("Report-only Conditional Access %q would stop the user's sign-in to %s once "+
				"switched on: %s.", c.policy.DisplayName, facts.AppName(c.app), c.why),
			Explanation: "Report-only policies are evaluated and logged, never enforced: today they block nothing.",
			Remediation: exclusionAdvice(c)}}
	}
	slices.SortStableFunc(enforced, func(a, b caFinding) int { return int(b.v) - int(a.v) })
	c := enforced[0]
	r := Result{Evidence: ev, Remediation: exclusionAdvice(c)}
	if c.v == cannotMeet {
		r.Status = Fail
		r.Summary = fmt.Sprintf("Conditional Access %q stops the user's sign-in to %s from a device that is not "+
			"enrolled yet: %s.", c.policy.DisplayName, facts.AppName(c.app), c.why)
		r.Explanation = "Enrollment signs in to Microsoft Intune Enrollment (and to the Device Registration Service " +
			"to register the device) before the device is enrolled or compliant. Microsoft's Intune documentation " +
			"says not to put device-based rules on Microsoft Intune Enrollment, because a device cannot be " +
			"evaluated for compliance until it is enrolled."
		return []Result{r}
	}
	r.Status = Warn
	r.Summary = fmt.Sprintf("Conditional Access %q may stop the user's "+
		"sign-in to %s: %s.", c.policy.DisplayName, facts.AppName(c.app), c.why)
	r.Explanation = "Whether the policy blocks enrollment depends on something mdmdoctor cannot see from here; the " +
		"sign-in log (signins.enrollment) records how each enrollment sign-in was judged."
	return []Result{r}
}

// exclusionAdvice is the remediation for a finding: the documented exclusion of the app from the policy.
func exclusionAdvice(c caFinding) string {
	return fmt.Sprintf("In the Entra admin center > Protection > Conditional Access, open %q and under Target "+
		"resources > Exclude add %s (app id %s), "+
		"or change its grant to one an enrolling device can meet (Require multifactor authentication). Keep "+
		"device-based rules off Microsoft Intune Enrollment: "+
		"Microsoft documents that a device cannot be evaluated for compliance until it "+
		"is enrolled.", c.policy.DisplayName, facts.AppName(c.app), c.app)
}

// grantWords describes a policy's grant for evidence.
func grantWords(p facts.CAPolicy) string {
	var parts []string
	parts = append(parts, p.BuiltInControls...)
	if p.AuthenticationStrength != "" {
		parts = append(parts, "authentication strength "+quote(p.AuthenticationStrength))
	}
	if len(parts) == 0 {
		return "no grant control"
	}
	op := strings.ToLower(p.GrantOperator)
	if op == "" {
		op = "and"
	}
	return strings.Join(parts, " "+op+" ")
}
