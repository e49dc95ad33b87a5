package checks

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestRequestsRoundTrip: every request a fix plans reads back from its JSON form (the journal's)
// as the same typed value, and says the method and URL Graph documents for it.
func TestRequestsRoundTrip(t *testing.T) {
	const root = "https://graph.microsoft.us"
	for _, tc := range []struct {
		req          Request
		method, path string
	}{
		{AddMember(root, "g-1", "u-1"), "POST", "/v1.0/groups/g-1/members/$ref"},
		{RemoveMember(root, "g-1", "u-1"), "DELETE", "/v1.0/groups/g-1/members/u-1/$ref"},
		{AddIncluded(root, MDMPolicies, "p-1", "g-2"), "POST", "/beta/policies/mobileDeviceManagementPolicies/p-1/includedGroups/$ref"},
		{RemoveIncluded(root, MAMPolicies, "p-2", "g-2"), "DELETE", "/beta/policies/mobileAppManagementPolicies/p-2/includedGroups/g-2/$ref"},
		{PatchScope(root, MDMPolicies, "p-1", []byte(`{"appliesTo":"all"}`)), "PATCH", "/beta/policies/mobileDeviceManagementPolicies/p-1"},
		{PutRegistration(root, []byte(`{"userDeviceQuota":50}`)), "PUT", "/v1.0/policies/deviceRegistrationPolicy"},
		{CreateCA(root, []byte(`{"displayName":"x"}`)), "POST", "/v1.0/identity/conditionalAccess/policies"},
		{DeleteCA(root, "ca-1"), "DELETE", "/v1.0/identity/conditionalAccess/policies/ca-1"},
		{AssignLicense(root, "bob@contoso.com", []byte(`{"addLicenses":[],"removeLicenses":[]}`)), "POST", "/v1.0/users/bob@contoso.com/assignLicense"},
		{PatchUser(root, "u-1", []byte(`{"usageLocation":"GB"}`)), "PATCH", "/v1.0/users/u-1"},
		{DeleteDevice(root, "d-1"), "DELETE", "/v1.0/devices/d-1"},
		{PatchDevice(root, "d-1", []byte(`{"accountEnabled":false}`)), "PATCH", "/v1.0/devices/d-1"},
		{DeleteManagedDevice(root, "m-1"), "DELETE", "/v1.0/deviceManagement/managedDevices/m-1"},
	} {
		if tc.req.Method() != tc.method || tc.req.URL() != root+tc.path {
			t.Errorf("%d: %s %s, want %s %s", tc.req.Op, tc.req.Method(), tc.req.URL(), tc.method, root+tc.path)
		}
		b, err := json.Marshal(tc.req)
		if err != nil {
			t.Fatal(err)
		}
		var back Request
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, tc.req) {
			t.Errorf("%s read back as %+v, planned %+v", b, back, tc.req)
		}
	}
}

// TestRequestRefBodies: a reference names the object in the cloud the request goes to; a group to be
// chosen is the placeholder {groupId}, which no fix can send.
func TestRequestRefBodies(t *testing.T) {
	if b := string(AddMember("https://graph.microsoft.com", "g", "u-1").Body); b != `{"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/u-1"}` {
		t.Errorf("add member body %s", b)
	}
	open := AddIncluded("https://microsoftgraph.chinacloudapi.cn", MDMPolicies, "p", "")
	if b := string(open.Body); b != `{"@odata.id":"https://microsoftgraph.chinacloudapi.cn/odata/groups('{groupId}')"}` {
		t.Errorf("add included body %s", b)
	}
	if _, err := ParseRequest(open.Method(), open.URL(), open.Body); err == nil {
		t.Error("a request with the {groupId} placeholder must not parse as one to send")
	}
}

// TestRequestNamesAreEscaped: an id read from the tenant cannot change the path, nor carry a control
// character into a URL shown on a terminal.
func TestRequestNamesAreEscaped(t *testing.T) {
	u := DeleteDevice("https://graph.microsoft.com", "x/../../users/admin\x1b[2J").URL()
	if strings.Count(u, "/") != 5 || strings.ContainsRune(u, 0x1b) {
		t.Errorf("URL %q", u)
	}
}

// TestUnknownRequestIsKeptForMessages: a journal line no Op describes reads back, names itself, and
// parses to the reason it cannot be sent.
func TestUnknownRequestIsKeptForMessages(t *testing.T) {
	var r Request
	if err := json.Unmarshal([]byte(`{"method":"POST","url":"https://graph.microsoft.com/v1.0/users/u-1/microsoft.graph.revokeSignInSessions"}`), &r); err != nil {
		t.Fatal(err)
	}
	if r.Op != 0 || r.Method() != "POST" || r.Path() != "/v1.0/users/u-1/microsoft.graph.revokeSignInSessions" {
		t.Errorf("read back as %+v: %s %s", r, r.Method(), r.Path())
	}
	if _, err := ParseRequest(r.Method(), r.URL(), r.Body); err == nil || !strings.Contains(err.Error(), "does not know how to apply or undo") {
		t.Errorf("parse: %v", err)
	}
}
