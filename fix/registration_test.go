package fix_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

// publishedRegistrationPolicy serves Microsoft's published deviceRegistrationPolicy sample, requiring
// MFA (the sample says notRequired), with the top-level @odata.type the resource page shows when
// withType is set.
func publishedRegistrationPolicy(t *testing.T, withType bool) func(*graphtest.Tenant) {
	t.Helper()
	raw, err := os.ReadFile("../testdata/realworld/graph/deviceregistrationpolicy-get.v1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	return func(tn *graphtest.Tenant) {
		var pol graphtest.Object
		if err := json.Unmarshal(raw, &pol); err != nil {
			t.Fatal(err)
		}
		pol["multiFactorAuthConfiguration"] = "required"
		pol["userDeviceQuota"] = float64(50)
		if withType {
			pol["@odata.type"] = "#microsoft.graph.deviceRegistrationPolicy"
		}
		tn.DeviceRegistrationPolicy = pol
	}
}

// TestMFAPolicyFixOnThePublishedShape: Graph may send the policy with a top-level @odata.type while
// the planned body carries no annotation; the pre-flight and the state read before the PUT compare
// properties only, so the fix goes through instead of stopping as "the tenant changed" (issue 13,
// item 6), and its undo sends the published policy back.
func TestMFAPolicyFixOnThePublishedShape(t *testing.T) {
	for _, withType := range []bool{false, true} {
		e := newEnv(t, "fabrikam", []string{globalAdmin}, publishedRegistrationPolicy(t, withType))
		p := e.plan("grace@fabrikam.com", "mfa.registration.policy-not-required", fix.Choices{})
		out := e.apply("grace@fabrikam.com", p)
		if out.Result != fix.Applied || out.Err != nil || status(out.Rechecked, "mfa.registration") != checks.Pass {
			t.Fatalf("@odata.type %t: outcome %+v", withType, out)
		}
		var sentBody map[string]any
		_ = json.Unmarshal([]byte(e.writes()[0].body), &sentBody)
		if sentBody["userDeviceQuota"] != float64(50) || sentBody["localAdminPassword"] == nil || sentBody["@odata.context"] != nil {
			t.Errorf("@odata.type %t: sent %v", withType, sentBody)
		}
		u, err := e.undo("")
		if err != nil {
			t.Fatal(err)
		}
		back := e.apply("grace@fabrikam.com", u)
		if back.Result != fix.Applied || status(back.Rechecked, "mfa.registration") != checks.Fail {
			t.Errorf("@odata.type %t: undo %+v", withType, back)
		}
	}
}
