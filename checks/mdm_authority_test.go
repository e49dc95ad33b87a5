package checks

import (
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

func authorityFacts(a string) *facts.Facts {
	f := userFacts("bob@contoso.com")
	f.Apply(facts.Delta{Source: facts.SrcMDMAuthority, Endpoint: "GET /v1.0/organization",
		Apply: func(f *facts.Facts) { f.MDMAuthority = a }})
	return f
}

func TestMDMAuthority(t *testing.T) {
	for _, tc := range []struct {
		authority string
		want      Status
		text      string
	}{
		{"intune", Pass, "is Intune"},
		{"unknown", Fail, "not set"},
		{"office365", Warn, "office365, not Intune"},
		{"sccm", Warn, "sccm, not Intune"},
		{"", Warn, "returned no MDM authority"},
	} {
		r := judgeOne(t, "tenant.mdm-authority", authorityFacts(tc.authority))
		if r.Status != tc.want || !strings.Contains(r.Summary, tc.text) {
			t.Errorf("%q: %s %q, want %s with %q", tc.authority, r.Status, r.Summary, tc.want, tc.text)
		}
		if len(r.Evidence) != 1 || !strings.Contains(r.Evidence[0].Detail, "mobileDeviceManagementAuthority: ") || !strings.HasPrefix(r.Evidence[0].Source, "GET /v1.0/organization") {
			t.Errorf("%q: evidence %+v", tc.authority, r.Evidence)
		}
		if r.Status != Pass && (r.Explanation == "" || r.Remediation == "") {
			t.Errorf("%q: a %s says why and what to do", tc.authority, r.Status)
		}
	}
}

// Without the organization the check ends in error, as every check whose source failed.
func TestMDMAuthorityNeedsItsSource(t *testing.T) {
	f := userFacts("bob@contoso.com")
	f.Apply(facts.Delta{Source: facts.SrcMDMAuthority, Err: errString("403 Forbidden")})
	if r := judgeOne(t, "tenant.mdm-authority", f); r.Status != Error {
		t.Fatalf("status %s", r.Status)
	}
}

type errString string

func (e errString) Error() string { return string(e) }
