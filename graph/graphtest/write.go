package graphtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// The writes mdmdoctor's fixes send, served with Graph's semantics on the scenario tenant (which the
// server's lock guards): the operator's directory roles are checked first, as Graph refuses a write
// the signed-in user's roles do not allow whatever scopes the token holds. Delegated scopes are not
// checked, so that the demo's read-scoped token can show the fixes; an app-only operator passes.

// Role template ids of the Entra roles that may write what the fixes change.
const (
	roleGlobalAdmin       = "62e90394-69f5-4237-9190-012177145e10"
	roleIntuneAdmin       = "3a2c62db-5318-420d-8d74-23affee5d9d5"
	roleCloudDeviceAdmin  = "7698a772-787b-4ac8-901f-60d6b08affd2"
	roleGroupsAdmin       = "fdd7a751-b60b-444a-984c-02652fe8fa1c"
	roleLicenseAdmin      = "4d6ac14f-3453-41d0-bef9-a3e0c569773a"
	roleUserAdmin         = "fe930be7-5e62-47db-91af-98c3a49a38b1"
	roleConditionalAccess = "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9"
	roleSecurityAdmin     = "194ae4cb-b126-40b2-bd5b-6091b380977d"
)

// Who may write what (Global Administrator may write everything).
var (
	groupWriters   = []string{roleGroupsAdmin, roleUserAdmin, roleIntuneAdmin}
	policyWriters  = []string{roleCloudDeviceAdmin} // the MDM/MAM scopes and the device registration policy
	deviceWriters  = []string{roleCloudDeviceAdmin, roleIntuneAdmin}
	intuneWriters  = []string{roleIntuneAdmin}
	licenseWriters = []string{roleLicenseAdmin, roleUserAdmin}
	caWriters      = []string{roleConditionalAccess, roleSecurityAdmin}
)

// writeRoute is a write the fake knows: the roles that may send it and how it is served. A nil serve
// leaves the answer to the reference writes of route.go once the roles allow it.
type writeRoute struct {
	roles []string
	serve func() response
}

// fixWrite serves the writes of the fixes. It reports false for a write it does not route, or one
// that passed the role check and is answered by route.go's reference writes.
func (c *call) fixWrite() (response, bool) {
	w, ok := c.writeRoute()
	if !ok {
		return response{}, false
	}
	if !c.mayWrite(w.roles) {
		return errorResponse(http.StatusForbidden, "Authorization_RequestDenied",
			"Insufficient privileges to complete the operation."), true
	}
	if w.serve == nil {
		return response{}, false
	}
	return w.serve(), true
}

// mayWrite reports whether the signed-in operator holds one of roles, or Global Administrator, or
// signed in as an application.
func (c *call) mayWrite(roles []string) bool {
	op := c.t.Operator
	if len(op.AppRoles) > 0 {
		return true
	}
	return slices.ContainsFunc(op.RoleTemplateIDs, func(id string) bool {
		return strings.EqualFold(id, roleGlobalAdmin) || slices.ContainsFunc(roles, func(r string) bool { return strings.EqualFold(r, id) })
	})
}

func (c *call) writeRoute() (writeRoute, bool) {
	s := c.segs
	n := len(s)
	at := func(i int, want string) bool { return i < n && s[i] == want }
	switch {
	case n >= 4 && at(0, "groups") && at(2, "members"):
		return writeRoute{roles: groupWriters}, true
	case c.version == "beta" && n >= 3 && at(0, "policies") && (at(1, "mobileDeviceManagementPolicies") || at(1, "mobileAppManagementPolicies")):
		return c.mobilityWrite()
	case n == 2 && at(0, "policies") && at(1, "deviceRegistrationPolicy") && c.method == http.MethodPut:
		return writeRoute{roles: policyWriters, serve: c.putRegistrationPolicy}, true
	case n >= 3 && n <= 4 && at(0, "identity") && at(1, "conditionalAccess") && at(2, "policies"):
		return writeRoute{roles: caWriters, serve: c.writeCAPolicy}, true
	case n == 2 && at(0, "devices") && c.method == http.MethodDelete:
		return writeRoute{roles: deviceWriters, serve: c.deleteDevice}, true
	case n == 2 && at(0, "devices") && c.method == http.MethodPatch:
		return writeRoute{roles: deviceWriters, serve: c.patchDevice}, true
	case n == 3 && at(0, "deviceManagement") && at(1, "managedDevices") && c.method == http.MethodDelete:
		return writeRoute{roles: intuneWriters, serve: c.deleteManagedDevice}, true
	case n == 3 && at(0, "users") && at(2, "assignLicense") && c.method == http.MethodPost:
		return writeRoute{roles: licenseWriters, serve: c.assignLicense}, true
	case n == 2 && at(0, "users") && c.method == http.MethodPatch:
		return writeRoute{roles: licenseWriters, serve: c.patchUser}, true
	}
	return writeRoute{}, false
}

// decodeObject reads a JSON object body, or answers Graph's 400 for an unreadable one.
func decodeObject(body []byte) (map[string]json.RawMessage, *response) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		r := errorResponse(http.StatusBadRequest, "BadRequest",
			"Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid "+
				"JSON format.")
		return nil, &r
	}
	return m, nil
}

// unknownProperty answers Graph's 400 for a property the type does not define.
func unknownProperty(typ, prop string) response {
	return errorResponse(http.StatusBadRequest, "BadRequest",
		"The property '"+prop+"' does not exist on type 'microsoft.graph."+typ+"'. Make sure to only use "+
			"property names that are defined by the type.")
}

func badRequest(msg string) response {
	return errorResponse(http.StatusBadRequest, "Request_BadRequest", msg)
}

func noContent() response { return response{status: http.StatusNoContent, header: http.Header{}} }
