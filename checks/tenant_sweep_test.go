package checks

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// sweepTenant is a small tenant with one device of each kind the sweep knows, and healthy ones.
func sweepTenant() *facts.Facts {
	f := tenantFacts()
	alice := owned("ALICE-LT", "AzureAd", true, 1, "alice@contoso.com")
	carol := owned("CAROL-LT", "AzureAd", true, 1, "carol@contoso.com")
	carolOld := owned("CAROL-LT", "Workplace", false, 150, "carol@contoso.com")
	frank := owned("FRANK-LT1", "AzureAd", false, 1, "frank@contoso.com")
	eve := owned("EVE-LT", "AzureAd", false, 3, "eve@contoso.com")
	phone := facts.EntraDevice{ID: "obj-phone-1", DeviceID: "dev-phone", DisplayName: "iPhone", TrustType: "Workplace", OperatingSystem: "iOS", ApproximateLastSignInDateTime: devDaysAgo(1)}
	phone2 := phone
	phone2.ID, phone2.DeviceID = "obj-phone-2", "dev-phone-2"
	f.AllDevices = []facts.EntraDevice{alice, carol, carolOld, frank, eve, phone, phone2}
	ghost := devIntune("md-ghost", facts.EntraDevice{DeviceID: "dev-deleted", DisplayName: "GHOST-PC"}, "SN-GHOST", 1)
	gone := devIntune("md-gone", facts.EntraDevice{DeviceID: "dev-deleted-long-ago", DisplayName: "OLD-PC"}, "SN-OLD", 80)
	copyA := devIntune("md-copy-a", facts.EntraDevice{DeviceID: "dev-deleted-twice", DisplayName: "TWIN-PC"}, "SN-TWIN", 1)
	copyB := devIntune("md-copy-b", facts.EntraDevice{DeviceID: "dev-deleted-twice", DisplayName: "TWIN-PC"}, "SN-TWIN", 2)
	phoneMD := facts.ManagedDevice{ID: "md-phone", AzureADDeviceID: "dev-phone-gone", DeviceName: "iPhone", OperatingSystem: "iOS", LastSyncDateTime: devDaysAgo(1)}
	f.AllManagedDevices = []facts.ManagedDevice{devIntune("md-alice", alice, "SN-ALICE", 0), devIntune("md-carol", carol, "SN-CAROL", 0),
		devIntune("md-frank", frank, "SN-FRANK", 0), ghost, gone, copyA, copyB, phoneMD}
	f.MDMPolicy = &facts.MobilityPolicy{ID: "p", AppliesTo: "selected", Present: true, IncludedGroups: []facts.Group{{ID: "g", DisplayName: "Intune Users"}}}
	f.ScopeMembers = &facts.ScopeMembers{MDM: []string{"alice@contoso.com", "carol@contoso.com", "eve@contoso.com", "frank@contoso.com"}}
	return f
}

func TestTenantSweepFindsEachKind(t *testing.T) {
	f := sweepTenant()
	s := TenantSweep(f)
	type got struct {
		kind   SweepKind
		status Status
		device string
	}
	var all []got
	for _, d := range s.Findings {
		all = append(all, got{d.Kind, d.Status, d.Device})
	}
	want := []got{
		{SweepDuplicate, Fail, "FRANK-LT1"}, // Intune manages it, Entra says unmanaged
		{SweepDuplicate, Fail, "TWIN-PC"},   // two live Intune records, Entra device gone
		{SweepDuplicate, Warn, "CAROL-LT"},  // stale registered twin
		{SweepOrphan, Fail, "GHOST-PC"},     // checks in, Entra device gone
		{SweepOrphan, Warn, "OLD-PC"},       // stale, Entra device gone
		{SweepNeverEnrolled, Fail, "EVE-LT"},
	}
	if !slices.Equal(all, want) {
		t.Fatalf("findings\n %v\nwant\n %v", all, want)
	}
	if s.EntraRecords != 5 || s.IntuneRecords != 7 || s.Devices != 7 || !s.ScopeJudged {
		t.Errorf("counted %d Entra, %d Intune Windows records, %d devices (scope judged %t); want 5, 7, 7", s.EntraRecords, s.IntuneRecords, s.Devices, s.ScopeJudged)
	}
	// The stale registered record and the stale orphan are planned for deletion; the kept record is
	// marked as such for the export.
	carol := s.Findings[2]
	actions := map[string]string{}
	for _, r := range carol.Records {
		actions[r.ObjectID] = r.Action
	}
	if actions["obj-CAROL-LT-Workplace"] != "disable" || actions["obj-CAROL-LT-AzureAd"] != "keep" || actions["md-carol"] != "review" {
		t.Errorf("CAROL-LT actions %v", actions)
	}
	if !hasFix(carol.result, "devices.duplicates.disable-stale") || !hasFix(s.Findings[4].result, "devices.duplicates.delete-stale") || len(s.Findings[3].result.Fixes) != 0 {
		t.Errorf("disable-stale and delete-stale planned on the wrong findings")
	}

	rs := tenantJudge(t, "devices.duplicates", f)
	if len(rs) != 5 || rs[0].Subject != "FRANK-LT1" || rs[4].Subject != "OLD-PC" {
		t.Errorf("devices.duplicates: %d results, first %q", len(rs), rs[0].Subject)
	}
	for _, r := range rs {
		if r.ID != "devices.duplicates" || len(r.Evidence) == 0 || r.Remediation == "" {
			t.Errorf("%s: result without evidence or remediation: %+v", r.Subject, r)
		}
	}
	scope := tenantJudge(t, "scope.mdm", f)
	if len(scope) != 2 || scope[1].Subject != "EVE-LT" {
		t.Errorf("scope.mdm: %+v", scope)
	}
}

// TestTenantSweepWithoutScope: when the MDM scope cannot be read, duplicates are still judged and
// never-enrolled devices are not guessed at.
func TestTenantSweepWithoutScope(t *testing.T) {
	f := sweepTenant()
	f.Apply(facts.Delta{Source: facts.SrcScopeMembers, Err: errors.New("403 Forbidden")})
	s := TenantSweep(f)
	if s.ScopeJudged || s.Count(SweepNeverEnrolled) != 0 || s.Count(SweepDuplicate) != 3 || s.Count(SweepOrphan) != 2 {
		t.Errorf("without scope: judged %t, %d never enrolled, %d duplicates, %d orphans", s.ScopeJudged, s.Count(SweepNeverEnrolled), s.Count(SweepDuplicate), s.Count(SweepOrphan))
	}
	if r := tenantJudge(t, "scope.mdm", f); len(r) != 1 || r[0].Status != Error {
		t.Errorf("scope.mdm without its members: %+v", r)
	}
	if rs := tenantJudge(t, "devices.duplicates", f); len(rs) != 5 {
		t.Errorf("devices.duplicates without scope: %d results", len(rs))
	}
}

func TestTenantSweepHealthyPasses(t *testing.T) {
	f := tenantFacts()
	a, b := devWindows("PC-1", "AzureAd", true, 1), devWindows("PC-2", "ServerAd", true, 2)
	f.AllDevices = []facts.EntraDevice{a, b}
	f.AllManagedDevices = []facts.ManagedDevice{devIntune("md-1", a, "SN-1", 0), devIntune("md-2", b, "SN-2", 1)}
	r := tenantJudgeOne(t, "devices.duplicates", f)
	if r.Status != Pass || !strings.Contains(r.Summary, "2 Windows devices") || r.Subject != f.Target.TenantID {
		t.Errorf("%s %q subject %q", r.Status, r.Summary, r.Subject)
	}
}

// TestSweepFindings: the sweep's counts and the records an export lists (the writers are tested in report).
func TestSweepFindings(t *testing.T) {
	s := TenantSweep(sweepTenant())
	if s.Count(SweepDuplicate) != 3 || s.Count(SweepOrphan) != 2 || s.Count(SweepNeverEnrolled) != 1 || s.Devices != 7 ||
		len(s.Findings) != 6 || s.Findings[5].Status != Fail {
		t.Errorf("sweep: %d duplicates, %d orphans, %d never enrolled, %d devices, %d findings", s.Count(SweepDuplicate),
			s.Count(SweepOrphan), s.Count(SweepNeverEnrolled), s.Devices, len(s.Findings))
	}
	found := false
	for _, d := range s.Findings {
		for _, r := range d.Records {
			if d.Kind == SweepOrphan && d.Device == "OLD-PC" {
				found = true
				if r.Directory != "intune" || r.Action != "delete" || r.ObjectID != "md-gone" {
					t.Errorf("OLD-PC record %+v", r)
				}
			}
		}
	}
	if !found {
		t.Error("the orphaned OLD-PC is not among the findings")
	}
}

// scaleFacts is a tenant of n Windows devices, each joined and enrolled once, where every 50th device
// in turn is a stale registered twin, an orphaned Intune record or a second Intune enrollment.
func scaleFacts(n int) *facts.Facts {
	f := tenantFacts()
	f.AllDevices = make([]facts.EntraDevice, 0, n)
	f.AllManagedDevices = make([]facts.ManagedDevice, 0, n)
	for i := range n {
		e := owned(fmt.Sprintf("WIN-%06d", i), "AzureAd", true, i%20, fmt.Sprintf("user%06d@contoso.com", i))
		e.ID, e.DeviceID = fmt.Sprintf("obj-%06d", i), fmt.Sprintf("dev-%06d", i)
		m := devIntune(fmt.Sprintf("md-%06d", i), e, fmt.Sprintf("SN%06d", i), i%10)
		switch i % 50 {
		case 10:
			e.DisplayName, e.TrustType, e.IsManaged = fmt.Sprintf("WIN-%06d", i-1), "Workplace", false
			e.ApproximateLastSignInDateTime = devDaysAgo(200)
			m.AzureADDeviceID, m.DeviceName, m.LastSyncDateTime = fmt.Sprintf("gone-%06d", i), fmt.Sprintf("GONE-%06d", i), devDaysAgo(60)
		case 30:
			e.TrustType, e.IsManaged = "Workplace", false
			m.AzureADDeviceID, m.SerialNumber = fmt.Sprintf("dev-%06d", i-1), fmt.Sprintf("SN%06d", i-1)
			m.LastSyncDateTime = devDaysAgo(90)
		}
		f.AllDevices = append(f.AllDevices, e)
		f.AllManagedDevices = append(f.AllManagedDevices, m)
	}
	return f
}

func TestTenantSweepAtScale(t *testing.T) {
	s := TenantSweep(scaleFacts(5000))
	if s.Count(SweepDuplicate) != 200 || s.Count(SweepOrphan) != 100 || s.EntraRecords != 5000 || s.IntuneRecords != 5000 {
		t.Errorf("%d duplicates, %d orphans over %d/%d records; want 200, 100 over 5000/5000",
			s.Count(SweepDuplicate), s.Count(SweepOrphan), s.EntraRecords, s.IntuneRecords)
	}
}

// BenchmarkTenantSweep matches 100,000 Entra devices with 100,000 Intune devices (the sweep's matching
// alone, facts already decoded) and reports records per second and the heap the matching adds.
func BenchmarkTenantSweep(b *testing.B) {
	f := scaleFacts(100_000)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		if s := TenantSweep(f); s.Count(SweepDuplicate) != 4000 {
			b.Fatalf("%d duplicates", s.Count(SweepDuplicate))
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(200_000*b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "MB-alloc/op")
}

// TestWalkthroughSharesOneGrouping: the two device judgments of one walkthrough group the records once,
// and group them again when the facts hold new lists (a re-read).
func TestWalkthroughSharesOneGrouping(t *testing.T) {
	var scope, devices Check
	for _, c := range Walkthrough() {
		switch c.ID {
		case "scope.mdm":
			scope = c
		case "devices.duplicates":
			devices = c
		}
	}
	f := sweepTenant()
	if got := len(Evaluate(devices, f)); got != 5 {
		t.Fatalf("devices.duplicates: %d results, want 5", got)
	}
	if rs := Evaluate(scope, f); len(rs) != 2 || rs[1].Subject != "EVE-LT" {
		t.Fatalf("scope.mdm after devices.duplicates: %+v", rs)
	}
	// A re-read: FRANK-LT1 is now managed in Entra, and EVE-LT enrolled.
	reread := slices.Clone(f.AllDevices)
	reread[3].IsManaged, reread[4].IsManaged = true, true
	f.AllDevices = reread
	f.AllManagedDevices = append(slices.Clone(f.AllManagedDevices), devIntune("md-eve", reread[4], "SN-EVE", 0))
	if got := len(Evaluate(devices, f)); got != 4 {
		t.Errorf("devices.duplicates after the re-read: %d results, want 4", got)
	}
	if rs := Evaluate(scope, f); len(rs) != 1 {
		t.Errorf("scope.mdm after the re-read: %d results, want the verdict alone", len(rs))
	}
}

// BenchmarkWalkthroughDeviceChecks judges 100,000 + 100,000 records with the walkthrough's
// devices.duplicates and scope.mdm checks, as a tenant run ends: one shared grouping, then each
// check's own findings and results.
func BenchmarkWalkthroughDeviceChecks(b *testing.B) {
	f := scaleFacts(100_000)
	for b.Loop() {
		n := 0
		for _, c := range Walkthrough() {
			if c.ID == "scope.mdm" || c.ID == "devices.duplicates" {
				n += len(Evaluate(c, f))
			}
		}
		if n != 4000+2000+1 {
			b.Fatalf("%d results", n)
		}
	}
	b.ReportMetric(float64(200_000*b.N)/b.Elapsed().Seconds(), "records/s")
}

// TestTenantRunFedGrouping: records fed while they stream in, Entra and Intune interleaved, group the
// tenant as the lists do; a feed that does not match the facts judged is set aside.
func TestTenantRunFedGrouping(t *testing.T) {
	f := sweepTenant()
	judge := func(r *TenantRun) []string {
		var out []string
		for _, c := range r.Checks() {
			if c.ID == "devices.duplicates" || c.ID == "scope.mdm" {
				for _, res := range Evaluate(c, f) {
					out = append(out, fmt.Sprintf("%s %s %s", res.ID, res.Subject, res.Status))
				}
			}
		}
		return out
	}
	want := judge(NewTenantRun())
	fed := NewTenantRun()
	for i := range max(len(f.AllDevices), len(f.AllManagedDevices)) {
		if i < len(f.AllManagedDevices) {
			fed.AddManagedDevice(f.AllManagedDevices[i])
		}
		if i < len(f.AllDevices) {
			fed.AddEntraDevice(f.AllDevices[i])
		}
	}
	if got := judge(fed); !slices.Equal(got, want) {
		t.Errorf("fed grouping judged\n %v\nlists judged\n %v", got, want)
	}
	// The fed grouping is the one judged: a fed record named like another device joins it.
	renamed := NewTenantRun()
	for _, e := range f.AllDevices {
		if e.DisplayName == "ALICE-LT" {
			e.DisplayName = "CAROL-LT"
		}
		renamed.AddEntraDevice(e)
	}
	for _, m := range f.AllManagedDevices {
		renamed.AddManagedDevice(m)
	}
	if got := judge(renamed); slices.Equal(got, want) {
		t.Errorf("the fed grouping was not used: %v", got)
	}
	short := NewTenantRun()
	for _, e := range f.AllDevices[1:] {
		short.AddEntraDevice(e)
	}
	if got := judge(short); !slices.Equal(got, want) {
		t.Errorf("a feed that is not the facts was used:\n %v", got)
	}
}
