package checks

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// devEntraRecords returns n distinct Windows joined records.
func devEntraRecords(n int, trust string) []facts.EntraDevice {
	var out []facts.EntraDevice
	for i := range n {
		out = append(out, devWindows(fmt.Sprintf("PC-%s-%d", trust, i), trust, true, 1))
	}
	return out
}

// devUserEnrollments returns n Intune records the user enrolled through the Company Portal.
func devUserEnrollments(n int, enrollmentType string) []facts.ManagedDevice {
	var out []facts.ManagedDevice
	for i := range n {
		m := devIntune(fmt.Sprintf("md-%s-%d", enrollmentType, i), devWindows(fmt.Sprintf("PHONE-%d", i), "Workplace", true, 1), fmt.Sprintf("SN-%d", i), 1)
		m.DeviceEnrollmentType, m.OperatingSystem, m.ManagedDeviceOwnerType = enrollmentType, "iOS", "personal"
		out = append(out, m)
	}
	return out
}

func TestDevicesLimits(t *testing.T) {
	kiosk := facts.Group{ID: "g-kiosk", DisplayName: "Kiosk", Kind: "group"}
	sales := facts.Group{ID: "g-sales", DisplayName: "Sales", Kind: "group"}
	intuneUsers := facts.Group{ID: "g-intune-users", DisplayName: "Intune Users", Kind: "group"}

	for _, tc := range []struct {
		name     string
		setup    func(f *facts.Facts)
		want     Status
		summary  string
		evidence string // some evidence line must hold this
	}{
		{name: "well under every limit", setup: func(f *facts.Facts) {
			f.UserDevices = devEntraRecords(1, "AzureAd")
			f.ManagedDevices = devUserEnrollments(1, "userEnrollment")
		}, want: Pass, evidence: "userDeviceQuota): 50"},
		// Issue 13: nobody may join (noDeviceRegistrationMembership, read as none) fails; a kind nobody knows is no pass.
		{name: "nobody may join", setup: func(f *facts.Facts) {
			f.RegistrationPolicy.AzureADJoin = facts.Membership{Kind: "none"}
		}, want: Fail, summary: "No user may join devices"},
		{name: "who may join not stated", setup: func(f *facts.Facts) {
			f.RegistrationPolicy.AzureADJoin = facts.Membership{Kind: ""}
		}, want: Warn, summary: "Who may join devices could not be read"},
		{name: "quota 0 after a PUT that left it out", setup: func(f *facts.Facts) {
			f.RegistrationPolicy.UserDeviceQuota = 0
		}, want: Fail, summary: "userDeviceQuota) is 0"},
		{name: "an undocumented negative quota is shown, not judged", setup: func(f *facts.Facts) {
			f.RegistrationPolicy.UserDeviceQuota = -1
			f.UserDevices = devEntraRecords(3, "AzureAd")
		}, want: Pass, evidence: "not a documented value"},
		{name: "at the Entra quota", setup: func(f *facts.Facts) {
			f.Target.Path = facts.PathJoin
			f.RegistrationPolicy.UserDeviceQuota = 5
			f.UserDevices = append(devEntraRecords(3, "AzureAd"), devEntraRecords(2, "Workplace")...)
		}, want: Fail, summary: "5 Entra devices and the quota is 5"},
		{name: "over the Entra quota", setup: func(f *facts.Facts) {
			f.Target.Path = facts.PathRegister
			f.RegistrationPolicy.UserDeviceQuota = 2
			f.UserDevices = devEntraRecords(4, "AzureAd")
		}, want: Fail, summary: "4 Entra devices and the quota is 2"},
		// Issue 14: with the path unknown the quota stops every path but Group Policy (hybrid joined
		// devices are not limited): a warning naming the paths, never a fail that --path gpo turns into a pass.
		{name: "at the Entra quota, path unknown", setup: func(f *facts.Facts) {
			f.RegistrationPolicy.UserDeviceQuota = 5
			f.UserDevices = devEntraRecords(5, "AzureAd")
		}, want: Warn, summary: "(paths join, register, comanage, autopilot, bulk, dem); whether it stops this device depends on how it enrolls", evidence: "enrollment path unknown"},
		{name: "one device left under the Entra quota", setup: func(f *facts.Facts) {
			f.RegistrationPolicy.UserDeviceQuota = 5
			f.UserDevices = devEntraRecords(4, "AzureAd")
		}, want: Warn, summary: "one more device reaches it"},
		{name: "hybrid joined devices do not count against the quota", setup: func(f *facts.Facts) {
			f.RegistrationPolicy.UserDeviceQuota = 5
			f.UserDevices = append(devEntraRecords(2, "AzureAd"), devEntraRecords(3, "ServerAd")...)
		}, want: Pass, evidence: "has 2 Microsoft Entra joined or registered devices"},
		{name: "a record listed as registered and owned counts once", setup: func(f *facts.Facts) {
			f.RegistrationPolicy.UserDeviceQuota = 3
			d := devEntraRecords(1, "AzureAd")
			f.UserDevices = append(d, d[0])
		}, want: Pass},
		{name: "nobody may join", setup: func(f *facts.Facts) {
			f.RegistrationPolicy.AzureADJoin = facts.Membership{Kind: "none"}
		}, want: Fail, summary: "No user may join devices"},
		{name: "join limited to a group the user reaches through nesting", setup: func(f *facts.Facts) {
			f.RegistrationPolicy.AzureADJoin = facts.Membership{Kind: "enumerated", Groups: []string{intuneUsers.ID}}
			f.MemberOf = []facts.Group{sales, intuneUsers} // transitiveMemberOf: Sales is nested in Intune Users
		}, want: Pass, evidence: "through group \"Intune Users\""},
		{name: "join limited to the user by object id", setup: func(f *facts.Facts) {
			f.RegistrationPolicy.AzureADJoin = facts.Membership{Kind: "enumerated", Users: []string{"u-alice@contoso.com"}}
		}, want: Pass, evidence: "the user is included by name"},
		{name: "join limited to others", setup: func(f *facts.Facts) {
			f.RegistrationPolicy.AzureADJoin = facts.Membership{Kind: "enumerated", Users: []string{"u-someone-else"}, Groups: []string{kiosk.ID}}
			f.MemberOf = []facts.Group{sales}
		}, want: Fail, summary: "may not join devices"},
		{name: "registration switched off stops only personal devices", setup: func(f *facts.Facts) {
			f.RegistrationPolicy.AzureADRegistration = facts.Membership{Kind: "none"}
		}, want: Warn, summary: "No user may register devices"},
		{name: "at the default Intune device limit", setup: func(f *facts.Facts) {
			f.EnrollmentConfigs = []facts.EnrollmentConfig{enrDefaultLimit(3)}
			f.ManagedDevices = devUserEnrollments(3, "userEnrollment")
		}, want: Warn, summary: "refuses the next one the user starts"},
		{name: "Entra join enrollments do not count toward the Intune limit", setup: func(f *facts.Facts) {
			f.EnrollmentConfigs = []facts.EnrollmentConfig{enrDefaultLimit(3)}
			f.ManagedDevices = devUserEnrollments(5, "windowsAzureADJoin")
		}, want: Pass, evidence: "0 of the user's 5 Intune records count"},
		{name: "devices silent for 90 days do not count toward the Intune limit", setup: func(f *facts.Facts) {
			f.EnrollmentConfigs = []facts.EnrollmentConfig{enrDefaultLimit(3)}
			f.ManagedDevices = devUserEnrollments(3, "userEnrollment")
			f.ManagedDevices[0].LastSyncDateTime = devDaysAgo(120)
		}, want: Warn, summary: "one more reaches it"},
		{name: "the lowest priority number among the user's groups wins", setup: func(f *facts.Facts) {
			f.MemberOf = []facts.Group{kiosk, sales}
			f.EnrollmentConfigs = []facts.EnrollmentConfig{enrLimit("Kiosk limit", 2, 2, kiosk.ID), enrLimit("Sales limit", 1, 10, sales.ID), enrDefaultLimit(15)}
			f.ManagedDevices = devUserEnrollments(2, "userEnrollment")
		}, want: Pass, evidence: "\"Sales limit\" (priority 1): applies"},
		{name: "a restriction assigned to groups the user is not in does not apply", setup: func(f *facts.Facts) {
			f.MemberOf = []facts.Group{sales}
			f.EnrollmentConfigs = []facts.EnrollmentConfig{enrLimit("Kiosk limit", 1, 10, kiosk.ID), enrDefaultLimit(2)}
			f.ManagedDevices = devUserEnrollments(2, "userEnrollment")
		}, want: Warn, evidence: "\"Kiosk limit\" (priority 1): not assigned"},
		{name: "worst finding leads and the rest are counted", setup: func(f *facts.Facts) {
			f.RegistrationPolicy.AzureADJoin = facts.Membership{Kind: "none"}
			f.RegistrationPolicy.UserDeviceQuota = 2
			f.UserDevices = devEntraRecords(1, "AzureAd")
		}, want: Fail, summary: "(and 1 more finding)"},
		{name: "an empty policy is an error, not a pass", setup: func(f *facts.Facts) {
			f.RegistrationPolicy = nil
		}, want: Error, summary: "came back empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := devFacts("alice@contoso.com")
			tc.setup(f)
			r := devJudge(t, "devices.limits", f)
			if r.Status != tc.want {
				t.Fatalf("status %s, want %s: %s", r.Status, tc.want, r.Summary)
			}
			if !strings.Contains(r.Summary, tc.summary) {
				t.Errorf("summary %q lacks %q", r.Summary, tc.summary)
			}
			if tc.evidence != "" && !devEvidenceHas(r, tc.evidence) {
				t.Errorf("no evidence holds %q: %+v", tc.evidence, r.Evidence)
			}
			if (r.Status == Warn || r.Status == Fail) && (r.Explanation == "" || r.Remediation == "") {
				t.Errorf("%s without explanation or remediation", r.Status)
			}
		})
	}
}

func devEvidenceHas(r Result, text string) bool {
	for _, e := range r.Evidence {
		if strings.Contains(e.Source+" "+e.Detail, text) {
			return true
		}
	}
	return false
}
