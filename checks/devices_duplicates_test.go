package checks

import (
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

func TestDevicesDuplicates(t *testing.T) {
	lapJoined := devWindows("LAPTOP-1", "AzureAd", true, 1)
	lapRegisteredStale := devWindows("LAPTOP-1", "Workplace", false, 120)
	lapRegisteredDisabled := lapRegisteredStale
	lapRegisteredDisabled.AccountEnabled = false
	lapRegisteredLive := devWindows("LAPTOP-1", "Workplace", false, 3)
	lapJoinedUnmanaged := devWindows("LAPTOP-1", "AzureAd", false, 1)
	lapRegisteredManaged := devWindows("LAPTOP-1", "Workplace", true, 2)

	hybrid := devWindows("HYB-1", "ServerAd", true, 1)
	autopilotObject := devWindows("HYB-1", "AzureAd", false, 90)
	autopilotObject.PhysicalIDs = []string{"[ZTDID]:d1a2b3c4-0000-4000-8000-000000000001", "[OrderId]:pilot"}
	cloudTwin := devWindows("HYB-1", "AzureAd", false, 90)

	phoneA := facts.EntraDevice{ID: "obj-phone-a", DeviceID: "dev-phone-a", DisplayName: "iPhone", TrustType: "Workplace", OperatingSystem: "iOS", ApproximateLastSignInDateTime: devDaysAgo(1)}
	phoneB := facts.EntraDevice{ID: "obj-phone-b", DeviceID: "dev-phone-b", DisplayName: "iPhone", TrustType: "Workplace", OperatingSystem: "iOS", ApproximateLastSignInDateTime: devDaysAgo(2)}
	other := devWindows("DESK-2", "AzureAd", true, 1)
	oldJoin := devWindows("LAPTOP-1", "AzureAd", false, 75)
	oldJoin.ID, oldJoin.DeviceID = "obj-before-reset", "dev-before-reset"

	freshEnrollment := devIntune("md-new", lapJoined, "SN-1", 0)
	oldEnrollment := devIntune("md-old", lapJoined, "SN-1", 60)
	oldEnrollment.AzureADDeviceID = "00000000-0000-0000-0000-000000000000"
	secondLive := devIntune("md-second", lapJoined, "SN-1", 2)
	secondLive.AzureADDeviceID = "dev-other-identity"
	sameIDOld := devIntune("md-same-id-old", lapJoined, "", 45)
	sameIDNew := devIntune("md-same-id-new", lapJoined, "", 1)
	placeholderA := devIntune("md-oem-a", lapJoined, "To be filled by O.E.M.", 1)
	placeholderB := devIntune("md-oem-b", other, "To be filled by O.E.M.", 1)

	const (
		disableStaleRegistered = "PATCH https://graph.microsoft.com/v1.0/devices/obj-LAPTOP-1-Workplace"
		deleteStaleRegistered  = "DELETE https://graph.microsoft.com/v1.0/devices/obj-LAPTOP-1-Workplace"
		disableStaleCloudTwin  = "PATCH https://graph.microsoft.com/v1.0/devices/obj-HYB-1-AzureAd"
		deleteOldEnrollment    = "DELETE https://graph.microsoft.com/v1.0/deviceManagement/managedDevices/md-old"
		deleteSameIDOld        = "DELETE https://graph.microsoft.com/v1.0/deviceManagement/managedDevices/md-same-id-old"
	)

	for _, tc := range []struct {
		name     string
		entra    []facts.EntraDevice
		managed  []facts.ManagedDevice
		want     []Status // one per result, worst first
		subject  string   // of the first result
		summary  string   // in the first result's summary
		requests []string // every planned fix request, in order
	}{
		{name: "no devices at all", want: []Status{Pass}, summary: "no devices"},
		{name: "one joined device enrolled once", entra: []facts.EntraDevice{lapJoined}, managed: []facts.ManagedDevice{freshEnrollment},
			want: []Status{Pass}, summary: "No device"},
		{name: "registeredDevices and ownedDevices list the same record twice", entra: []facts.EntraDevice{lapJoined, lapJoined},
			managed: []facts.ManagedDevice{freshEnrollment}, want: []Status{Pass}},
		{name: "stale registered record beside the joined one", entra: []facts.EntraDevice{lapJoined, lapRegisteredStale},
			managed: []facts.ManagedDevice{freshEnrollment}, want: []Status{Warn}, subject: "LAPTOP-1",
			summary: "Microsoft Entra registered record is stale", requests: []string{disableStaleRegistered}},
		{name: "a stale record disabled already is offered for deletion", entra: []facts.EntraDevice{lapJoined, lapRegisteredDisabled},
			managed: []facts.ManagedDevice{freshEnrollment}, want: []Status{Warn}, subject: "LAPTOP-1",
			summary: "Microsoft Entra registered record is stale", requests: []string{deleteStaleRegistered}},
		{name: "hybrid Autopilot pair is by design", entra: []facts.EntraDevice{hybrid, autopilotObject},
			managed: []facts.ManagedDevice{devIntune("md-hyb", hybrid, "SN-H", 1)}, want: []Status{Pass}},
		{name: "hybrid beside a plain joined record is a duplicate", entra: []facts.EntraDevice{hybrid, cloudTwin},
			managed: []facts.ManagedDevice{devIntune("md-hyb", hybrid, "SN-H", 1)}, want: []Status{Warn}, subject: "HYB-1",
			summary: "Microsoft Entra joined record is stale", requests: []string{disableStaleCloudTwin}},
		{name: "stale hybrid record is not offered for deletion", entra: []facts.EntraDevice{devWindows("HYB-1", "ServerAd", true, 200), devWindows("HYB-1", "AzureAd", true, 1)},
			want: []Status{Warn}, summary: "hybrid joined record is stale"},
		{name: "Intune manages it but Entra says not managed", entra: []facts.EntraDevice{lapJoinedUnmanaged},
			managed: []facts.ManagedDevice{devIntune("md-1", lapJoinedUnmanaged, "SN-1", 1)}, want: []Status{Fail}, subject: "LAPTOP-1",
			summary: "says it is not managed"},
		{name: "an old Intune record pointing at an unmanaged record is history, not a block", entra: []facts.EntraDevice{lapJoinedUnmanaged},
			managed: []facts.ManagedDevice{devIntune("md-1", lapJoinedUnmanaged, "SN-1", 200)}, want: []Status{Pass}},
		{name: "joined but Intune manages the registered record", entra: []facts.EntraDevice{lapJoinedUnmanaged, lapRegisteredManaged},
			managed: []facts.ManagedDevice{devIntune("md-1", lapRegisteredManaged, "SN-1", 1)}, want: []Status{Fail},
			summary: "joined but not managed"},
		{name: "a silent record Intune still manages through is not offered for deletion",
			entra:   []facts.EntraDevice{lapJoined, devWindows("LAPTOP-1", "Workplace", true, 60)},
			managed: []facts.ManagedDevice{devIntune("md-via-registration", devWindows("LAPTOP-1", "Workplace", true, 60), "SN-1", 1)},
			want:    []Status{Warn}, summary: "registered record is stale"},
		{name: "registered and joined both in use", entra: []facts.EntraDevice{lapJoined, lapRegisteredLive},
			managed: []facts.ManagedDevice{freshEnrollment}, want: []Status{Warn}, summary: "in use at once"},
		{name: "two live Intune records for one serial", entra: []facts.EntraDevice{lapJoined},
			managed: []facts.ManagedDevice{freshEnrollment, secondLive}, want: []Status{Fail}, summary: "all still check in (serial number SN-1)"},
		{name: "stale Intune record for one serial", entra: []facts.EntraDevice{lapJoined},
			managed: []facts.ManagedDevice{freshEnrollment, oldEnrollment}, want: []Status{Warn},
			summary: "recorded twice in Intune", requests: []string{deleteOldEnrollment}},
		{name: "stale Intune record for one Entra device id", entra: []facts.EntraDevice{lapJoined},
			managed: []facts.ManagedDevice{sameIDNew, sameIDOld}, want: []Status{Warn}, requests: []string{deleteSameIDOld}},
		{name: "firmware placeholder serials do not link machines", entra: []facts.EntraDevice{lapJoined, other},
			managed: []facts.ManagedDevice{placeholderA, placeholderB}, want: []Status{Pass}},
		{name: "a reset laptop joined again leaves its old joined record", entra: []facts.EntraDevice{lapJoined, oldJoin},
			managed: []facts.ManagedDevice{freshEnrollment}, want: []Status{Warn}, summary: "Microsoft Entra joined record is stale",
			requests: []string{"PATCH https://graph.microsoft.com/v1.0/devices/obj-before-reset"}},
		{name: "phones of the same name are different phones", entra: []facts.EntraDevice{phoneA, phoneB}, want: []Status{Pass}},
		{name: "one result per device, failures first", entra: []facts.EntraDevice{lapJoined, lapRegisteredStale, devWindows("DESK-9", "AzureAd", false, 1)},
			managed: []facts.ManagedDevice{freshEnrollment, devIntune("md-9", devWindows("DESK-9", "AzureAd", false, 1), "SN-9", 1)},
			want:    []Status{Fail, Warn}, subject: "DESK-9", requests: []string{disableStaleRegistered}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := devFacts("alice@contoso.com")
			f.UserDevices, f.ManagedDevices = tc.entra, tc.managed
			c, _ := Lookup("devices.duplicates")
			rs := Evaluate(c, f)
			if len(rs) != len(tc.want) {
				t.Fatalf("%d results, want %d: %+v", len(rs), len(tc.want), rs)
			}
			var requests []string
			for i, r := range rs {
				if r.Status != tc.want[i] {
					t.Errorf("result %d: status %s, want %s: %s", i, r.Status, tc.want[i], r.Summary)
				}
				if r.Explanation == "" || len(r.Evidence) == 0 {
					t.Errorf("result %d: no explanation or evidence", i)
				}
				if r.Status != Pass && r.Remediation == "" {
					t.Errorf("result %d: %s without remediation", i, r.Status)
				}
				for _, e := range r.Evidence {
					if !strings.HasPrefix(e.Source, "GET /v1.0/users/alice@contoso.com/") {
						t.Errorf("evidence source %q does not name the request", e.Source)
					}
				}
				for _, fx := range r.Fixes {
					// The reversible disable comes first; a delete of an Entra record also reads its
					// BitLocker keys' and LAPS password's metadata.
					entra := strings.Contains(fx.Requests[0].URL(), "/v1.0/devices/")
					switch {
					case fx.ID == "devices.duplicates.disable-stale" && fx.Reversible && entra && len(fx.Permissions) == 1:
					case fx.ID == "devices.duplicates.delete-stale" && !fx.Reversible && entra && len(fx.Permissions) == 3:
					case fx.ID == "devices.duplicates.delete-stale" && !fx.Reversible && !entra && len(fx.Permissions) == 1:
					default:
						t.Errorf("fix %+v: want a reversible disable-stale or an irreversible delete-stale with its permissions", fx)
					}
					for _, rq := range fx.Requests {
						requests = append(requests, rq.Method()+" "+rq.URL())
					}
				}
			}
			if tc.subject != "" && rs[0].Subject != tc.subject {
				t.Errorf("subject %q, want %q", rs[0].Subject, tc.subject)
			}
			if tc.want[0] == Pass && rs[0].Subject != "alice@contoso.com" {
				t.Errorf("pass subject %q, want the user", rs[0].Subject)
			}
			if !strings.Contains(rs[0].Summary, tc.summary) {
				t.Errorf("summary %q lacks %q", rs[0].Summary, tc.summary)
			}
			if strings.Join(requests, "\n") != strings.Join(tc.requests, "\n") {
				t.Errorf("fix requests\n%s\nwant\n%s", strings.Join(requests, "\n"), strings.Join(tc.requests, "\n"))
			}
		})
	}
}

func TestDevicesDuplicatesNamesTheStaleRecordAndWhy(t *testing.T) {
	f := devFacts("carol@contoso.com")
	f.UserDevices = []facts.EntraDevice{devWindows("CAROL-LT", "AzureAd", true, 1), devWindows("CAROL-LT", "Workplace", false, 120)}
	r := devJudge(t, "devices.duplicates", f)
	var stale, kept string
	for _, e := range r.Evidence {
		switch {
		case strings.Contains(e.Detail, "Workplace"), strings.Contains(e.Detail, "registered, object id"):
			stale = e.Detail
		case strings.Contains(e.Detail, "joined"):
			kept = e.Detail
		}
	}
	if !strings.Contains(stale, "stale") || !strings.Contains(stale, "120 days ago") {
		t.Errorf("stale record evidence %q should say stale and when it was last active", stale)
	}
	if !strings.Contains(kept, "kept") {
		t.Errorf("kept record evidence %q should say it is kept", kept)
	}
	if !strings.Contains(r.Remediation, "Devices > All devices") || !strings.Contains(r.Remediation, "dev-CAROL-LT-Workplace") {
		t.Errorf("remediation should lead to the record by its device id: %q", r.Remediation)
	}
}

func TestDevicesDuplicatesFixFollowsTheCloud(t *testing.T) {
	for cloud, want := range map[string]string{
		"public":   "https://graph.microsoft.com/v1.0/devices/obj-LT-Workplace",
		"usgov":    "https://graph.microsoft.us/v1.0/devices/obj-LT-Workplace",
		"usgovdod": "https://dod-graph.microsoft.us/v1.0/devices/obj-LT-Workplace",
		"china":    "https://microsoftgraph.chinacloudapi.cn/v1.0/devices/obj-LT-Workplace",
	} {
		f := devFacts("alice@contoso.com")
		f.Cloud = cloud
		f.UserDevices = []facts.EntraDevice{devWindows("LT", "AzureAd", true, 1), devWindows("LT", "Workplace", false, 90)}
		r := devJudge(t, "devices.duplicates", f)
		if len(r.Fixes) != 1 || r.Fixes[0].Requests[0].URL() != want {
			t.Errorf("%s: fixes %+v, want one PATCH of %s", cloud, r.Fixes, want)
		}
	}
}

func BenchmarkDevicesDuplicates(b *testing.B) {
	f := devFacts("load@contoso.com")
	for i := range 200 {
		name := "PC-" + strings.Repeat("x", i%7) + string(rune('A'+i%26)) + string(rune('a'+i/26))
		joined := devWindows(name, "AzureAd", true, i%40)
		f.UserDevices = append(f.UserDevices, joined, devWindows(name, "Workplace", false, 60+i%40))
		f.ManagedDevices = append(f.ManagedDevices, devIntune("md-"+name, joined, "SN-"+name, i%40))
	}
	c, _ := Lookup("devices.duplicates")
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(c, f)
	}
}
