package checks

import (
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// enrollCA is a policy shaped as Graph returns it (conditionalaccessroot-post-policies examples):
// All users but a break-glass group, All resources, the given grant.
func enrollCA(name string, controls ...string) facts.CAPolicy {
	return facts.CAPolicy{ID: "ca-" + name, DisplayName: name, State: "enabled", IncludeUsers: []string{"All"},
		ExcludeGroups: []string{"g-breakglass"}, IncludeApplications: []string{"All"}, ClientAppTypes: []string{"all"},
		GrantOperator: "OR", BuiltInControls: controls}
}

func TestCAEnrollmentApps(t *testing.T) {
	compliantAll := enrollCA("Require compliant device", "compliantDevice")
	excluded := compliantAll
	excluded.ExcludeApplications = []string{facts.AppIntuneEnrollment, facts.AppIntune, facts.AppDeviceRegistration}
	namedEnrollment := enrollCA("Compliant for Intune enrollment", "compliantDevice")
	namedEnrollment.IncludeApplications = []string{facts.AppIntuneEnrollment}
	mfaAll := enrollCA("MFA everywhere", "mfa")
	compliantOrMFA := enrollCA("Compliant or MFA", "compliantDevice", "mfa")
	compliantAndMFA := compliantOrMFA
	compliantAndMFA.DisplayName, compliantAndMFA.GrantOperator = "Compliant and MFA", "AND"
	compliantAndMFA.IncludeApplications = []string{facts.AppIntuneEnrollment}
	// Example 2 of the published create samples: block from a named location.
	blockLocation := enrollCA("Block untrusted regions", "block")
	blockLocation.IncludeLocations = []string{"198ad66e-87b3-4157-85a3-8a7b51794ee9"}
	blockAll := enrollCA("Block everything", "block")
	iosOnly := enrollCA("iOS app protection", "compliantApplication")
	iosOnly.IncludePlatforms = []string{"iOS", "android"}
	appProtection := enrollCA("App protection everywhere", "compliantApplication")
	hybrid := enrollCA("Hybrid joined only", "domainJoinedDevice")
	tou := enrollCA("Terms of use", "mfa")
	tou.GrantOperator, tou.TermsOfUse = "AND", []string{"ce580154-086a-40fd-91df-8a60abac81a0"}
	reportOnly := blockAll
	reportOnly.DisplayName, reportOnly.State = "Block (report-only)", caReportOnly
	userAction := blockAll
	userAction.IncludeApplications, userAction.IncludeUserActions = nil, []string{registerDeviceAction}

	for _, tc := range []struct {
		name     string
		ca       []facts.CAPolicy
		memberOf []facts.Group
		want     Status
		says     string
	}{
		{"no policy", nil, nil, Pass, "No Conditional Access policy"},
		{"MFA for all resources", []facts.CAPolicy{mfaAll}, nil, Pass, "No Conditional Access policy"},
		{"compliant device on all resources, documented as not blocking", []facts.CAPolicy{compliantAll}, nil, Warn, "does not block Intune enrollment"},
		{"compliant device with the enrollment apps excluded", []facts.CAPolicy{excluded}, nil, Pass, "No Conditional Access policy"},
		{"compliant device on Microsoft Intune Enrollment itself", []facts.CAPolicy{namedEnrollment}, nil, Fail, "Microsoft Intune Enrollment"},
		{"compliant or MFA", []facts.CAPolicy{compliantOrMFA}, nil, Pass, "No Conditional Access policy"},
		{"compliant and MFA on Intune Enrollment", []facts.CAPolicy{compliantAndMFA}, nil, Fail, "compliant device"},
		{"block from a named location", []facts.CAPolicy{blockLocation}, nil, Warn, "network location"},
		{"block everything", []facts.CAPolicy{blockAll}, nil, Fail, "blocks access"},
		{"break-glass user excluded", []facts.CAPolicy{blockAll}, []facts.Group{{ID: "g-breakglass"}}, Pass, "No Conditional Access policy"},
		{"iOS and Android only", []facts.CAPolicy{iosOnly}, nil, Pass, "No Conditional Access policy"},
		{"app protection on Windows", []facts.CAPolicy{appProtection}, nil, Fail, "iOS and Android only"},
		{"hybrid joined depends on the path", []facts.CAPolicy{hybrid}, nil, Warn, "hybrid joined"},
		{"terms of use", []facts.CAPolicy{tou}, nil, Warn, "terms of use"},
		{"report-only block", []facts.CAPolicy{reportOnly}, nil, Warn, "Report-only"},
		{"user action policies are mfa.registration's", []facts.CAPolicy{userAction}, nil, Pass, "No Conditional Access policy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := userFacts("dave@contoso.com")
			f.CAPolicies, f.MemberOf = tc.ca, tc.memberOf
			r := judgeOne(t, "ca.enrollment-apps", f)
			if r.Status != tc.want || !strings.Contains(r.Summary, tc.says) {
				t.Fatalf("got %s %q, want %s containing %q", r.Status, r.Summary, tc.want, tc.says)
			}
			if tc.want == Fail && !strings.Contains(r.Remediation, "Target resources > Exclude") {
				t.Errorf("the remediation names no exclusion: %q", r.Remediation)
			}
		})
	}
}

func TestSignInsEnrollment(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	in := func(ago time.Duration, app string, code int, policies ...facts.AppliedCAPolicy) facts.SignIn {
		status := "success"
		if len(policies) > 0 {
			status = "failure"
		}
		return facts.SignIn{ID: app + ago.String(), CreatedDateTime: now.Add(-ago), UserPrincipalName: "dave@contoso.com",
			AppID: app, AppDisplayName: facts.AppName(app), ErrorCode: code, ConditionalAccessStatus: status,
			FailureReason: map[bool]string{true: "Device is not in required device state: compliant.", false: ""}[code != 0],
			CorrelationID: "c-" + ago.String(), AppliedPolicies: policies}
	}
	compliant := facts.AppliedCAPolicy{ID: "ca-1", DisplayName: "Require compliant device", Result: "failure", EnforcedGrantControls: []string{"RequireCompliantDevice"}}
	other := facts.SignIn{CreatedDateTime: now.Add(-time.Hour), UserPrincipalName: "dave@contoso.com", AppID: "de8bc8b5-d9f9-48b1-a8ad-b748da725064", ErrorCode: 50126}
	for _, tc := range []struct {
		name string
		ins  []facts.SignIn
		want Status
		says string
	}{
		{"none at all", nil, Pass, "no sign-in to them at all"},
		{"other apps only", []facts.SignIn{other}, Pass, "no sign-in to them at all"},
		{"all succeeded", []facts.SignIn{in(time.Hour, facts.AppIntuneEnrollment, 0)}, Pass, "The user's 1 recent sign-in to the enrollment apps succeeded."},
		{"standing failure", []facts.SignIn{in(2*time.Hour, facts.AppIntuneEnrollment, 53000, compliant)}, Fail, "error 53000"},
		{"failure then success", []facts.SignIn{in(time.Hour, facts.AppIntuneEnrollment, 0), in(30*time.Hour, facts.AppIntuneEnrollment, 53000, compliant)}, Warn, "later sign-in to it succeeded"},
		{"success of another app does not supersede", []facts.SignIn{in(time.Hour, facts.AppIntune, 0), in(3*time.Hour, facts.AppIntuneEnrollment, 53000, compliant)}, Fail, "Microsoft Intune Enrollment"},
		{"old standing failure says its age", []facts.SignIn{in(20*24*time.Hour, facts.AppDeviceRegistration, 50097)}, Fail, "20 days ago"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := userFacts("dave@contoso.com")
			f.Apply(facts.Delta{Source: facts.SrcSignIns, Endpoint: "GET /v1.0/auditLogs/signIns", Apply: func(f *facts.Facts) { f.SignIns = tc.ins }})
			r := judgeOne(t, "signins.enrollment", f)
			if r.Status != tc.want || !strings.Contains(r.Summary, tc.says) {
				t.Fatalf("got %s %q, want %s containing %q", r.Status, r.Summary, tc.want, tc.says)
			}
		})
	}
	f := userFacts("dave@contoso.com")
	f.Apply(facts.Delta{Source: facts.SrcSignIns, Apply: func(f *facts.Facts) {
		f.SignIns = []facts.SignIn{in(2*time.Hour, facts.AppIntuneEnrollment, 53000, compliant)}
	}})
	r := judgeOne(t, "signins.enrollment", f)
	if !strings.Contains(r.Remediation, `"Require compliant device"`) || !strings.Contains(r.Remediation, facts.AppIntuneEnrollment) {
		t.Errorf("the remediation names neither the failing policy nor the app to exclude: %q", r.Remediation)
	}
	// The licence case: the reader skips the source, and the check says why instead of passing.
	f = userFacts("dave@contoso.com")
	f.Apply(facts.Delta{Source: facts.SrcSignIns, Skip: "the tenant has no Microsoft Entra ID P1 or P2 licence"})
	if r := judgeOne(t, "signins.enrollment", f); r.Status != Skip || !strings.Contains(r.Summary, "P1") {
		t.Errorf("got %s %q", r.Status, r.Summary)
	}
}

// TestSignInReasonsThroughTheCatalog: a code the error catalog knows, quoted in a failure reason, is
// decoded as evidence.
func TestSignInReasonsThroughTheCatalog(t *testing.T) {
	f := userFacts("dave@contoso.com")
	f.Apply(facts.Delta{Source: facts.SrcSignIns, Apply: func(f *facts.Facts) {
		f.SignIns = []facts.SignIn{{ID: "1", CreatedDateTime: f.Now.Add(-time.Hour), UserPrincipalName: "dave@contoso.com",
			AppID: facts.AppIntuneEnrollment, ErrorCode: 90000, AdditionalDetails: "MDM enrollment failed with 0x8018002b"}}
	}})
	r := judgeOne(t, "signins.enrollment", f)
	found := false
	for _, e := range r.Evidence {
		found = found || strings.Contains(e.Detail, "0x8018002b")
	}
	if r.Status != Fail || !found {
		t.Errorf("got %s, evidence %+v", r.Status, r.Evidence)
	}
}
