package graph_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/graph"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

// scale starts the generated tenant and signs in to it.
func scale(t testing.TB, opts graphtest.ScaleOptions) (*graphtest.Scale, *graph.Client) {
	t.Helper()
	srv, err := graphtest.NewScale(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	c, err := graph.New(context.Background(), graph.Config{Auth: graph.AuthToken, AccessToken: srv.Token(), GraphURL: srv.URL(), StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// sweep runs the device sweep alone to the end and applies its deltas to tenant facts whose MDM scope
// is All, so that every joined device's owner is in scope.
func sweep(ctx context.Context, c *graph.Client) *facts.Facts {
	f := facts.New("public", facts.Target{Kind: facts.TargetTenant}, time.Now())
	f.Apply(facts.Delta{Source: facts.SrcMDMPolicy, Apply: func(f *facts.Facts) {
		f.MDMPolicy = &facts.MobilityPolicy{ID: facts.AppIntune, AppliesTo: "all", Present: true}
	}})
	f.Apply(facts.Delta{Source: facts.SrcScopeMembers, Apply: func(f *facts.Facts) { f.ScopeMembers = &facts.ScopeMembers{} }})
	out := make(chan facts.Delta, 2)
	go func() {
		c.ReadDevices(ctx, out)
		close(out)
	}()
	for d := range out {
		f.Apply(d)
	}
	return f
}

// TestSweepPagesThroughThrottling: with 429 and Retry-After on some pages of both collections, every
// page and every record arrives, once, and the sweep finds exactly what the generator planted.
func TestSweepPagesThroughThrottling(t *testing.T) {
	const n = 12_500
	srv, c := scale(t, graphtest.ScaleOptions{Devices: n, ThrottleEvery: 5})
	var mu sync.Mutex
	last := map[facts.Source]graph.SweepProgress{}
	ctx := graph.WithSweepProgress(context.Background(), func(p graph.SweepProgress) {
		mu.Lock()
		defer mu.Unlock()
		if prev := last[p.Source]; p.Records < prev.Records || prev.Done {
			t.Errorf("progress went back or went on after done: %+v after %+v", p, prev)
		}
		last[p.Source] = p
	})
	f := sweep(ctx, c)
	for _, s := range []facts.Source{facts.SrcAllDevices, facts.SrcAllManagedDevices} {
		if st := f.Status(s); st.State != facts.Loaded {
			t.Fatalf("%s: %v %s", s, st.State, st.Reason)
		}
	}
	served := srv.Served()
	if served.Throttled < 4 {
		t.Errorf("only %d pages throttled: the test does not exercise Retry-After", served.Throttled)
	}
	wantPages := (n + 998) / 999
	for _, coll := range []string{"/v1.0/devices", "/v1.0/deviceManagement/managedDevices"} {
		if served.Pages[coll] != wantPages || served.Records[coll] != n {
			t.Errorf("%s: served %d pages, %d records; want %d, %d (each once)", coll, served.Pages[coll], served.Records[coll], wantPages, n)
		}
	}
	if len(f.AllDevices) != n || len(f.AllManagedDevices) != n {
		t.Fatalf("read %d Entra and %d Intune devices, want %d each", len(f.AllDevices), len(f.AllManagedDevices), n)
	}
	seen := map[string]bool{}
	for _, d := range f.AllDevices {
		if seen[d.ID] || d.ID == "" || d.DeviceID == "" || d.OperatingSystem != "Windows" || d.RegistrationDateTime.IsZero() {
			t.Fatalf("record %+v repeated or incomplete", d)
		}
		seen[d.ID] = true
	}
	for _, s := range []facts.Source{facts.SrcAllDevices, facts.SrcAllManagedDevices} {
		if p := last[s]; !p.Done || p.Records != n || p.Pages != wantPages {
			t.Errorf("%s: last progress %+v, want done after %d records in %d pages", s, p, n, wantPages)
		}
	}
	planted := srv.Planted()
	if served.OwnerLookups != planted.NeverEnrolled {
		t.Errorf("%d owner lookups, want one per joined unmanaged device: %d", served.OwnerLookups, planted.NeverEnrolled)
	}
	s := checks.TenantSweep(f)
	if s.Count(checks.SweepDuplicate) != planted.Duplicates || s.Count(checks.SweepOrphan) != planted.Orphans ||
		s.Count(checks.SweepNeverEnrolled) != planted.NeverEnrolled {
		t.Errorf("sweep found %d duplicates, %d orphans, %d never enrolled; planted %+v",
			s.Count(checks.SweepDuplicate), s.Count(checks.SweepOrphan), s.Count(checks.SweepNeverEnrolled), planted)
	}
}

// TestSweepOverTheDemoTenant pages the Contoso demo two records at a time through the regular fake,
// and reads the owner of its one joined device Entra calls unmanaged.
func TestSweepOverTheDemoTenant(t *testing.T) {
	srv, c := demo(t, "contoso")
	srv.SetPageSize(2)
	f := sweep(context.Background(), c)
	if len(f.AllDevices) != 12 || len(f.AllManagedDevices) != 5 {
		t.Fatalf("%d devices, %d managed; want 12, 5 (%s / %s)", len(f.AllDevices), len(f.AllManagedDevices),
			f.Status(facts.SrcAllDevices).Reason, f.Status(facts.SrcAllManagedDevices).Reason)
	}
	for _, d := range f.AllDevices {
		wantOwner := d.DisplayName == "FRANK-LT1"
		if wantOwner != slices.Equal(d.OwnerUPNs, []string{"frank@contoso.com"}) {
			t.Errorf("%s owners %v", d.DisplayName, d.OwnerUPNs)
		}
	}
	var owners, pages int
	for _, r := range srv.Requests() {
		switch {
		case strings.HasSuffix(r.Path, "/registeredOwners"):
			owners++
			if !r.Batch || r.Query.Get("$select") != "id,userPrincipalName" {
				t.Errorf("owner lookup %+v, want a $batch item with $select", r)
			}
		case r.Path == "/v1.0/devices":
			pages++
			if r.Query.Get("$top") != "999" || !strings.Contains(r.Query.Get("$select"), "trustType") || r.Query.Get("$expand") != "" {
				t.Errorf("device page %v, want $top=999, the sweep's $select and no $expand", r.Query)
			}
		}
	}
	if owners != 1 || pages != 6 {
		t.Errorf("%d owner lookups and %d device pages, want 1 and 6", owners, pages)
	}
}

// TestSweepFailuresStayWithTheirSource: a refused collection fails its own source with the permission
// to grant; the other collection is still read.
func TestSweepFailuresStayWithTheirSource(t *testing.T) {
	srv, c := demo(t, "contoso")
	srv.Inject(graphtest.Fault{Path: "/v1.0/deviceManagement/managedDevices", Status: 403})
	f := sweep(context.Background(), c)
	if st := f.Status(facts.SrcAllManagedDevices); st.State != facts.Failed || !strings.Contains(st.Reason, "DeviceManagementManagedDevices.Read.All") {
		t.Errorf("managed devices: %v %q", st.State, st.Reason)
	}
	if st := f.Status(facts.SrcAllDevices); st.State != facts.Loaded || len(f.AllDevices) != 12 {
		t.Errorf("Entra devices: %v %q", st.State, st.Reason)
	}

	srv.ClearFaults()
	srv.Inject(graphtest.Fault{Path: "/v1.0/devices/*/registeredOwners", Status: 403})
	f = sweep(context.Background(), c)
	if st := f.Status(facts.SrcAllDevices); st.State != facts.Failed || !strings.Contains(st.Reason, "owners") {
		t.Errorf("owner lookup refused: %v %q, want the Entra source failed naming the owners", st.State, st.Reason)
	}
}

// TestSweepStopsWhenCancelled: cancelling mid-sweep stops asking for pages, without a delta for the
// unfinished collections. It counts the pages asked for rather than timing the stop, which a loaded
// machine would make flaky.
func TestSweepStopsWhenCancelled(t *testing.T) {
	srv, c := scale(t, graphtest.ScaleOptions{Devices: 20_000})
	srv.SetLatency(50 * time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	ctx = graph.WithSweepProgress(ctx, func(p graph.SweepProgress) {
		// At least, not exactly: the two collections report together, so the count can step over 2.
		if p.Pages >= 2 {
			cancel()
		}
	})
	out := make(chan facts.Delta, 2)
	c.ReadDevices(ctx, out)
	close(out)
	// 20,000 devices at 999 a page are 21 pages per collection, 42 in all; after the second page only
	// the pages already asked for (the sweep looks ahead) may still be served.
	pages := 0
	for _, n := range srv.Served().Pages {
		pages += n
	}
	if pages > 12 {
		t.Errorf("%d of 42 pages were served to a sweep cancelled at its second; want at most 12", pages)
	}
	for d := range out {
		if d.Err == nil {
			t.Errorf("%s settled with data after cancel", d.Source)
		}
	}
}

// TestSweepHandsOutRecordsInOrder: WithSweepRecords sees every record as it is decoded, in the order
// the facts hold them, and a walkthrough fed that way judges as one that groups the lists itself.
func TestSweepHandsOutRecordsInOrder(t *testing.T) {
	srv, c := demo(t, "contoso")
	srv.SetPageSize(3)
	var mu sync.Mutex
	var entra, managed []string
	run := checks.NewTenantRun()
	ctx := graph.WithSweepRecords(context.Background(), graph.SweepRecords{
		Entra: func(e facts.EntraDevice) {
			mu.Lock()
			entra = append(entra, e.ID)
			mu.Unlock()
			run.AddEntraDevice(e)
		},
		Managed: func(m facts.ManagedDevice) {
			mu.Lock()
			managed = append(managed, m.ID)
			mu.Unlock()
			run.AddManagedDevice(m)
		},
	})
	f := sweep(ctx, c)
	var wantEntra, wantManaged []string
	for _, d := range f.AllDevices {
		wantEntra = append(wantEntra, d.ID)
	}
	for _, m := range f.AllManagedDevices {
		wantManaged = append(wantManaged, m.ID)
	}
	if !slices.Equal(entra, wantEntra) || !slices.Equal(managed, wantManaged) || len(entra) != 12 {
		t.Errorf("handed out %v / %v, facts hold %v / %v", entra, managed, wantEntra, wantManaged)
	}
	subjects := func(cs []checks.Check) []string {
		var out []string
		for _, c := range cs {
			if c.ID == "devices.duplicates" {
				for _, r := range checks.Evaluate(c, f) {
					out = append(out, r.Subject+" "+r.Status.String())
				}
			}
		}
		return out
	}
	if got, want := subjects(run.Checks()), subjects(checks.Walkthrough()); !slices.Equal(got, want) || len(got) != 3 {
		t.Errorf("fed walkthrough %v, unfed %v", got, want)
	}
}
