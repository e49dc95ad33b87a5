package checks

import (
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// restrictionFacts are facts for dave, read by an Intune Administrator (who sees every restriction).
func restrictionFacts(path facts.EnrollmentPath, memberOf []facts.Group, configs ...facts.EnrollmentConfig) *facts.Facts {
	f := devFacts("dave@contoso.com")
	f.Target.Path = path
	f.EnrollmentConfigs, f.MemberOf = configs, memberOf
	f.Operator = &facts.Operator{UserPrincipalName: "admin@contoso.com", Known: true, RoleTemplateIDs: []string{facts.RoleIntuneAdministrator}}
	return f
}

// singlePlatform is a single-platform restriction (the kind today's admin center creates) for Windows.
func singlePlatform(name string, priority int, w facts.PlatformRestriction, groups ...string) facts.EnrollmentConfig {
	return facts.EnrollmentConfig{ID: "sp-" + name, DisplayName: name, Type: "deviceEnrollmentPlatformRestrictionConfiguration",
		Platform: "windows", Priority: priority, AssignedGroups: groups, Windows: &w}
}

func TestEnrollmentRestrictions(t *testing.T) {
	kiosk := facts.Group{ID: "g-kiosk", DisplayName: "Kiosk", Kind: "group"}
	kioskParent := facts.Group{ID: "g-shared-devices", DisplayName: "Shared devices", Kind: "group"}
	sales := facts.Group{ID: "g-sales", DisplayName: "Sales", Kind: "group"}
	blockPersonal := enrRestriction("Block personal Windows", 1, false, true, kiosk.ID)
	allUsers := func(c facts.EnrollmentConfig) facts.EnrollmentConfig { c.AllUsers = true; return c }

	for _, tc := range []struct {
		name     string
		path     facts.EnrollmentPath
		configs  []facts.EnrollmentConfig
		memberOf []facts.Group
		want     Status
		summary  string
		evidence string
	}{
		{name: "the default allows Windows", configs: []facts.EnrollmentConfig{enrDefaultRestriction(false, false), enrDefaultLimit(15)},
			want: Pass, summary: "allows Windows", evidence: "\"All users and all devices\" (priority 0): applies, through being the default"},
		{name: "no platform restriction at all", configs: []facts.EnrollmentConfig{enrDefaultLimit(15)}, want: Pass, summary: "No Windows platform restriction"},
		{name: "the default blocks Windows on every user-driven path", configs: []facts.EnrollmentConfig{enrDefaultRestriction(true, false)},
			want: Fail, summary: "blocks this device's enrollment"},
		{name: "the default blocks personal Windows: an Entra join is refused", path: facts.PathJoin, configs: []facts.EnrollmentConfig{enrDefaultRestriction(false, true)},
			want: Fail, summary: "blocks this device's enrollment (join)"},
		{name: "the default blocks personal Windows: path unknown, only join and register fail", configs: []facts.EnrollmentConfig{enrDefaultRestriction(false, true)},
			want: Warn, summary: "blocks enrollment by join, register"},
		{name: "a personal block does not stop Group Policy", path: facts.PathGPO, configs: []facts.EnrollmentConfig{enrDefaultRestriction(false, true)},
			want: Pass, evidence: "allows Group Policy"},
		{name: "a personal block does not stop Autopilot", path: facts.PathAutopilot, configs: []facts.EnrollmentConfig{enrDefaultRestriction(false, true)}, want: Pass},
		{name: "a personal block does not stop a device enrollment manager", path: facts.PathDEM, configs: []facts.EnrollmentConfig{enrDefaultRestriction(false, true)}, want: Pass},
		{name: "a personal block stops a work account", path: facts.PathRegister, configs: []facts.EnrollmentConfig{enrDefaultRestriction(false, true)}, want: Fail},
		{name: "a group restriction blocks personal Windows for its members", path: facts.PathJoin, configs: []facts.EnrollmentConfig{blockPersonal, enrDefaultRestriction(false, false)},
			memberOf: []facts.Group{kiosk}, want: Fail, summary: "\"Block personal Windows\" blocks",
			evidence: "\"Block personal Windows\" (priority 1): applies, through its assignment to group \"Kiosk\""},
		{name: "nested membership reaches the group restriction", path: facts.PathJoin, configs: []facts.EnrollmentConfig{blockPersonal, enrDefaultRestriction(false, false)},
			memberOf: []facts.Group{kioskParent, kiosk}, want: Fail},
		{name: "users outside the group get the default", configs: []facts.EnrollmentConfig{blockPersonal, enrDefaultRestriction(false, false)},
			memberOf: []facts.Group{sales}, want: Pass, evidence: "\"Block personal Windows\" (priority 1): not assigned"},
		{name: "priority 1 allowing outranks priority 2 blocking", configs: []facts.EnrollmentConfig{
			enrRestriction("Block Windows", 2, true, false, sales.ID), enrRestriction("Allow Sales", 1, false, false, sales.ID), enrDefaultRestriction(false, false)},
			memberOf: []facts.Group{sales}, want: Pass, evidence: "\"Block Windows\" (priority 2): outranked"},
		{name: "priority 1 blocking outranks priority 2 allowing", path: facts.PathJoin, configs: []facts.EnrollmentConfig{
			enrRestriction("Allow Sales", 2, false, false, sales.ID), enrRestriction("Block Windows", 1, true, false, sales.ID), enrDefaultRestriction(false, false)},
			memberOf: []facts.Group{sales}, want: Fail, summary: "\"Block Windows\" blocks"},
		{name: "a bulk package gets only the default, not the user's block", path: facts.PathBulk, configs: []facts.EnrollmentConfig{
			enrRestriction("Block Windows", 1, true, false, sales.ID), enrDefaultRestriction(false, false)},
			memberOf: []facts.Group{sales}, want: Pass},
		{name: "a restriction assigned to all users applies to everyone", path: facts.PathJoin, configs: []facts.EnrollmentConfig{
			allUsers(enrRestriction("Corporate only", 3, false, true)), enrDefaultRestriction(false, false)},
			want: Fail, evidence: "its assignment to all users"},
		// Issue 13.2: the single-platform kind, assigned to all licensed users, was invisible.
		{name: "a single-platform Windows block for all users", path: facts.PathJoin, configs: []facts.EnrollmentConfig{
			allUsers(singlePlatform("Block Windows", 1, facts.PlatformRestriction{PlatformBlocked: true})), enrDefaultRestriction(false, false)},
			want: Fail, summary: "\"Block Windows\" blocks"},
		{name: "a single-platform block for another platform is not Windows", configs: []facts.EnrollmentConfig{
			allUsers(facts.EnrollmentConfig{ID: "sp-ios", DisplayName: "Block iOS", Type: "deviceEnrollmentPlatformRestrictionConfiguration", Platform: "ios", Priority: 1}), enrDefaultRestriction(false, false)},
			want: Pass},
		{name: "an excluded group keeps the user out of the block", path: facts.PathJoin, configs: []facts.EnrollmentConfig{
			func() facts.EnrollmentConfig {
				c := allUsers(singlePlatform("Block Windows", 1, facts.PlatformRestriction{PlatformBlocked: true}))
				c.ExcludedGroups = []string{sales.ID}
				return c
			}(), enrDefaultRestriction(false, false)},
			memberOf: []facts.Group{sales}, want: Pass, evidence: "excluded: the user is in its excluded group \"Sales\""},
		{name: "a filtered block depends on the device, and names the filter", path: facts.PathJoin, configs: []facts.EnrollmentConfig{
			func() facts.EnrollmentConfig {
				c := singlePlatform("Block Home edition", 1, facts.PlatformRestriction{PlatformBlocked: true}, sales.ID)
				c.Filters = []facts.AssignmentFilter{{GroupID: sales.ID, FilterID: "flt-home", Mode: "include"}}
				return c
			}(), enrDefaultRestriction(false, false)},
			memberOf: []facts.Group{sales}, want: Warn, summary: "depends on the device", evidence: "assignment filter flt-home (include mode) matches"},
		{name: "a filtered block with a block behind it still blocks", path: facts.PathJoin, configs: []facts.EnrollmentConfig{
			func() facts.EnrollmentConfig {
				c := singlePlatform("Block Home edition", 1, facts.PlatformRestriction{PlatformBlocked: true}, sales.ID)
				c.Filters = []facts.AssignmentFilter{{GroupID: sales.ID, FilterID: "flt-home", Mode: "include"}}
				return c
			}(), enrDefaultRestriction(true, false)},
			memberOf: []facts.Group{sales}, want: Fail},
		{name: "a minimum version the device's record is below", path: facts.PathJoin, configs: []facts.EnrollmentConfig{
			allUsers(singlePlatform("Windows 11 only", 1, facts.PlatformRestriction{OSMinimumVersion: "10.0.22000.0"})), enrDefaultRestriction(false, false)},
			want: Fail, evidence: "the device's Entra record says 10.0.19045.3803"},
		{name: "a minimum with a revision blocks the same build: Windows sends no revision", path: facts.PathJoin, configs: []facts.EnrollmentConfig{
			allUsers(singlePlatform("Patched only", 1, facts.PlatformRestriction{OSMinimumVersion: "10.0.19045.100"})), enrDefaultRestriction(false, false)},
			want: Fail},
		{name: "a version range the device is inside", path: facts.PathJoin, configs: []facts.EnrollmentConfig{
			allUsers(singlePlatform("Windows 10 22H2", 1, facts.PlatformRestriction{OSMinimumVersion: "10.0.19045.0", OSMaximumVersion: "10.0.19045.9999"})), enrDefaultRestriction(false, false)},
			want: Pass},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := restrictionFacts(tc.path, tc.memberOf, tc.configs...)
			// The pasted device's Entra record says which Windows it runs.
			f.Dsregcmd = &facts.Dsregcmd{Sections: []facts.DsregSection{{Name: "Device Details", Fields: []facts.DsregField{{Key: "DeviceId", Value: "dev-dave", Line: 1}}}}}
			f.UserDevices = []facts.EntraDevice{{ID: "obj-dave", DeviceID: "dev-dave", DisplayName: "DAVE-LT", TrustType: "AzureAd", OperatingSystemVersion: "10.0.19045.3803"}}
			r := devJudge(t, "enrollment.restrictions", f)
			if r.Status != tc.want {
				t.Fatalf("status %s, want %s: %s\n%s\n%+v", r.Status, tc.want, r.Summary, r.Explanation, r.Evidence)
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
			if !devEvidenceHas(r, "enrollment path") {
				t.Errorf("the result does not name the path it judged: %+v", r.Evidence)
			}
		})
	}
}

func TestEnrollmentRestrictionsPersonalBlockKeepsCorporatePaths(t *testing.T) {
	f := restrictionFacts(facts.PathJoin, []facts.Group{{ID: "g-kiosk", DisplayName: "Kiosk"}},
		enrRestriction("Block personal Windows", 1, false, true, "g-kiosk"), enrDefaultRestriction(false, false))
	r := devJudge(t, "enrollment.restrictions", f)
	for _, want := range []string{"Group Policy, co-management, Windows Autopilot, bulk provisioning packages and device enrollment managers", "Microsoft Entra join in Windows setup or from Settings"} {
		if !strings.Contains(r.Explanation, want) {
			t.Errorf("explanation lacks %q: %s", want, r.Explanation)
		}
	}
	if !strings.Contains(r.Remediation, "take the user out of group \"Kiosk\"") {
		t.Errorf("remediation should offer leaving the group: %s", r.Remediation)
	}
}

// An operator whose Intune access may be limited by scope tags never gets a pass: restrictions
// outside their tags are invisible to them.
func TestEnrollmentRestrictionsScopeTagsNeverPass(t *testing.T) {
	for _, op := range []*facts.Operator{
		nil,
		{UserPrincipalName: "helpdesk@contoso.com", Known: true},
		{UserPrincipalName: "helpdesk@contoso.com", Known: true, RoleTemplateIDs: []string{facts.RoleCloudDeviceAdministrator}},
	} {
		f := restrictionFacts(facts.PathJoin, nil, enrDefaultRestriction(false, false))
		f.Operator = op
		r := devJudge(t, "enrollment.restrictions", f)
		if r.Status != Warn || !strings.Contains(r.Explanation, "scope tags") {
			t.Errorf("operator %+v: %s %q %q, want warn about scope tags", op, r.Status, r.Summary, r.Explanation)
		}
	}
	f := restrictionFacts(facts.PathJoin, nil, enrDefaultRestriction(false, false))
	f.Operator.RoleTemplateIDs = []string{facts.RoleHelpdeskAdministrator}
	if r := devJudge(t, "enrollment.restrictions", f); r.Status != Pass {
		t.Errorf("a Helpdesk Administrator reads all Intune data: %s %q", r.Status, r.Summary)
	}
}
