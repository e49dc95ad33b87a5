package graph_test

import (
	"os"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/graph"
)

// rulesClient serves testdata/rules.json (the documented shapes the rules of issue 14 turn on).
func rulesClient(t *testing.T) *graph.Client {
	t.Helper()
	_, c := scenario(t, os.DirFS("testdata"), "rules.json")
	return c
}

// judgeRead reads one user through the real client and judges one check on the given path.
func judgeRead(t *testing.T, c *graph.Client, upn, id string, path facts.EnrollmentPath) checks.Result {
	t.Helper()
	f, _ := read(t, c, upn)
	f.Target.Path = path
	check, _ := checks.Lookup(id)
	rs := checks.Evaluate(check, f)
	if len(rs) != 1 {
		t.Fatalf("%s %s: %d results", upn, id, len(rs))
	}
	return rs[0]
}

// A user of Microsoft Intune Government holds an Intune plan (INTUNE_A_GOV), read through licenseDetails.
func TestGovernmentIntunePlanHeld(t *testing.T) {
	r := judgeRead(t, rulesClient(t), "gail@fabrikam.com", "license.intune", facts.PathJoin)
	if r.Status != checks.Pass || !strings.Contains(r.Summary, "INTUNE_A_GOV") || len(r.Fixes) != 0 {
		t.Errorf("%s %q, fixes %v: want pass through INTUNE_A_GOV and no licence offered", r.Status, r.Summary, r.Fixes)
	}
}

// A synced user whose on-premises suffix was not verified carries an onmicrosoft.com UPN in Entra: the
// fault is in onPremisesUserPrincipalName, which is read and judged.
func TestOnPremisesUPNSuffixJudged(t *testing.T) {
	c := rulesClient(t)
	r := judgeRead(t, c, "kim@fabrikam.onmicrosoft.com", "tenant.upn-domain", facts.PathGPO)
	if r.Status != checks.Fail || !strings.Contains(r.Summary, "fabrikam.local") || !strings.Contains(r.Explanation, "replaced") {
		t.Errorf("kim: %s %q %q, want a failure naming the on-premises suffix", r.Status, r.Summary, r.Explanation)
	}
	if r := judgeRead(t, c, "lee@fabrikam.com", "tenant.upn-domain", facts.PathGPO); r.Status != checks.Pass {
		t.Errorf("lee: %s %q, want pass (both suffixes verified)", r.Status, r.Summary)
	}
}

// TestSinglePlatformRestrictionsJudged reads per-platform restrictions (beta only) through the real
// client and decoders from graphtest, and judges them: a Windows block for all licensed users fails,
// its exclusion group keeps a user out, an assignment filter makes the verdict depend on the device,
// and an iOS block does not touch Windows.
func TestSinglePlatformRestrictionsJudged(t *testing.T) {
	c := rulesClient(t)
	check, _ := checks.Lookup("enrollment.restrictions")

	for _, tc := range []struct {
		upn      string
		want     checks.Status
		summary  string
		evidence string
	}{
		{"dave@fabrikam.com", checks.Fail, `"Block Windows" blocks`, "single-platform restriction (windows)"},
		{"erin@fabrikam.com", checks.Pass, "All users and all devices", `excluded: the user is in its excluded group "Windows exempt"`},
		{"finn@fabrikam.com", checks.Warn, "depends on the device", "assignment filter f1f1f1f1-0000-4000-8000-000000000001 (exclude mode) does not match"},
	} {
		t.Run(tc.upn, func(t *testing.T) {
			f, _ := read(t, c, tc.upn)
			if st := f.Status(facts.SrcEnrollmentConfigs); st.State != facts.Loaded || !strings.HasPrefix(st.Endpoint, "GET /beta/") {
				t.Fatalf("enrollment configurations: %+v (want read from beta, which serves every kind)", st)
			}
			f.Target.Path = facts.PathJoin
			rs := checks.Evaluate(check, f)
			if len(rs) != 1 {
				t.Fatalf("%d results", len(rs))
			}
			r := rs[0]
			if r.Status != tc.want || !strings.Contains(r.Summary, tc.summary) {
				t.Fatalf("%s: %s %q, want %s with %q\n%+v", tc.upn, r.Status, r.Summary, tc.want, tc.summary, r.Evidence)
			}
			found := false
			for _, e := range r.Evidence {
				found = found || strings.Contains(e.Detail, tc.evidence)
			}
			if !found {
				t.Errorf("no evidence holds %q: %+v", tc.evidence, r.Evidence)
			}
		})
	}
}
