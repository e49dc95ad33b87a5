package checks

import (
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// The Intune device limit applies to work-account (Add work account) enrollments, which count, and not
// to Entra join, Group Policy and the other corporate paths; the Entra quota does not apply to hybrid
// joined devices (limitsDocs).
func TestDevicesLimitsByPath(t *testing.T) {
	limited := func(path facts.EnrollmentPath) *facts.Facts {
		f := devFacts("ria@contoso.com")
		f.Target.Path = path
		f.RegistrationPolicy.AzureADJoin = facts.Membership{Kind: "all"}
		f.RegistrationPolicy.AzureADRegistration = facts.Membership{Kind: "all"}
		f.RegistrationPolicy.UserDeviceQuota = 50
		f.EnrollmentConfigs = []facts.EnrollmentConfig{enrDefaultLimit(2)}
		// Two personal laptops the user added a work account on: windowsAutoEnrollment counts.
		for _, name := range []string{"LAPTOP-1", "LAPTOP-2"} {
			d := devWindows(name, "Workplace", true, 1)
			m := devIntune("md-"+name, d, "SN-"+name, 1)
			m.DeviceEnrollmentType, m.ManagedDeviceOwnerType = "windowsAutoEnrollment", "personal"
			f.UserDevices, f.ManagedDevices = append(f.UserDevices, d), append(f.ManagedDevices, m)
		}
		return f
	}
	if r := devJudge(t, "devices.limits", limited(facts.PathRegister)); r.Status != Warn || !strings.Contains(r.Summary, "2 Intune enrollments") {
		t.Errorf("work account at the limit: %s %q, want a warning counting the two windowsAutoEnrollment records", r.Status, r.Summary)
	}
	if r := devJudge(t, "devices.limits", limited(facts.PathJoin)); r.Status != Pass {
		t.Errorf("Entra join: %s %q, want pass (the Intune limit does not apply to it)", r.Status, r.Summary)
	}
	// A hybrid joined device (Group Policy) is exempt even when Intune calls it windowsAutoEnrollment.
	f := limited(facts.PathRegister)
	for i := range f.UserDevices {
		f.UserDevices[i].TrustType = "ServerAd"
	}
	if r := devJudge(t, "devices.limits", f); r.Status != Pass {
		t.Errorf("hybrid joined auto-enrollments: %s %q, want pass (not counted)", r.Status, r.Summary)
	}
	// The Entra quota counts joined and registered devices, not hybrid joined ones, and is not judged
	// for a hybrid joined device.
	q := limited(facts.PathGPO)
	q.RegistrationPolicy.UserDeviceQuota = 1
	q.UserDevices = devEntraRecords(3, "AzureAd")
	if r := devJudge(t, "devices.limits", q); r.Status != Pass {
		t.Errorf("Group Policy with the quota exceeded by joined devices: %s %q, want pass", r.Status, r.Summary)
	}
	q.Target.Path = facts.PathJoin
	if r := devJudge(t, "devices.limits", q); r.Status != Fail {
		t.Errorf("Entra join with the quota exceeded: %s %q, want fail", r.Status, r.Summary)
	}
}
