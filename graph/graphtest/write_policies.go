package graphtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// mobilityWrite routes writes on the beta MDM and MAM user scope policies: PATCH of the policy and
// reference writes on its included groups.
func (c *call) mobilityWrite() (writeRoute, bool) {
	s := c.segs
	objs := c.t.MobileDeviceManagementPolicies
	if s[1] == "mobileAppManagementPolicies" {
		objs = c.t.MobileAppManagementPolicies
	}
	p := findObject(objs, "id", s[2])
	missing := func() response {
		return errorResponse(http.StatusNotFound, "ResourceNotFound",
			"The policy "+s[2]+" does not exist in this tenant.")
	}
	switch {
	case len(s) == 3 && c.method == http.MethodPatch:
		return writeRoute{roles: policyWriters, serve: func() response {
			if p == nil {
				return missing()
			}
			return c.patchMobilityPolicy(p)
		}}, true
	case len(s) >= 5 && s[3] == "includedGroups":
		return writeRoute{roles: policyWriters, serve: func() response {
			if p == nil {
				return missing()
			}
			r := c.reference(p, "includedGroups", s[4:], c.t.Groups)
			// Adding a group is how a scope becomes Some: PATCH cannot set appliesTo to selected.
			if r.status == http.StatusNoContent && c.method == http.MethodPost {
				p["appliesTo"] = "selected"
			}
			return r
		}}, true
	}
	return writeRoute{}, false
}

// mobilityURLs are the properties of a mobility policy that PATCH may change besides appliesTo.
var mobilityURLs = []string{"discoveryUrl", "termsOfUseUrl", "complianceUrl", "displayName", "description", "isMdmEnrollmentDuringRegistrationDisabled"}

// patchMobilityPolicy follows the service: appliesTo is patched alone (none or all; all and none
// drop the included groups), the URLs and other settable properties together.
func (c *call) patchMobilityPolicy(p Object) response {
	m, errResp := decodeObject(c.body)
	if errResp != nil {
		return *errResp
	}
	for k := range m {
		if k != "appliesTo" && !slices.Contains(mobilityURLs, k) {
			if knownProperty("mobilityManagementPolicy", k) {
				return badRequest("The property '" + k + "' cannot be changed.")
			}
			return unknownProperty("mobilityManagementPolicy", k)
		}
	}
	if raw, ok := m["appliesTo"]; ok {
		if len(m) > 1 {
			return badRequest("Simultaneous patch requests on both the appliesTo and URL properties are " +
				"currently not supported.")
		}
		var v string
		if json.Unmarshal(raw, &v) != nil {
			return badRequest("Invalid value for appliesTo.")
		}
		switch v {
		case "none", "all":
			p["appliesTo"] = v
			p["includedGroups"] = []any{}
		case "selected":
			return badRequest("appliesTo cannot be set to selected by PATCH: add groups to includedGroups instead.")
		default:
			return badRequest("Invalid value '" + v + "' for appliesTo: use none or all.")
		}
		return noContent()
	}
	for k, raw := range m {
		var v any
		if json.Unmarshal(raw, &v) != nil {
			return badRequest("Invalid value for " + k + ".")
		}
		p[k] = v
	}
	return noContent()
}

// putRegistrationPolicy replaces the device registration policy with the body, as the service does:
// a property left out is reset, so an omitted userDeviceQuota becomes 0 and blocks every join.
func (c *call) putRegistrationPolicy() response {
	m, errResp := decodeObject(c.body)
	if errResp != nil {
		return *errResp
	}
	next := Object{}
	for k, raw := range m {
		if strings.HasPrefix(k, "@odata.") && k != "@odata.type" {
			continue
		}
		if k != "@odata.type" && !knownProperty("deviceRegistrationPolicy", k) {
			return unknownProperty("deviceRegistrationPolicy", k)
		}
		var v any
		if json.Unmarshal(raw, &v) != nil {
			return badRequest("Invalid value for " + k + ".")
		}
		next[k] = v
	}
	if id, ok := next["id"]; ok && id != "deviceRegistrationPolicy" {
		return badRequest("The id of the device registration policy cannot be changed.")
	}
	next["id"] = "deviceRegistrationPolicy"
	if _, ok := next["userDeviceQuota"]; !ok {
		next["userDeviceQuota"] = float64(0)
	}
	if v, ok := next["multiFactorAuthConfiguration"].(string); ok && v != "notRequired" && v != "required" && v != "0" && v != "1" {
		return badRequest("Invalid value '" + v + "' for multiFactorAuthConfiguration.")
	}
	c.t.DeviceRegistrationPolicy = next
	return c.entity("deviceRegistrationPolicy", next, nil)
}

// caStates are the states a Conditional Access policy may be created in.
var caStates = []string{"enabled", "disabled", "enabledForReportingButNotEnforced"}

// writeCAPolicy creates (POST on the collection, 201 with the new policy) or deletes (DELETE on one,
// 204) a Conditional Access policy.
func (c *call) writeCAPolicy() response {
	switch {
	case len(c.segs) == 3 && c.method == http.MethodPost:
		m, errResp := decodeObject(c.body)
		if errResp != nil {
			return *errResp
		}
		p := Object{}
		for k, raw := range m {
			if !knownProperty("conditionalAccessPolicy", k) {
				return unknownProperty("conditionalAccessPolicy", k)
			}
			var v any
			if json.Unmarshal(raw, &v) != nil {
				return badRequest("Invalid value for " + k + ".")
			}
			p[k] = v
		}
		if name, _ := p["displayName"].(string); name == "" {
			return badRequest("displayName is required.")
		}
		if st, _ := p["state"].(string); !slices.Contains(caStates, st) {
			return badRequest("state must be one of " + strings.Join(caStates, ", ") + ".")
		}
		if _, ok := p["conditions"].(map[string]any); !ok {
			return badRequest("conditions are required.")
		}
		now := time.Now().UTC().Format(time.RFC3339)
		p["id"], p["createdDateTime"], p["modifiedDateTime"] = newID(), now, nil
		c.t.ConditionalAccessPolicies = append(c.t.ConditionalAccessPolicies, p)
		r := c.entity("conditionalAccessPolicy", p, nil)
		r.status = http.StatusCreated
		return r
	case len(c.segs) == 4 && c.method == http.MethodDelete:
		i := slices.IndexFunc(c.t.ConditionalAccessPolicies, func(o Object) bool { return strings.EqualFold(o.ID(), c.segs[3]) })
		if i < 0 {
			return errNotFound(c.segs[3])
		}
		c.t.ConditionalAccessPolicies = slices.Delete(c.t.ConditionalAccessPolicies, i, i+1)
		return noContent()
	}
	return errorResponse(http.StatusMethodNotAllowed, "Request_BadRequest",
		"Conditional Access policies are created with POST on the collection and deleted with DELETE.")
}
