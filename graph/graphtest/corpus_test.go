package graphtest

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The fake must answer in the shapes Microsoft documents: every property it serves on a route is one
// the documented samples of that route show, or one the Graph schema defines for the type, and every
// @odata.type it serves is one the documentation uses. The samples live in testdata/realworld/graph.

const corpusDir = "../../testdata/realworld/graph"

// corpusObjects reads the objects of samples: a collection's values, a single object, or the object
// Intune's pages wrap in "value".
func corpusObjects(t *testing.T, names ...string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(corpusDir, name))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, bodyObjects(t, b)...)
	}
	return out
}

func bodyObjects(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	switch v := doc["value"].(type) {
	case []any:
		var out []map[string]any
		for _, o := range v {
			out = append(out, o.(map[string]any))
		}
		return out
	case map[string]any:
		return []map[string]any{v}
	}
	return []map[string]any{doc}
}

// documented are the property names of documented objects, and their @odata.type values.
type documented struct {
	props map[string]bool
	types map[string]bool
}

func documentedBy(objs []map[string]any, schemaType string) documented {
	d := documented{props: map[string]bool{}, types: map[string]bool{}}
	for _, o := range objs {
		for k, v := range o {
			d.props[k] = true
			if k == "@odata.type" {
				d.types[v.(string)] = true
			}
		}
	}
	for _, p := range v1Properties[schemaType] {
		d.props[p] = true
	}
	for _, p := range betaProperties[schemaType] {
		d.props[p] = true
	}
	return d
}

func corpusGet(t *testing.T, srv *Server, path string) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+srv.Token())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	return b
}

func TestFakeAnswersInDocumentedShapes(t *testing.T) {
	tn, err := Load(os.DirFS("../../testdata/demo"), "contoso.json")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(tn)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	const policy = "/policies/mobileDeviceManagementPolicies/0000000a-0000-0000-c000-000000000000"
	routes := []struct {
		path       string
		schemaType string
		samples    []string
	}{
		{"/v1.0/users/alice@contoso.com?$select=id,userPrincipalName,displayName,accountEnabled,usageLocation,assignedLicenses", "user",
			[]string{"v1.0-user-get.json"}},
		{"/v1.0/users/alice@contoso.com", "user", []string{"v1.0-user-get.json"}},
		{"/v1.0/users/alice@contoso.com/licenseDetails", "licenseDetails", []string{"v1.0-user-licenseDetails-list.json"}},
		{"/v1.0/users/alice@contoso.com/transitiveMemberOf", "group", []string{"v1.0-user-transitiveMemberOf-list.json"}},
		{"/v1.0/users/alice@contoso.com/registeredDevices", "device", []string{"v1.0-user-registeredDevices-list.json", "v1.0-devices-list.json"}},
		{"/v1.0/users/alice@contoso.com/managedDevices", "managedDevice", []string{"v1.0-managedDevices-list.json"}},
		{"/v1.0/devices?$filter=deviceId%20eq%20'b98e3b09-5523-4d0c-9444-dadb2eda9ebb'", "device", []string{"v1.0-devices-list.json"}},
		{"/v1.0/deviceManagement/managedDevices", "managedDevice", []string{"v1.0-managedDevices-list.json"}},
		{"/v1.0/domains", "domain", []string{"v1.0-domains-list.json"}},
		{"/v1.0/subscribedSkus", "subscribedSku", []string{"v1.0-subscribedSkus-list.json"}},
		{"/v1.0/organization", "organization", []string{"v1.0-organization-get.json"}},
		{"/v1.0/identity/conditionalAccess/policies", "conditionalAccessPolicy",
			[]string{"v1.0-conditionalAccessPolicies-list.json", "v1.0-conditionalAccessPolicy-create-all-conditions.json"}},
		{"/v1.0/deviceManagement/troubleshootingEvents", "enrollmentTroubleshootingEvent", []string{"v1.0-troubleshootingEvents-list.json"}},
		{"/v1.0/deviceManagement/deviceEnrollmentConfigurations?$expand=assignments", "deviceEnrollmentConfiguration", []string{
			"v1.0-deviceEnrollmentConfigurations-list.json", "v1.0-deviceEnrollmentPlatformRestrictionsConfiguration-get.json",
			"v1.0-deviceEnrollmentLimitConfiguration-get.json", "v1.0-deviceEnrollmentWindowsHelloForBusinessConfiguration-get.json",
			"v1.0-windows10EnrollmentCompletionPageConfiguration-get.json", "beta-deviceEnrollmentPlatformRestrictionConfiguration-get.json"}},
		{"/v1.0/policies/deviceRegistrationPolicy", "deviceRegistrationPolicy",
			[]string{"deviceregistrationpolicy-get.v1.0.json", "v1.0-deviceRegistrationPolicy-update.json"}},
		{"/beta" + policy, "mobilityManagementPolicy", []string{"beta-mobileDeviceManagementPolicy-get.json"}},
		{"/beta" + policy + "/includedGroups", "group", []string{"beta-mobileDeviceManagementPolicy-includedGroups-list.json"}},
	}
	for _, r := range routes {
		t.Run(r.path, func(t *testing.T) {
			doc := documentedBy(corpusObjects(t, r.samples...), r.schemaType)
			served := bodyObjects(t, corpusGet(t, srv, r.path))
			if len(served) == 0 {
				t.Fatalf("the fake serves nothing here: nothing to compare")
			}
			for _, o := range served {
				var extra []string
				for k := range o {
					// OData's control annotations (@odata.type, @odata.context) belong to no type.
					if !doc.props[k] && !strings.HasPrefix(k, "@odata.") {
						extra = append(extra, k)
					}
				}
				sort.Strings(extra)
				if len(extra) > 0 {
					t.Errorf("%v: properties no sample nor the schema of %s documents: %v", o["id"], r.schemaType, extra)
				}
				if typ, ok := o["@odata.type"].(string); ok && len(doc.types) > 0 && !doc.types[typ] &&
					!slices.Contains([]string{"#microsoft.graph.group", "#microsoft.graph.directoryRole", "#microsoft.graph.device", "#microsoft.graph.user"}, typ) {
					t.Errorf("%v: @odata.type %s is none of the documented %v", o["id"], typ, keys(doc.types))
				}
			}
		})
	}
}

// The fake's $batch answer has the documented shape: responses of id, status, headers and body, and an
// error body of code, message and innerError with the same keys as the documented items.
func TestFakeBatchAnswersInDocumentedShape(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(corpusDir, "v1.0-batch-response.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Responses []map[string]any `json:"responses"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	itemKeys, errorKeys, innerKeys := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, r := range doc.Responses {
		for k := range r {
			itemKeys[k] = true
		}
		if e, ok := r["body"].(map[string]any)["error"].(map[string]any); ok {
			for k, v := range e {
				errorKeys[k] = true
				if k == "innerError" {
					for ik := range v.(map[string]any) {
						innerKeys[ik] = true
					}
				}
			}
		}
	}
	tn, err := Load(os.DirFS("../../testdata/demo"), "contoso.json")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(tn)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/v1.0/$batch", strings.NewReader(
		`{"requests":[{"id":"1","method":"GET","url":"/users/alice@contoso.com/licenseDetails"},{"id":"2","method":"GET","url":"/users/nobody@contoso.com"}]}`))
	req.Header.Set("Authorization", "Bearer "+srv.Token())
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Responses []map[string]any `json:"responses"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || len(got.Responses) != 2 {
		t.Fatalf("batch answer: %v %+v", err, got)
	}
	for _, r := range got.Responses {
		for k := range r {
			if !itemKeys[k] {
				t.Errorf("item %v: %s is not a documented batch item property (%v)", r["id"], k, keys(itemKeys))
			}
		}
		e, ok := r["body"].(map[string]any)["error"].(map[string]any)
		if !ok {
			continue
		}
		for k, v := range e {
			if !errorKeys[k] {
				t.Errorf("item %v: error property %s is undocumented (%v)", r["id"], k, keys(errorKeys))
			}
			if k == "innerError" {
				for ik := range v.(map[string]any) {
					if !innerKeys[ik] {
						t.Errorf("item %v: innerError property %s is undocumented (%v)", r["id"], ik, keys(innerKeys))
					}
				}
			}
		}
	}
}

// The polymorphic parts: every membership kind and assignment target the fake serves is spelt as the docs spell it.
func TestFakeUsesDocumentedODataTypes(t *testing.T) {
	memberships := map[string]bool{}
	for _, o := range corpusObjects(t, "deviceregistrationpolicy-get.v1.0.json", "v1.0-deviceRegistrationPolicy-update.json") {
		collectTypes(o, memberships)
	}
	for _, name := range []string{"contoso.json", "fabrikam.json"} {
		tn, err := Load(os.DirFS("../../testdata/demo"), name)
		if err != nil {
			t.Fatal(err)
		}
		served := map[string]bool{}
		collectTypes(map[string]any(tn.DeviceRegistrationPolicy), served)
		for typ := range served {
			if !memberships[typ] {
				t.Errorf("%s: deviceRegistrationPolicy serves %s, which no documented sample uses (%v)", name, typ, keys(memberships))
			}
		}
		for _, c := range tn.DeviceEnrollmentConfigurations {
			for _, a := range objects(c["assignments"]) {
				target, _ := a["target"].(map[string]any)
				typ, _ := target["@odata.type"].(string)
				kind := strings.TrimPrefix(strings.TrimPrefix(typ, "#"), "microsoft.graph.")
				// The assignment targets of Intune's deviceAndAppManagementAssignmentTarget family.
				if !slices.Contains([]string{"groupAssignmentTarget", "exclusionGroupAssignmentTarget", "allLicensedUsersAssignmentTarget",
					"allDevicesAssignmentTarget", "configurationManagerCollectionAssignmentTarget"}, kind) {
					t.Errorf("%s: %s targets %q", name, c.ID(), typ)
				}
			}
		}
	}
}

func collectTypes(v any, into map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && k == "@odata.type" {
				into[s] = true
			}
			collectTypes(e, into)
		}
	case []any:
		for _, e := range x {
			collectTypes(e, into)
		}
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
