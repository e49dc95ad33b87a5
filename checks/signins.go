package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// The rule of signins.enrollment: the Entra sign-in log is the record of why a sign-in failed at that
// moment, with its error code, failure reason and the Conditional Access policies that judged it
// (https://learn.microsoft.com/en-us/entra/identity/monitoring-health/concept-sign-ins,
// https://learn.microsoft.com/en-us/graph/api/resources/signin). A failure followed by a successful
// sign-in of the user to the same app is superseded; no window is documented for when a failure
// stops mattering, so the result gives each failure's age instead of inventing one. Reading the log
// through Graph needs a Microsoft Entra ID P1 or P2 licence in the tenant
// (https://learn.microsoft.com/en-us/troubleshoot/entra/entra-id/users-groups-entra-apis/b2c-or-tenant-premium-license-sign-in-activities):
// the reader skips the check, saying so, when the tenant has none.
const signInsDocs = "https://learn.microsoft.com/en-us/entra/identity/monitoring-health/concept-sign-ins"

// maxSignInEvidence bounds the evidence lines: a device retrying enrollment leaves many sign-ins.
const maxSignInEvidence = 12

func signInsCheck() Check {
	return Check{
		ID: "signins.enrollment", Title: "Sign-ins to the enrollment apps", Step: StepDevices, Modes: userOnly,
		Docs: signInsDocs,
		Question: "Did the user's recent sign-ins to Microsoft Intune Enrollment, Microsoft Intune and the Device " +
			"Registration Service succeed, and if not, why?",
		Needs: []facts.Source{facts.SrcSignIns},
		Judge: judgeSignIns,
	}
}

// enrollmentApp returns the enrollment app a sign-in was to (as client or as resource), or "".
func enrollmentApp(s facts.SignIn) string {
	for _, app := range facts.EnrollmentApps {
		if strings.EqualFold(s.AppID, app) || strings.EqualFold(s.ResourceID, app) {
			return app
		}
	}
	return ""
}

func judgeSignIns(f *facts.Facts) []Result {
	src := requestOf(f, facts.SrcSignIns, "GET /v1.0/auditLogs/signIns")
	var ins []facts.SignIn
	for _, s := range f.SignIns {
		if enrollmentApp(s) != "" && (f.Target.User == "" || strings.EqualFold(s.UserPrincipalName, f.Target.User)) {
			ins = append(ins, s)
		}
	}
	// Newest first, as Graph lists them; sorted again because the reads per app are merged.
	slices.SortStableFunc(ins, func(a, b facts.SignIn) int { return b.CreatedDateTime.Compare(a.CreatedDateTime) })
	if len(ins) == 0 {
		return []Result{{Status: Pass, Evidence: []Evidence{{Source: src, Detail: "no sign-in of the user to " +
			"Microsoft Intune Enrollment, Microsoft Intune or the Device Registration Service in the log read"}},
			Summary: "The sign-in log holds no failed sign-in of the user to the enrollment apps (and no sign-in " +
				"to them at all).",
			Explanation: "No enrollment sign-in was recorded for the user: either the device has not tried to enroll " +
				"as this user in the period the log keeps, or it failed before reaching Microsoft Entra ID (DNS, " +
				"network, the MDM user scope)."}}
	}
	var standing, superseded []facts.SignIn
	for i, s := range ins {
		if s.ErrorCode == 0 {
			continue
		}
		app := enrollmentApp(s)
		// A later success of the same app supersedes the failure (ins is newest first).
		if slices.ContainsFunc(ins[:i], func(t facts.SignIn) bool { return t.ErrorCode == 0 && enrollmentApp(t) == app }) {
			superseded = append(superseded, s)
		} else {
			standing = append(standing, s)
		}
	}
	ev := []Evidence{{Source: src, Detail: fmt.Sprintf("%d sign-ins of the user to the enrollment apps: %d failed "+
		"without a later success, %d failed and were followed by a success", len(ins), len(standing), len(superseded))}}
	for i, s := range append(slices.Clone(standing), superseded...) {
		if i == maxSignInEvidence {
			ev = append(ev, Evidence{Source: src, Detail: fmt.Sprintf("%d more failed "+
				"sign-ins not listed", len(standing)+len(superseded)-i)})
			break
		}
		ev = append(ev, Evidence{Source: src, Detail: describeSignIn(f, s)})
	}
	// The failure reasons may name an enrollment error code or message the error catalog knows.
	var reasons []string
	for _, s := range append(slices.Clone(standing), superseded...) {
		reasons = append(reasons, s.FailureReason, s.AdditionalDetails)
	}
	ev = append(ev, catalogEvidence(reasons...)...)
	if len(standing) == 0 {
		if len(superseded) == 0 {
			return []Result{{Status: Pass, Evidence: ev, Summary: fmt.Sprintf("The user's %d recent sign-in%s to the "+
				"enrollment apps succeeded.", len(ins), pluralSuffix(len(ins)))}}
		}
		s := superseded[0]
		return []Result{{Status: Warn, Evidence: ev,
			Summary: fmt.Sprintf("The user's sign-in to %s failed %s (error %d) but a later sign-in to "+
				"it succeeded.", signInApp(s), howLongAgo(s.CreatedDateTime, f.Now), s.ErrorCode),
			Explanation: "A successful sign-in after the failure shows the cause was passed (an MFA prompt " +
				"completed, a policy changed); the failure is history unless enrollment still fails."}}
	}
	s := standing[0]
	r := Result{Status: Fail, Evidence: ev,
		Summary: fmt.Sprintf("The user's sign-in to %s failed %s with error %d (%s), and no later sign-in to "+
			"it succeeded.",
			signInApp(s), howLongAgo(s.CreatedDateTime, f.Now), s.ErrorCode,
			strings.TrimSuffix(listOr([]string{s.FailureReason}, "no reason given"), ".")),
		Explanation: "The sign-in log is the only record of why an enrollment sign-in was refused at that moment: " +
			"its error code, Microsoft's failure reason and the Conditional Access policies that judged it.",
		Remediation: "Look the sign-in up by its correlation id in the Entra admin center > Monitoring & health > " +
			"Sign-in logs (Conditional Access tab) and fix its cause; then have the user enroll again."}
	if failed := failedPolicies(s); len(failed) > 0 {
		r.Remediation = fmt.Sprintf("Conditional Access %s failed this sign-in: exclude %s (app id %s) from it or "+
			"change its grant to one an enrolling device can meet (see ca.enrollment-apps), then have the user "+
			"enroll again.",
			strings.Join(failed, ", "), signInApp(s), enrollmentApp(s))
	}
	return []Result{r}
}

// signInApp names the enrollment app of a sign-in.
func signInApp(s facts.SignIn) string { return facts.AppName(enrollmentApp(s)) }

// failedPolicies names the Conditional Access policies whose result was failure.
func failedPolicies(s facts.SignIn) []string {
	var out []string
	for _, p := range s.AppliedPolicies {
		if strings.EqualFold(p.Result, "failure") {
			w := quote(p.DisplayName)
			if len(p.EnforcedGrantControls) > 0 {
				w += " (requires " + strings.Join(p.EnforcedGrantControls, ", ") + ")"
			}
			out = append(out, w)
		}
	}
	return out
}

// describeSignIn is one sign-in as evidence: when, to what, its outcome and its Conditional Access result.
func describeSignIn(f *facts.Facts, s facts.SignIn) string {
	d := fmt.Sprintf("%s (%s): %s", s.CreatedDateTime.UTC().Format("2006-01-02 15:04 UTC"),
		howLongAgo(s.CreatedDateTime, f.Now), s.AppDisplayName)
	if s.ResourceDisplayName != "" && s.ResourceDisplayName != s.AppDisplayName {
		d += " to " + s.ResourceDisplayName
	}
	d += fmt.Sprintf(", error %d", s.ErrorCode)
	if s.FailureReason != "" {
		d += " \"" + s.FailureReason + "\""
	}
	d += ", Conditional Access " + listOr([]string{s.ConditionalAccessStatus}, "not reported")
	if failed := failedPolicies(s); len(failed) > 0 {
		d += " (failed by " + strings.Join(failed, ", ") + ")"
	}
	if s.DeviceName != "" || s.DeviceID != "" {
		d += fmt.Sprintf(", device %s %s trust %s "+
			"compliant %t", s.DeviceName, s.DeviceID, listOr([]string{s.TrustType}, "none"), s.IsCompliant)
	}
	if s.CorrelationID != "" {
		d += ", correlation id " + s.CorrelationID
	}
	return d
}
