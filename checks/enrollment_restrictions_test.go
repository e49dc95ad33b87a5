package checks

import (
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

func TestEnrollmentRestrictions(t *testing.T) {
	kiosk := facts.Group{ID: "g-kiosk", DisplayName: "Kiosk", Kind: "group"}
	kioskParent := facts.Group{ID: "g-shared-devices", DisplayName: "Shared devices", Kind: "group"}
	sales := facts.Group{ID: "g-sales", DisplayName: "Sales", Kind: "group"}
	blockPersonal := enrRestriction("Block personal Windows", 1, false, true, kiosk.ID)

	for _, tc := range []struct {
		name     string
		configs  []facts.EnrollmentConfig
		memberOf []facts.Group
		want     Status
		summary  string
		evidence string
	}{
		{name: "the default allows Windows", configs: []facts.EnrollmentConfig{enrDefaultRestriction(false, false), enrDefaultLimit(15)},
			want: Pass, summary: "allows Windows", evidence: "\"All users and all devices\" (priority 0): applies, through being the default"},
		{name: "no platform restriction at all", configs: []facts.EnrollmentConfig{enrDefaultLimit(15)}, want: Pass, summary: "No Windows platform restriction"},
		{name: "the default blocks Windows", configs: []facts.EnrollmentConfig{enrDefaultRestriction(true, false)},
			want: Fail, summary: "blocks Windows"},
		{name: "the default blocks personal Windows", configs: []facts.EnrollmentConfig{enrDefaultRestriction(false, true)},
			want: Fail, summary: "blocks personally owned Windows"},
		{name: "a group restriction blocks personal Windows for its members", configs: []facts.EnrollmentConfig{blockPersonal, enrDefaultRestriction(false, false)},
			memberOf: []facts.Group{kiosk}, want: Fail, summary: "\"Block personal Windows\" blocks personally owned",
			evidence: "\"Block personal Windows\" (priority 1): applies, through its assignment to group \"Kiosk\""},
		{name: "nested membership reaches the group restriction", configs: []facts.EnrollmentConfig{blockPersonal, enrDefaultRestriction(false, false)},
			memberOf: []facts.Group{kioskParent, kiosk}, want: Fail, summary: "personally owned"},
		{name: "users outside the group get the default", configs: []facts.EnrollmentConfig{blockPersonal, enrDefaultRestriction(false, false)},
			memberOf: []facts.Group{sales}, want: Pass, evidence: "\"Block personal Windows\" (priority 1): not assigned"},
		{name: "priority 1 allowing outranks priority 2 blocking", configs: []facts.EnrollmentConfig{
			enrRestriction("Block Windows", 2, true, false, sales.ID), enrRestriction("Allow Sales", 1, false, false, sales.ID), enrDefaultRestriction(false, false)},
			memberOf: []facts.Group{sales}, want: Pass, evidence: "\"Block Windows\" (priority 2): outranked"},
		{name: "priority 1 blocking outranks priority 2 allowing", configs: []facts.EnrollmentConfig{
			enrRestriction("Allow Sales", 2, false, false, sales.ID), enrRestriction("Block Windows", 1, true, false, sales.ID), enrDefaultRestriction(false, false)},
			memberOf: []facts.Group{sales}, want: Fail, summary: "\"Block Windows\" blocks Windows"},
		{name: "a restriction assigned to all users applies to everyone", configs: []facts.EnrollmentConfig{
			func() facts.EnrollmentConfig {
				c := enrRestriction("Corporate only", 3, false, true)
				c.AllUsers = true
				return c
			}(), enrDefaultRestriction(false, false)},
			want: Fail, evidence: "its assignment to all users"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := devFacts("dave@contoso.com")
			f.EnrollmentConfigs, f.MemberOf = tc.configs, tc.memberOf
			r := devJudge(t, "enrollment.restrictions", f)
			if r.Status != tc.want {
				t.Fatalf("status %s, want %s: %s", r.Status, tc.want, r.Summary)
			}
			if !strings.Contains(r.Summary, tc.summary) {
				t.Errorf("summary %q lacks %q", r.Summary, tc.summary)
			}
			if tc.evidence != "" && !devEvidenceHas(r, tc.evidence) {
				t.Errorf("no evidence holds %q: %+v", tc.evidence, r.Evidence)
			}
			if r.Status == Fail && (r.Remediation == "" || !strings.Contains(r.Remediation, "Device platform restriction")) {
				t.Errorf("remediation should lead to the restriction: %q", r.Remediation)
			}
		})
	}
}

func TestEnrollmentRestrictionsPersonalBlockKeepsCorporatePaths(t *testing.T) {
	f := devFacts("dave@contoso.com")
	f.MemberOf = []facts.Group{{ID: "g-kiosk", DisplayName: "Kiosk"}}
	f.EnrollmentConfigs = []facts.EnrollmentConfig{enrRestriction("Block personal Windows", 1, false, true, "g-kiosk"), enrDefaultRestriction(false, false)}
	r := devJudge(t, "enrollment.restrictions", f)
	for _, want := range []string{"corporate-owned and Autopilot devices still do", "joins a device to Microsoft Entra"} {
		if !strings.Contains(r.Explanation, want) {
			t.Errorf("explanation lacks %q: %s", want, r.Explanation)
		}
	}
	if !strings.Contains(r.Remediation, "take the user out of group \"Kiosk\"") {
		t.Errorf("remediation should offer leaving the group: %s", r.Remediation)
	}
}
