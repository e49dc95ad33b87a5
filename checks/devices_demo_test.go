package checks

import (
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// contosoFacts rebuilds, as literals, the Contoso demo tenant of docs/demo-tenants.md for one user, so
// that these checks are held to what the demo promises independently of the demo's own fixtures.
func contosoFacts(upn string, memberOf ...facts.Group) *facts.Facts {
	f := devFacts(upn)
	f.MemberOf = memberOf
	f.RegistrationPolicy.UserDeviceQuota = 5
	f.Operator = &facts.Operator{UserPrincipalName: "admin@contoso.com", Known: true, RoleTemplateIDs: []string{facts.RoleIntuneAdministrator}}
	f.EnrollmentConfigs = []facts.EnrollmentConfig{
		enrDefaultRestriction(false, false),
		enrRestriction("Block personal Windows", 1, false, true, contosoKiosk.ID),
		enrDefaultLimit(15),
	}
	return f
}

var (
	contosoIntuneUsers = facts.Group{ID: "c-intune-users", DisplayName: "Intune Users", Kind: "group"}
	contosoSales       = facts.Group{ID: "c-sales", DisplayName: "Sales", Kind: "group"}
	contosoKiosk       = facts.Group{ID: "c-kiosk", DisplayName: "Kiosk", Kind: "group"}
	contosoBreakGlass  = facts.Group{ID: "c-break-glass", DisplayName: "Break glass", Kind: "group"}
)

func TestDemoUsersJudgedAsDocumented(t *testing.T) {
	alice := func() *facts.Facts {
		f := contosoFacts("alice@contoso.com", contosoIntuneUsers)
		lt := devWindows("ALICE-LT", "AzureAd", true, 1)
		f.UserDevices, f.ManagedDevices = []facts.EntraDevice{lt}, []facts.ManagedDevice{devIntune("md-alice", lt, "SN-ALICE", 0)}
		return f
	}
	carol := func() *facts.Facts {
		f := contosoFacts("carol@contoso.com", contosoSales, contosoIntuneUsers)
		lt := devWindows("CAROL-LT", "AzureAd", true, 1)
		f.UserDevices = []facts.EntraDevice{lt, devWindows("CAROL-LT", "Workplace", false, 150)}
		f.ManagedDevices = []facts.ManagedDevice{devIntune("md-carol", lt, "SN-CAROL", 0)}
		f.Troubleshooting = []facts.TroubleshootingEvent{enrFailureEvent("carol-1", f.User.ID, 2, "authorization", "User is not licensed for Intune")}
		return f
	}
	dave := func() *facts.Facts {
		f := contosoFacts("dave@contoso.com", contosoIntuneUsers, contosoKiosk)
		f.UserDevices = devEntraRecords(5, "AzureAd")
		f.Troubleshooting = []facts.TroubleshootingEvent{enrFailureEvent("dave-1", f.User.ID, 40, "enrollmentRestrictionsEnforced", "Personal Windows enrollment blocked")}
		return f
	}
	daveJoin := func() *facts.Facts {
		f := dave()
		f.Target.Path = facts.PathJoin
		return f
	}
	frank := func() *facts.Facts {
		f := contosoFacts("frank@contoso.com", contosoIntuneUsers, contosoBreakGlass)
		lt1 := devWindows("FRANK-LT1", "AzureAd", false, 1)
		lt2 := devWindows("FRANK-LT2", "AzureAd", true, 1)
		phone := facts.EntraDevice{ID: "obj-frank-phone", DeviceID: "dev-frank-phone", DisplayName: "Frank's iPhone", TrustType: "Workplace", OperatingSystem: "iOS", IsManaged: true, ApproximateLastSignInDateTime: devDaysAgo(1)}
		tablet := facts.EntraDevice{ID: "obj-frank-tab", DeviceID: "dev-frank-tab", DisplayName: "Frank's iPad", TrustType: "Workplace", OperatingSystem: "iPadOS", ApproximateLastSignInDateTime: devDaysAgo(3)}
		second := devIntune("md-frank-2b", lt2, "SN-FRANK-2", 1)
		second.AzureADDeviceID = "dev-frank-lt2-reenrolled"
		f.UserDevices = []facts.EntraDevice{lt1, lt2, phone, tablet}
		f.ManagedDevices = []facts.ManagedDevice{devIntune("md-frank-1", lt1, "SN-FRANK-1", 0), devIntune("md-frank-2a", lt2, "SN-FRANK-2", 0), second}
		return f
	}

	for _, tc := range []struct {
		user  string
		facts func() *facts.Facts
		want  map[string]Status
	}{
		{"alice", alice, map[string]Status{"devices.duplicates": Pass, "devices.limits": Pass, "enrollment.restrictions": Pass, "enrollment.failures": Pass}},
		{"carol", carol, map[string]Status{"devices.duplicates": Warn, "enrollment.failures": Fail}},
		// The personal-device block stops an Entra join and a work account, not Group Policy, Autopilot and
		// the other corporate paths: with the path unknown that is a warning, with --path join a failure.
		// His 40-day-old failure stands: he has enrolled nothing since, and no window is documented.
		{"dave", dave, map[string]Status{"devices.limits": Warn, "enrollment.restrictions": Warn, "enrollment.failures": Fail}},
		{"dave --path join", daveJoin, map[string]Status{"devices.limits": Fail, "enrollment.restrictions": Fail}},
		{"frank", frank, map[string]Status{"devices.duplicates": Fail, "devices.limits": Warn}},
	} {
		for id, want := range tc.want {
			t.Run(tc.user+"/"+id, func(t *testing.T) {
				c, _ := Lookup(id)
				rs := Evaluate(c, tc.facts())
				worst := rs[0]
				for _, r := range rs {
					if r.Status.Severity() < worst.Status.Severity() {
						worst = r
					}
				}
				if worst.Status != want {
					t.Errorf("%s: %s (%s), want %s", tc.user, worst.Status, worst.Summary, want)
				}
			})
		}
	}
}
