package checks

import (
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// devNow is the fixed "now" of the device and enrollment tests.
var devNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func devDaysAgo(n int) time.Time { return devNow.Add(-time.Duration(n) * 24 * time.Hour) }

// devFacts returns facts for a user run with every source the device and enrollment checks read
// loaded (and empty), each with the endpoint a reader would record.
func devFacts(upn string) *facts.Facts {
	f := facts.New("public", facts.Target{Kind: facts.TargetUser, User: upn}, devNow)
	endpoints := map[facts.Source]string{
		facts.SrcUser:               "GET /v1.0/users/" + upn,
		facts.SrcMemberOf:           "GET /v1.0/users/" + upn + "/transitiveMemberOf",
		facts.SrcUserDevices:        "GET /v1.0/users/" + upn + "/registeredDevices",
		facts.SrcManagedDevices:     "GET /v1.0/users/" + upn + "/managedDevices",
		facts.SrcRegistrationPolicy: "GET /v1.0/policies/deviceRegistrationPolicy",
		facts.SrcEnrollmentConfigs:  "GET /v1.0/deviceManagement/deviceEnrollmentConfigurations?$expand=assignments",
		facts.SrcTroubleshooting:    "GET /v1.0/deviceManagement/troubleshootingEvents",
	}
	for s, ep := range endpoints {
		f.Apply(facts.Delta{Source: s, Endpoint: ep, Apply: func(*facts.Facts) {}})
	}
	f.User = &facts.User{ID: "u-" + upn, UserPrincipalName: upn, AccountEnabled: true}
	f.RegistrationPolicy = &facts.DeviceRegistrationPolicy{ID: "deviceRegistrationPolicy", MultiFactorAuthConfiguration: "notRequired",
		UserDeviceQuota: 50, AzureADJoin: facts.Membership{Kind: "all"}, AzureADRegistration: facts.Membership{Kind: "all"}}
	f.EnrollmentConfigs = []facts.EnrollmentConfig{enrDefaultRestriction(false, false), enrDefaultLimit(15)}
	return f
}

// devWindows is a Windows Entra record signed in lastSeen days ago.
func devWindows(name, trust string, managed bool, lastSeen int) facts.EntraDevice {
	return facts.EntraDevice{
		ID: "obj-" + name + "-" + trust, DeviceID: "dev-" + name + "-" + trust, DisplayName: name, TrustType: trust,
		IsManaged: managed, AccountEnabled: true, OperatingSystem: "Windows", OperatingSystemVersion: "10.0.22631.4460",
		ApproximateLastSignInDateTime: devDaysAgo(lastSeen), RegistrationDateTime: devDaysAgo(lastSeen + 200),
	}
}

// devIntune is an Intune record of an Entra device, last synced lastSync days ago.
func devIntune(id string, of facts.EntraDevice, serial string, lastSync int) facts.ManagedDevice {
	return facts.ManagedDevice{
		ID: id, AzureADDeviceID: of.DeviceID, DeviceName: of.DisplayName, SerialNumber: serial, OperatingSystem: "Windows",
		ManagementAgent: "mdm", ManagedDeviceOwnerType: "company", DeviceEnrollmentType: "windowsAzureADJoin",
		ComplianceState: "compliant", EnrolledDateTime: devDaysAgo(lastSync + 100), LastSyncDateTime: devDaysAgo(lastSync),
	}
}

func enrDefaultRestriction(blockWindows, blockPersonal bool) facts.EnrollmentConfig {
	return facts.EnrollmentConfig{ID: "tenant_DefaultPlatformRestrictions", DisplayName: "All users and all devices",
		Type: "deviceEnrollmentPlatformRestrictionsConfiguration", Priority: 0, AllUsers: true,
		Windows: &facts.PlatformRestriction{PlatformBlocked: blockWindows, PersonalDeviceEnrollmentBlocked: blockPersonal}}
}

func enrRestriction(name string, priority int, blockWindows, blockPersonal bool, groups ...string) facts.EnrollmentConfig {
	return facts.EnrollmentConfig{ID: "pr-" + name, DisplayName: name, Type: "deviceEnrollmentPlatformRestrictionsConfiguration",
		Priority: priority, AssignedGroups: groups,
		Windows: &facts.PlatformRestriction{PlatformBlocked: blockWindows, PersonalDeviceEnrollmentBlocked: blockPersonal}}
}

func enrDefaultLimit(limit int) facts.EnrollmentConfig {
	return facts.EnrollmentConfig{ID: "tenant_DefaultLimit", DisplayName: "All users and all devices",
		Type: "deviceEnrollmentLimitConfiguration", Priority: 0, Limit: limit, AllUsers: true}
}

func enrLimit(name string, priority, limit int, groups ...string) facts.EnrollmentConfig {
	return facts.EnrollmentConfig{ID: "lim-" + name, DisplayName: name, Type: "deviceEnrollmentLimitConfiguration",
		Priority: priority, Limit: limit, AssignedGroups: groups}
}

// devJudge evaluates a catalog check through the engine and expects exactly one result.
func devJudge(t *testing.T, id string, f *facts.Facts) Result {
	t.Helper()
	c, ok := Lookup(id)
	if !ok {
		t.Fatalf("check %s is not in the catalog", id)
	}
	rs := Evaluate(c, f)
	if len(rs) != 1 {
		t.Fatalf("%s: %d results, want 1: %+v", id, len(rs), rs)
	}
	return rs[0]
}
