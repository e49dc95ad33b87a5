package checks

import (
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// For a synced user the on-premises UPN is judged: Entra Connect replaces an unverified suffix with the
// initial onmicrosoft.com domain, so the Entra UPN alone passed the fault behind 0x8018002b.
func TestUPNDomainOnPremises(t *testing.T) {
	domains := []facts.Domain{{Name: "contoso.com", IsVerified: true, IsDefault: true}, {Name: "contoso.onmicrosoft.com", IsVerified: true, IsInitial: true}}
	yes, no := true, false
	for _, tc := range []struct {
		name, upn, onPrem string
		synced            *bool
		want              Status
		text              string
	}{
		{"synced, suffix replaced by onmicrosoft.com", "erin@contoso.onmicrosoft.com", "erin@contoso.local", &yes, Fail, "contoso.local"},
		{"synced, on-premises suffix unverified", "sam@contoso.onmicrosoft.com", "sam@corp.example", &yes, Fail, "not a domain of this tenant"},
		{"synced, both verified", "lee@contoso.com", "lee@contoso.com", &yes, Pass, "on-premises UPN suffix contoso.com"},
		{"synced, on-premises UPN not returned", "max@contoso.com", "", &yes, Warn, "cannot be judged"},
		{"cloud user with a leftover on-premises value", "kai@contoso.com", "kai@contoso.local", &no, Pass, "verified"},
		{"never synced", "ana@contoso.com", "", nil, Pass, "verified"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := userFacts(tc.upn)
			f.Domains = domains
			f.User.OnPremisesUserPrincipalName, f.User.OnPremisesSyncEnabled = tc.onPrem, tc.synced
			r := judgeOne(t, "tenant.upn-domain", f)
			if r.Status != tc.want || !strings.Contains(r.Summary, tc.text) {
				t.Errorf("got %s %q, want %s containing %q", r.Status, r.Summary, tc.want, tc.text)
			}
		})
	}
}
