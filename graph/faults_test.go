package graph_test

import (
	"context"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/dnsprobe"
	"github.com/mdmdoctor/mdmdoctor/dnsprobe/dnstest"
	"github.com/mdmdoctor/mdmdoctor/dsregcmd"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/graph"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

// hangBound is far above any bound a faulty run is given here: it only tells a hang from a slow
// run, and is no performance target.
const hangBound = 60 * time.Second

// triage is one user's run as the CLI makes it: Graph, DNS over the demo zones on loopback and an
// empty dsregcmd paste, gathered by facts.Gather and judged by checks.Run within runBound.
type triage struct {
	facts   *facts.Facts
	results []checks.Result
}

func runTriage(t *testing.T, c *graph.Client, upn string, runBound time.Duration) triage {
	t.Helper()
	zones, err := dnstest.Start(t.Context(), dnstest.Options{Zones: os.DirFS("../testdata/demo/zones")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(zones.Close)
	dns := &dnsprobe.Prober{Resolvers: []string{zones.Addr()}, AuthPort: zones.Port(), QueryTimeout: time.Second}
	target := facts.Target{Kind: facts.TargetUser, User: upn}
	ctx, cancel := context.WithTimeout(context.Background(), runBound)
	defer cancel()
	f := facts.New("public", target, time.Now())
	done := make(chan []checks.Result, 1)
	go func() {
		done <- checks.Run(ctx, f, facts.Gather(ctx, target, c, dns, dsregcmd.Reader{}), checks.Options{}, nil)
	}()
	select {
	case rs := <-done:
		return triage{facts: f, results: rs}
	case <-time.After(hangBound):
		t.Fatalf("the run did not return within %v of its %v bound", hangBound, runBound)
	}
	return triage{}
}

// statuses maps "id subject" to the status of each result.
func (tr triage) statuses() map[string]checks.Status {
	out := map[string]checks.Status{}
	for _, r := range tr.results {
		out[r.ID+" "+r.Subject] = r.Status
	}
	return out
}

// baseline is alice's triage with nothing wrong, which every faulty run is compared to.
func baseline(t *testing.T) map[string]checks.Status {
	t.Helper()
	_, c := demo(t, "contoso")
	st := runTriage(t, c, "alice@contoso.com", 30*time.Second).statuses()
	for k, s := range st {
		if s == checks.Error {
			t.Fatalf("baseline: %s ended in error", k)
		}
	}
	return st
}

// wantIsolated checks that the failed sources are exactly want (when given), each with a reason
// saying says; that every check needing one of them ended in error naming the cause; and that every
// other check reached the same verdict as the baseline.
func wantIsolated(t *testing.T, tr triage, base map[string]checks.Status, want []facts.Source, says string) {
	t.Helper()
	var failed []facts.Source
	for src, st := range tr.facts.Sources {
		if st.State == facts.Failed {
			failed = append(failed, src)
			if !strings.Contains(st.Reason, says) {
				t.Errorf("%s failed with %q, want it to say %q", src, st.Reason, says)
			}
		}
	}
	slices.Sort(failed)
	if want != nil {
		slices.Sort(want)
		if !slices.Equal(failed, want) {
			t.Errorf("failed sources %v, want %v", failed, want)
		}
	}
	if len(failed) == 0 {
		t.Fatal("no source failed: the fault did not reach the client")
	}
	for _, r := range tr.results {
		c, ok := checks.Lookup(r.ID)
		if !ok {
			t.Fatalf("result for unknown check %s", r.ID)
		}
		key := r.ID + " " + r.Subject
		hit := firstUnloaded(tr.facts, c.Needs) == facts.Failed
		switch {
		case hit && (r.Status != checks.Error || !strings.Contains(r.Error, says)):
			t.Errorf("%s: %s %q, want error saying %q", key, r.Status, r.Error, says)
		case !hit && r.Status != base[key]:
			t.Errorf("%s: %s (%s), want %s as without the fault", key, r.Status, r.Summary, base[key])
		}
	}
}

// firstUnloaded is the state of the first needed source that is not loaded, which decides, as in
// checks.Evaluate, whether a check ends in error (failed) or is skipped.
func firstUnloaded(f *facts.Facts, needs []facts.Source) facts.State {
	for _, s := range needs {
		if st := f.Status(s).State; st != facts.Loaded {
			return st
		}
	}
	return facts.Loaded
}

// faultyClient signs in to srv with a per-request timeout.
func faultyClient(t *testing.T, srv *graphtest.Server, timeout time.Duration) *graph.Client {
	t.Helper()
	c, err := graph.New(context.Background(), graph.Config{Auth: graph.AuthToken, AccessToken: srv.Token(), GraphURL: srv.URL(),
		StateDir: t.TempDir(), Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var betaSources = []facts.Source{facts.SrcMDMPolicy, facts.SrcMAMPolicy, facts.SrcEnrollmentConfigs, facts.SrcScopeNesting}

// TestFaultsFailOnlyWhatTheyTouch injects, one at a time, the failures Graph, proxies and networks
// produce. Each run returns, the sources the fault touches fail with a reason that says what to do,
// the checks that need them end in error, and every other check reaches its usual verdict.
func TestFaultsFailOnlyWhatTheyTouch(t *testing.T) {
	base := baseline(t)
	for _, tc := range []struct {
		name    string
		faults  []graphtest.Fault
		timeout time.Duration // per request; the default when zero
		want    []facts.Source
		says    string
	}{
		{
			name:    "slow beyond the request timeout",
			faults:  []graphtest.Fault{{Path: "/beta/$batch", Delay: 20 * time.Second}},
			timeout: 500 * time.Millisecond,
			want:    betaSources,
			says:    "raise --timeout, or check the network and --graph-url",
		},
		{
			name:   "connection reset mid-body",
			faults: []graphtest.Fault{{Path: "/beta/$batch", Spoil: graphtest.SpoilReset}},
			want:   betaSources,
			says:   "broke before the answer for",
		},
		{
			name:   "malformed JSON for the whole batch",
			faults: []graphtest.Fault{{Path: "/beta/$batch", Spoil: graphtest.SpoilMalformed}},
			want:   betaSources,
			says:   "not valid JSON",
		},
		{
			name:   "malformed JSON for one item",
			faults: []graphtest.Fault{{Path: "/v1.0/users/*/licenseDetails", Spoil: graphtest.SpoilMalformed}},
			want:   []facts.Source{facts.SrcLicenseDetails},
			says:   "a JSON string at the top level, where another type belongs",
		},
		{
			name:   "200 with an error body",
			faults: []graphtest.Fault{{Path: "/v1.0/users/*/transitiveMemberOf", Spoil: graphtest.SpoilErrorBody}},
			want:   []facts.Source{facts.SrcMemberOf},
			says:   "success but an error in place of the data: run again",
		},
		{
			name:   "200 with an error body for the user",
			faults: []graphtest.Fault{{Path: "/v1.0/users/alice@contoso.com", Spoil: graphtest.SpoilErrorBody}},
			want:   []facts.Source{facts.SrcUser, facts.SrcTroubleshooting},
			says:   "success but an error in place of the data: run again",
		},
		{
			name:   "batch response missing an item",
			faults: []graphtest.Fault{{Path: "/v1.0/subscribedSkus", Spoil: graphtest.SpoilDrop}},
			want:   []facts.Source{facts.SrcSubscribedSkus},
			says:   "left out the request for /subscribedSkus: run again",
		},
		{
			name:   "429 storm on one item",
			faults: []graphtest.Fault{{Path: "/v1.0/users/*/managedDevices", Status: 429, RetryAfter: time.Second}},
			want:   []facts.Source{facts.SrcManagedDevices},
			says:   "kept throttling",
		},
		{
			name:   "429 storm on a whole batch",
			faults: []graphtest.Fault{{Path: "/beta/$batch", Status: 429, RetryAfter: time.Second}},
			want:   betaSources,
			says:   "kept throttling",
		},
		{
			name:   "5xx that does not recover",
			faults: []graphtest.Fault{{Path: "/v1.0/policies/deviceRegistrationPolicy", Status: 500}},
			want:   []facts.Source{facts.SrcRegistrationPolicy},
			says:   "run again later",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := demo(t, "contoso")
			for _, f := range tc.faults {
				srv.Inject(f)
			}
			tr := runTriage(t, faultyClient(t, srv, tc.timeout), "alice@contoso.com", 30*time.Second)
			wantIsolated(t, tr, base, tc.want, tc.says)
		})
	}
}

// TestFaultsThatRecover: throttling and unavailability that end within the retries leave no trace
// in the verdicts.
func TestFaultsThatRecover(t *testing.T) {
	base := baseline(t)
	srv, c := demo(t, "contoso")
	srv.Inject(graphtest.Fault{Path: "/v1.0/domains", Status: 503, Times: 2})
	srv.Inject(graphtest.Fault{Path: "/v1.0/users/*/licenseDetails", Status: 429, RetryAfter: time.Second, Times: 2})
	srv.Inject(graphtest.Fault{Path: "/beta/$batch", Status: 504, RetryAfter: time.Second, Times: 1})
	tr := runTriage(t, c, "alice@contoso.com", 30*time.Second)
	if got := tr.statuses(); !maps.Equal(got, base) {
		t.Errorf("verdicts %v, want %v as without the faults", got, base)
	}
}

// TestTokenExpiresMidRun: the token is accepted for the first v1.0 batch, then refused, while
// collections still have pages to read. What was read stands; what was not ends in error telling the
// operator to sign in again. The fault counts v1.0 batches only: the beta batches run beside them, and
// beta's second round can reach the server before v1.0's first, so counting both made the test depend
// on that order.
func TestTokenExpiresMidRun(t *testing.T) {
	base := baseline(t)
	srv, c := demo(t, "contoso")
	srv.SetPageSize(1)
	srv.Inject(graphtest.Fault{Path: "/v1.0/$batch", Status: 401, After: 1})
	tr := runTriage(t, c, "alice@contoso.com", 30*time.Second)
	wantIsolated(t, tr, base, nil, "sign-in expired: sign in again")
	if tr.facts.Status(facts.SrcUser).State != facts.Loaded {
		t.Errorf("the user, read in the first round, is %v", tr.facts.Status(facts.SrcUser).State)
	}
}

// TestSlowGraphPastTheRunBound: Graph answers after the whole run's bound. The run ends at its
// bound, every check waiting on Graph ends in error saying to raise --timeout, and the others (DNS,
// the operator's permissions from the token's claims) reach their verdicts.
func TestSlowGraphPastTheRunBound(t *testing.T) {
	base := baseline(t)
	srv, c := demo(t, "contoso")
	srv.Inject(graphtest.Fault{Path: "/*/$batch", Delay: 30 * time.Second})
	tr := runTriage(t, c, "alice@contoso.com", 2*time.Second)
	for _, s := range userSources {
		if st := tr.facts.Status(s); (s == facts.SrcOperator) != (st.State == facts.Loaded) {
			t.Errorf("%s: %v, want only the operator (from the token) read", s, st.State)
		}
	}
	for _, r := range tr.results {
		c, _ := checks.Lookup(r.ID)
		key := r.ID + " " + r.Subject
		// The engine judges a check once all it needs has settled: one source still pending at the
		// bound is enough for an error.
		waits := slices.ContainsFunc(c.Needs, func(s facts.Source) bool { return tr.facts.Status(s).State == facts.Pending })
		switch {
		case waits && (r.Status != checks.Error || !strings.Contains(r.Error, "timed out") || !strings.Contains(r.Error, "raise --timeout")):
			t.Errorf("%s: %s %q, want a timeout telling to raise --timeout", key, r.Status, r.Error)
		case !waits && r.Status != base[key]:
			t.Errorf("%s: %s, want %s as without the fault", key, r.Status, base[key])
		}
	}
}
