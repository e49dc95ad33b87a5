package checks

import (
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// userFacts returns facts for a user run with every source loaded and nothing in them; tests fill
// what their check reads.
func userFacts(upn string) *facts.Facts {
	f := facts.New("public", facts.Target{Kind: facts.TargetUser, User: upn}, time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	for _, s := range []facts.Source{facts.SrcUser, facts.SrcDomains, facts.SrcLicenseDetails, facts.SrcSubscribedSkus,
		facts.SrcMemberOf, facts.SrcUserDevices, facts.SrcManagedDevices, facts.SrcMDMPolicy, facts.SrcMAMPolicy,
		facts.SrcRegistrationPolicy, facts.SrcConditionalAccess, facts.SrcEnrollmentConfigs, facts.SrcTroubleshooting, facts.SrcOperator,
		facts.SrcCAExclusions, facts.SrcScopeNesting} {
		f.Apply(facts.Delta{Source: s, Endpoint: "GET /test/" + string(s), Apply: func(*facts.Facts) {}})
	}
	f.User = &facts.User{ID: "u-1", UserPrincipalName: upn}
	return f
}

// judgeOne evaluates a catalog check and expects exactly one result.
func judgeOne(t *testing.T, id string, f *facts.Facts) Result {
	t.Helper()
	c, ok := Lookup(id)
	if !ok {
		t.Fatalf("check %s not in the catalog", id)
	}
	rs := Evaluate(c, f)
	if len(rs) != 1 {
		t.Fatalf("%s: %d results, want 1: %+v", id, len(rs), rs)
	}
	return rs[0]
}

func hasFix(r Result, id string) bool {
	for _, f := range r.Fixes {
		if f.ID == id {
			return true
		}
	}
	return false
}
