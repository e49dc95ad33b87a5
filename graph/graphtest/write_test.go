package graphtest_test

import (
	"os"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

const (
	mdmPolicy = "/beta/policies/mobileDeviceManagementPolicies/0000000a-0000-0000-c000-000000000000"
	mamPolicy = "/beta/policies/mobileAppManagementPolicies/0000000a-0000-0000-c000-000000000000"
	bob       = "d91731c4-e2fb-4ee9-a119-b64659a0b445"
	kiosk     = "322c06b4-50f6-48be-bbea-1c9c6ab2e285"
	sales     = "dca4c49c-03ab-470f-be74-29c40d3704ca"
	spe5      = "06ebc4ee-1bb5-47dd-8120-11324bc54e06"
)

// startAs serves a demo tenant with the operator's directory roles replaced.
func startAs(t *testing.T, name string, wids ...string) *graphtest.Server {
	t.Helper()
	tn, err := graphtest.Load(os.DirFS("../../testdata/demo"), name)
	if err != nil {
		t.Fatal(err)
	}
	tn.Operator.RoleTemplateIDs = wids
	srv, err := graphtest.NewServer(tn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

func errMessage(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	msg, _ := e["message"].(string)
	return msg
}

func TestWriteMobilityPolicy(t *testing.T) {
	srv := start(t)
	st, _, body := call(t, srv, "PATCH", mdmPolicy, []byte(`{"appliesTo":"all","discoveryUrl":"https://x"}`), false)
	if st != 400 || !strings.Contains(errMessage(body), "Simultaneous patch requests on both the appliesTo and URL properties") {
		t.Errorf("mixed PATCH: %d %v", st, body)
	}
	if st, _, _ := call(t, srv, "PATCH", mdmPolicy, []byte(`{"appliesTo":"selected"}`), false); st != 400 {
		t.Errorf("appliesTo selected by PATCH: %d, want 400", st)
	}
	if st, _, _ := call(t, srv, "PATCH", mdmPolicy, []byte(`{"isValid":false}`), false); st != 400 {
		t.Errorf("read-only property: %d, want 400", st)
	}
	if st, _, _ := call(t, srv, "PATCH", mdmPolicy, []byte(`{"discoveryUrl":"https://enroll.contoso.com/d.svc"}`), true); st != 204 {
		t.Errorf("URL PATCH: %d", st)
	}
	_, _, pol := call(t, srv, "GET", mdmPolicy, nil, false)
	if pol["discoveryUrl"] != "https://enroll.contoso.com/d.svc" || pol["appliesTo"] != "selected" {
		t.Errorf("after URL PATCH: %v", pol)
	}
	if st, _, _ := call(t, srv, "PATCH", mdmPolicy, []byte(`{"appliesTo":"all"}`), false); st != 204 {
		t.Errorf("appliesTo all: %d", st)
	}
	_, _, groups := call(t, srv, "GET", mdmPolicy+"/includedGroups", nil, false)
	if vs := values(t, groups); len(vs) != 0 {
		t.Errorf("all keeps included groups: %v", vs)
	}
	ref := []byte(`{"@odata.id":"https://graph.microsoft.com/odata/groups('` + kiosk + `')"}`)
	if st, _, _ := call(t, srv, "POST", mdmPolicy+"/includedGroups/$ref", ref, false); st != 204 {
		t.Errorf("add included group: %d", st)
	}
	_, _, pol = call(t, srv, "GET", mdmPolicy, nil, false)
	if pol["appliesTo"] != "selected" {
		t.Errorf("adding a group leaves appliesTo %v, want selected", pol["appliesTo"])
	}
	if st, _, body := call(t, srv, "POST", mdmPolicy+"/includedGroups/$ref", ref, false); st != 400 || !strings.Contains(errMessage(body), "already exist") {
		t.Errorf("adding it twice: %d %v", st, body)
	}
	if st, _, _ := call(t, srv, "DELETE", mamPolicy+"/includedGroups/"+kiosk+"/$ref", nil, false); st != 404 {
		t.Errorf("removing a group the MAM scope lacks: %d, want 404", st)
	}
}

func TestWriteRegistrationPolicyPutResetsOmittedQuota(t *testing.T) {
	srv := start(t)
	st, _, body := call(t, srv, "PUT", "/v1.0/policies/deviceRegistrationPolicy", []byte(`{"multiFactorAuthConfiguration":"required"}`), false)
	if st != 200 || body["userDeviceQuota"] != float64(0) {
		t.Errorf("PUT without the quota: %d %v, want quota 0", st, body)
	}
	_, _, pol := call(t, srv, "GET", "/v1.0/policies/deviceRegistrationPolicy", nil, false)
	if pol["userDeviceQuota"] != float64(0) || pol["azureADJoin"] != nil {
		t.Errorf("the PUT did not replace the whole policy: %v", pol)
	}
	if st, _, _ := call(t, srv, "PUT", "/v1.0/policies/deviceRegistrationPolicy", []byte(`{"userDeviceQuota":5,"quota":1}`), false); st != 400 {
		t.Errorf("unknown property: %d, want 400", st)
	}
}

func TestWriteConditionalAccessCreateDelete(t *testing.T) {
	srv := start(t)
	st, _, created := call(t, srv, "POST", "/v1.0/identity/conditionalAccess/policies",
		[]byte(`{"displayName":"p","state":"enabledForReportingButNotEnforced","conditions":{"applications":{"includeUserActions":["urn:user:registerdevice"]}},"grantControls":{"operator":"OR","builtInControls":["mfa"]}}`), false)
	id, _ := created["id"].(string)
	if st != 201 || id == "" {
		t.Fatalf("create: %d %v", st, created)
	}
	if st, _, _ := call(t, srv, "POST", "/v1.0/identity/conditionalAccess/policies", []byte(`{"displayName":"p","state":"on","conditions":{}}`), false); st != 400 {
		t.Errorf("bad state: %d, want 400", st)
	}
	if st, _, _ := call(t, srv, "DELETE", "/v1.0/identity/conditionalAccess/policies/"+id, nil, false); st != 204 {
		t.Errorf("delete: %d", st)
	}
	if st, _, _ := call(t, srv, "DELETE", "/v1.0/identity/conditionalAccess/policies/"+id, nil, false); st != 404 {
		t.Errorf("delete twice: %d, want 404", st)
	}
}

func TestWriteLicencesAndUsageLocation(t *testing.T) {
	srv := start(t)
	path := "/v1.0/users/" + bob + "/assignLicense"
	if st, _, _ := call(t, srv, "POST", path, []byte(`{"addLicenses":[{"skuId":"`+spe5+`","disabledPlans":[]}]}`), false); st != 400 {
		t.Errorf("without removeLicenses: %d, want 400", st)
	}
	if st, _, _ := call(t, srv, "PATCH", "/v1.0/users/"+bob, []byte(`{"usageLocation":null}`), false); st != 204 {
		t.Errorf("clear usage location: %d", st)
	}
	add := []byte(`{"addLicenses":[{"skuId":"` + spe5 + `","disabledPlans":[]}],"removeLicenses":[]}`)
	if st, _, body := call(t, srv, "POST", path, add, false); st != 400 || !strings.Contains(errMessage(body), "invalid usage location") {
		t.Errorf("no usage location: %d %v", st, body)
	}
	if st, _, _ := call(t, srv, "PATCH", "/v1.0/users/bob@contoso.com", []byte(`{"usageLocation":"usa"}`), false); st != 400 {
		t.Errorf("bad country code: %d, want 400", st)
	}
	if st, _, _ := call(t, srv, "PATCH", "/v1.0/users/bob@contoso.com", []byte(`{"usageLocation":"GB"}`), true); st != 204 {
		t.Errorf("set usage location: %d", st)
	}
	if st, _, user := call(t, srv, "POST", path, add, true); st != 200 || user["id"] != bob {
		t.Errorf("assign: %d %v", st, user)
	}
	_, _, u := call(t, srv, "GET", "/v1.0/users/"+bob+"?$select=usageLocation,assignedLicenses", nil, false)
	if u["usageLocation"] != "GB" || len(u["assignedLicenses"].([]any)) != 2 {
		t.Errorf("after assigning: %v", u)
	}
	_, _, sku := call(t, srv, "GET", "/v1.0/subscribedSkus", nil, false)
	for _, s := range values(t, sku) {
		if s["skuId"] == spe5 && s["consumedUnits"] != float64(7) {
			t.Errorf("SPE_E5 consumed %v, want 7", s["consumedUnits"])
		}
	}
	if st, _, _ := call(t, srv, "POST", path, []byte(`{"addLicenses":[],"removeLicenses":["`+spe5+`"]}`), false); st != 200 {
		t.Errorf("remove: %d", st)
	}
	if st, _, body := call(t, srv, "POST", path, []byte(`{"addLicenses":[],"removeLicenses":["`+spe5+`"]}`), false); st != 400 || !strings.Contains(errMessage(body), "corresponding license") {
		t.Errorf("remove twice: %d %v", st, body)
	}
}

func TestWriteLicenceWithoutFreeUnits(t *testing.T) {
	srv := startAs(t, "fabrikam.json", "62e90394-69f5-4237-9190-012177145e10")
	ems := "efccb6f7-5641-4e0e-bd10-b4976e1bf68e"
	st, _, body := call(t, srv, "POST", "/v1.0/users/admin@fabrikam.com/assignLicense", []byte(`{"addLicenses":[{"skuId":"`+ems+`","disabledPlans":[]}],"removeLicenses":[]}`), false)
	if st != 400 || !strings.Contains(errMessage(body), "does not have any available licenses") {
		t.Errorf("EMS has no free units: %d %v", st, body)
	}
}

func TestWriteDevices(t *testing.T) {
	srv := start(t)
	_, _, list := call(t, srv, "GET", "/v1.0/devices?$select=id", nil, false)
	id := values(t, list)[0]["id"].(string)
	if st, _, _ := call(t, srv, "DELETE", "/v1.0/devices/"+id, nil, false); st != 204 {
		t.Errorf("delete device: %d", st)
	}
	if st, _, _ := call(t, srv, "GET", "/v1.0/devices/"+id, nil, false); st != 404 {
		t.Errorf("deleted device still read: %d", st)
	}
	_, _, managed := call(t, srv, "GET", "/v1.0/deviceManagement/managedDevices?$select=id", nil, false)
	mid := values(t, managed)[0]["id"].(string)
	if st, _, _ := call(t, srv, "DELETE", "/v1.0/deviceManagement/managedDevices/"+mid, nil, false); st != 204 {
		t.Errorf("delete managed device: %d", st)
	}
	if st, _, _ := call(t, srv, "DELETE", "/v1.0/deviceManagement/managedDevices/"+mid, nil, false); st != 404 {
		t.Errorf("delete it twice: %d, want 404", st)
	}
}

// TestWritesNeedAWriteRole: Global Reader reads everything and writes nothing; each write needs the
// role Graph asks for, and every refused write is logged like any other.
func TestWritesNeedAWriteRole(t *testing.T) {
	reader := "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
	srv := startAs(t, "contoso.json", reader)
	writes := []struct{ method, path, body string }{
		{"POST", "/v1.0/groups/" + kiosk + "/members/$ref", `{"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/` + bob + `"}`},
		{"PATCH", mdmPolicy, `{"appliesTo":"all"}`},
		{"PUT", "/v1.0/policies/deviceRegistrationPolicy", `{"userDeviceQuota":5}`},
		{"POST", "/v1.0/identity/conditionalAccess/policies", `{"displayName":"p","state":"disabled","conditions":{}}`},
		{"POST", "/v1.0/users/" + bob + "/assignLicense", `{"addLicenses":[],"removeLicenses":[]}`},
		{"DELETE", "/v1.0/devices/x", ""},
	}
	for _, w := range writes {
		var body []byte
		if w.body != "" {
			body = []byte(w.body)
		}
		st, _, resp := call(t, srv, w.method, w.path, body, false)
		if st != 403 || !strings.Contains(errMessage(resp), "Insufficient privileges") {
			t.Errorf("%s %s as Global Reader: %d %v, want 403", w.method, w.path, st, resp)
		}
	}
	if n := len(srv.Requests()); n != len(writes) {
		t.Errorf("logged %d requests, want %d", n, len(writes))
	}
	groups := startAs(t, "contoso.json", "fdd7a751-b60b-444a-984c-02652fe8fa1c")
	if st, _, _ := call(t, groups, "POST", writes[0].path, []byte(writes[0].body), false); st != 204 {
		t.Errorf("Groups Administrator adding a member: %d, want 204", st)
	}
	if st, _, _ := call(t, groups, "PATCH", mdmPolicy, []byte(`{"appliesTo":"all"}`), false); st != 403 {
		t.Errorf("Groups Administrator changing the MDM scope: %d, want 403", st)
	}
}
