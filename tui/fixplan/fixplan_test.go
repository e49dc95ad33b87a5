package fixplan

import (
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/tui/internal/keypress"
	"github.com/mdmdoctor/mdmdoctor/tui/internal/screentest"
	"github.com/mdmdoctor/mdmdoctor/tui/nav"
)

func result() checks.Result {
	return checks.Result{ID: "license.intune", Subject: "bob@contoso.com", Fixes: []checks.Fix{
		{ID: "license.assign", Title: "Assign SPE_E5 to bob", Reversible: true, Permissions: []string{"User.ReadWrite.All"},
			Requests: []checks.Request{{Method: "POST", URL: "/v1.0/users/bob@contoso.com/assignLicense", Body: []byte(`{"addLicenses":[{"skuId":"06ebc4ee"}],"removeLicenses":[]}`)}}},
		{ID: "dns.create-record", Title: "Create the CNAME", Guidance: "EnterpriseEnrollment.contoso.com. 3600 IN CNAME EnterpriseEnrollment-s.manage.microsoft.com."},
	}}
}

func TestShowsExactRequestsReadOnly(t *testing.T) {
	m := New(screentest.Deps())
	m.SetSize(80, 30)
	m = m.Set(result())
	v := screentest.Plain(m.View())
	for _, s := range []string{"Fix plan: license.intune", "Read-only", "Nothing", "license.assign: Assign SPE_E5 to bob",
		"reversible", "needs: User.ReadWrite.All", "POST /v1.0/users/bob@contoso.com/assignLicense", `"skuId": "06ebc4ee"`,
		"not reversible", "EnterpriseEnrollment.contoso.com. 3600 IN CNAME"} {
		if !strings.Contains(v, s) {
			t.Errorf("view lacks %q:\n%s", s, v)
		}
	}
	screentest.RequireFits(t, m.View(), 80, 30)
}

func TestCopyAndBack(t *testing.T) {
	m := New(screentest.Deps())
	m.SetSize(80, 10)
	m = m.Set(result())
	_, _, req := m.Update(keypress.Press("c"))
	got, ok := req.(nav.Copy)
	if !ok || !strings.Contains(got.Text, "POST /v1.0/users/bob@contoso.com/assignLicense\n{\n  \"addLicenses\"") {
		t.Fatalf("c copied %#v", got)
	}
	_, _, req = m.Update(keypress.Press("esc"))
	if req != (nav.Back{}) {
		t.Fatal("esc did not go back")
	}
	before := m.View()
	m, _, _ = m.Update(keypress.Press("pgdown"))
	if m.View() == before {
		t.Fatal("pgdown did not scroll a plan taller than the screen")
	}
	screentest.RequireFits(t, m.View(), 80, 10)
}
