package runner

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/tui/stream"
)

var target = facts.Target{Kind: facts.TargetUser, User: "bob@contoso.com"}

func judgeCount(f *facts.Facts) []checks.Result {
	return []checks.Result{{Status: checks.Pass, Summary: "groups: " + string(rune('0'+len(f.MemberOf)))}}
}

func twoChecks() []checks.Check {
	user := []facts.TargetKind{facts.TargetUser}
	return []checks.Check{
		{ID: "a.fast", Modes: user, Needs: []facts.Source{facts.SrcMemberOf}, Judge: judgeCount},
		{ID: "b.slow", Modes: user, Needs: []facts.Source{facts.SrcLicenseDetails}, Judge: func(*facts.Facts) []checks.Result {
			return []checks.Result{{Status: checks.Fail, Summary: "no plan"}}
		}},
	}
}

// readers sends memberOf at once and licenseDetails when gate closes; it closes seenCancel when
// ctx ends while it still holds licenseDetails back.
func readers(gate <-chan struct{}, seenCancel chan<- struct{}) []facts.Reader {
	return []facts.Reader{
		facts.ReaderFunc(func(ctx context.Context, _ facts.Target, out chan<- facts.Delta) {
			out <- facts.Delta{Source: facts.SrcMemberOf, Apply: func(f *facts.Facts) { f.MemberOf = []facts.Group{{ID: "g1"}} }}
		}),
		facts.ReaderFunc(func(ctx context.Context, _ facts.Target, out chan<- facts.Delta) {
			select {
			case <-gate:
				out <- facts.Delta{Source: facts.SrcLicenseDetails, Apply: func(*facts.Facts) {}}
			case <-ctx.Done():
				close(seenCancel)
			}
		}),
	}
}

// drain runs the run's commands the way the program would, until DoneMsg, returning every event seen
// and calling each after each message.
func drain(t *testing.T, cmd tea.Cmd, each func(tea.Msg)) ([]checks.Event, DoneMsg) {
	t.Helper()
	var events []checks.Event
	next := cmd
	deadline := time.After(5 * time.Second)
	for next != nil {
		got := make(chan tea.Msg, 1)
		go func() { got <- next() }()
		var b stream.Batch
		select {
		case msg := <-got:
			b = msg.(stream.Batch)
		case <-deadline:
			t.Fatal("the run never finished")
		}
		for _, msg := range b.Msgs {
			each(msg)
			switch msg := msg.(type) {
			case EventMsg:
				events = append(events, msg.Event)
			case ProgressMsg:
			case DoneMsg:
				if b.More {
					t.Fatal("the stream went on after DoneMsg")
				}
				return events, msg
			default:
				t.Fatalf("unexpected %#v", msg)
			}
		}
		next = b.Next()
	}
	t.Fatal("the stream ended without DoneMsg")
	return nil, DoneMsg{}
}

func TestResultsStreamAsSourcesSettle(t *testing.T) {
	gate := make(chan struct{})
	spec := Spec{ID: 7, Target: target, Cloud: "public", Now: time.Now(), Readers: readers(gate, make(chan struct{})), Checks: twoChecks()}
	released := false
	events, done := drain(t, Start(context.Background(), spec), func(msg tea.Msg) {
		// The fast check is judged while the slow source is still held back; only then release it.
		if em, ok := msg.(EventMsg); ok && !released {
			e := em.Event
			if e.Kind == checks.CheckSettled && e.CheckID == "b.slow" {
				t.Error("b.slow judged before its source was released")
			}
			if e.Kind == checks.CheckSettled && e.CheckID == "a.fast" {
				released = true
				close(gate)
			}
		}
	})
	if !released {
		t.Fatal("a.fast was never judged on its own")
	}
	if done.ID != 7 || done.Cancelled || len(done.Results) != 2 || done.Results[0].ID != "a.fast" || done.Results[1].Status != checks.Fail {
		t.Fatalf("done = %+v", done)
	}
	var settled int
	for _, e := range events {
		if e.Kind == checks.SourceSettled {
			settled++
		}
	}
	if settled != 2 {
		t.Fatalf("%d sources settled, want 2", settled)
	}
}

func TestCancelEndsTheRunWithErrors(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	seen := make(chan struct{})
	spec := Spec{ID: 1, Target: target, Readers: readers(make(chan struct{}), seen), Checks: twoChecks()}
	_, done := drain(t, Start(ctx, spec), func(msg tea.Msg) {
		if _, ok := msg.(EventMsg); ok {
			cancel()
		}
	})
	if !done.Cancelled {
		t.Fatal("run not marked cancelled")
	}
	if r := done.Results[1]; r.Status != checks.Error || !strings.Contains(r.Error, "cancelled") {
		t.Fatalf("held-back check ended as %s: %q", r.Status, r.Error)
	}
	select {
	case <-seen:
	case <-time.After(5 * time.Second):
		t.Fatal("the reader never saw the cancellation")
	}
}

func TestTimeoutBoundsTheRun(t *testing.T) {
	spec := Spec{ID: 1, Target: target, Readers: readers(make(chan struct{}), make(chan struct{})), Checks: twoChecks(), Timeout: 50 * time.Millisecond}
	_, done := drain(t, Start(context.Background(), spec), func(tea.Msg) {})
	if !done.Cancelled || !strings.Contains(done.Results[1].Error, "timed out") {
		t.Fatalf("done = %+v", done)
	}
}

func TestOneCheckRunStopsTheOtherReaders(t *testing.T) {
	seen := make(chan struct{})
	spec := Spec{ID: 3, Target: target, Readers: readers(make(chan struct{}), seen), Checks: twoChecks()[:1]}
	_, done := drain(t, Start(context.Background(), spec), func(tea.Msg) {})
	if done.Cancelled || len(done.Results) != 1 || done.Results[0].Status != checks.Pass {
		t.Fatalf("done = %+v", done)
	}
	select {
	case <-seen:
	default:
		t.Fatal("the reader of a source nobody needed was left running")
	}
}

// TestSeenNamesOperatorAndDefaultDomain: the header's facts come from what the run read: the token's
// operator and tenant, and the default domain (the initial one when none is default).
func TestSeenNamesOperatorAndDefaultDomain(t *testing.T) {
	f := facts.New("public", facts.Target{}, time.Time{})
	if s := seen(f); s != (Seen{}) {
		t.Fatalf("nothing read: %+v", s)
	}
	f.Operator = &facts.Operator{UserPrincipalName: "admin@contoso.com", TenantID: "t1"}
	f.Domains = []facts.Domain{{Name: "contoso.onmicrosoft.com", IsInitial: true}, {Name: "contoso.com", IsDefault: true}}
	if s := seen(f); s != (Seen{Operator: "admin@contoso.com", TenantID: "t1", Domain: "contoso.com"}) {
		t.Fatalf("seen %+v", s)
	}
	f.Domains = f.Domains[:1]
	if s := seen(f); s.Domain != "contoso.onmicrosoft.com" {
		t.Fatalf("initial domain not used: %+v", s)
	}
}

// TestSweepOnlyWhenEveryDeviceWasRead: the device sweep is handed back once both device sources loaded;
// otherwise the reason says which did not.
func TestSweepOnlyWhenEveryDeviceWasRead(t *testing.T) {
	f := facts.New("public", facts.Target{Kind: facts.TargetTenant}, time.Time{})
	f.Apply(facts.Delta{Source: facts.SrcAllDevices, Apply: func(*facts.Facts) {}})
	f.Apply(facts.Delta{Source: facts.SrcAllManagedDevices, Err: errors.New("403 Forbidden")})
	if sw, why := sweep(f); sw != nil || !strings.Contains(why, "allManagedDevices") || !strings.Contains(why, "403") {
		t.Fatalf("sweep %v, reason %q", sw, why)
	}
	f = facts.New("public", facts.Target{Kind: facts.TargetTenant}, time.Time{})
	f.Apply(facts.Delta{Source: facts.SrcAllDevices, Apply: func(*facts.Facts) {}})
	f.Apply(facts.Delta{Source: facts.SrcAllManagedDevices, Apply: func(*facts.Facts) {}})
	if sw, why := sweep(f); sw == nil || why != "" {
		t.Fatalf("sweep %v, reason %q", sw, why)
	}
}

// TestDevicesAsTheTroubleshootPaneListsThem: each Entra record with the Intune record that points at
// it, an Intune record alone, and the sweep's note on the stale one of a device recorded twice.
func TestDevicesAsTheTroubleshootPaneListsThem(t *testing.T) {
	now := time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC)
	f := facts.New("public", target, now)
	if devices(f) != nil {
		t.Fatal("devices listed before they were read")
	}
	f.Apply(facts.Delta{Source: facts.SrcUserDevices, Apply: func(f *facts.Facts) {
		f.UserDevices = []facts.EntraDevice{
			{ID: "o1", DeviceID: "d1", DisplayName: "BOB-LT", TrustType: "AzureAd", OperatingSystem: "Windows", ApproximateLastSignInDateTime: now.AddDate(0, 0, -1)},
			{ID: "o2", DeviceID: "d2", DisplayName: "BOB-LT", TrustType: "Workplace", OperatingSystem: "Windows", ApproximateLastSignInDateTime: now.AddDate(0, -5, 0)},
		}
	}})
	f.Apply(facts.Delta{Source: facts.SrcManagedDevices, Apply: func(f *facts.Facts) {
		f.ManagedDevices = []facts.ManagedDevice{
			{ID: "m1", AzureADDeviceID: "d1", DeviceName: "BOB-LT", OperatingSystem: "Windows", ComplianceState: "compliant", LastSyncDateTime: now},
			{ID: "m9", AzureADDeviceID: "gone", DeviceName: "OLD-PC", OperatingSystem: "Windows", ComplianceState: "noncompliant"},
		}
	}})
	rows := devices(f)
	if len(rows) != 3 {
		t.Fatalf("rows %+v", rows)
	}
	if r := rows[0]; r.Join != "joined" || !r.Managed || r.Compliance != "compliant" || !r.LastCheckIn.Equal(now) {
		t.Errorf("joined record %+v", r)
	}
	if r := rows[1]; r.Join != "registered" || r.Managed || !strings.HasPrefix(r.Note, "stale") {
		t.Errorf("registered record %+v", r)
	}
	if r := rows[2]; r.Name != "OLD-PC" || r.Join != "" || !r.Managed {
		t.Errorf("Intune record alone %+v", r)
	}
}

// A user run hands the enrollment path it judged to the saved report.
func TestDoneNamesThePathJudged(t *testing.T) {
	tg := target
	tg.Path = facts.PathGPO
	spec := Spec{ID: 4, Target: tg, Readers: readers(make(chan struct{}), make(chan struct{})), Checks: twoChecks()[:1]}
	_, done := drain(t, Start(context.Background(), spec), func(tea.Msg) {})
	if done.Path == nil || done.Path.Basis != checks.PathGiven || len(done.Path.Paths) != 1 || done.Path.Paths[0] != facts.PathGPO {
		t.Fatalf("path = %+v, want gpo as given", done.Path)
	}
}

type reportKey struct{}

// TestProgressReachesTheProgram: the backend's progress report, attached to the run's context, reaches
// the program as ProgressMsg of the run, before the run ends.
func TestProgressReachesTheProgram(t *testing.T) {
	spec := Spec{ID: 3, Target: target, Checks: twoChecks(),
		Progress: func(ctx context.Context, report func(Progress)) context.Context {
			return context.WithValue(ctx, reportKey{}, report)
		},
		Readers: []facts.Reader{facts.ReaderFunc(func(ctx context.Context, _ facts.Target, ch chan<- facts.Delta) {
			report := ctx.Value(reportKey{}).(func(Progress))
			report(Progress{Source: facts.SrcAllDevices, Records: 999, Pages: 1})
			ch <- facts.Delta{Source: facts.SrcMemberOf, Apply: func(*facts.Facts) {}}
			ch <- facts.Delta{Source: facts.SrcLicenseDetails, Apply: func(*facts.Facts) {}}
		})}}
	var got []Progress
	_, done := drain(t, Start(context.Background(), spec), func(msg tea.Msg) {
		if p, ok := msg.(ProgressMsg); ok && p.ID == 3 {
			got = append(got, p.Progress)
		}
	})
	if len(got) != 1 || got[0].Records != 999 || done.ID != 3 {
		t.Fatalf("progress %+v, done %+v", got, done)
	}
}
