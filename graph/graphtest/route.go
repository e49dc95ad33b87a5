package graphtest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// call is one routed request, handled with the server's lock held.
type call struct {
	s       *Server
	t       *Tenant
	method  string
	version string
	// path is the escaped path after the version, for next links.
	path  string
	segs  []string
	query url.Values
	body  []byte
}

// route answers a call from the tenant: reads, and the writes of write. The tenant stays behind the
// server's lock, so writes change it in place for the reads that follow.
func (c *call) route() response {
	if c.method != http.MethodGet {
		return c.write()
	}
	segs := c.segs
	if len(segs) == 0 {
		return errorResponse(http.StatusBadRequest, "BadRequest", "Resource not found for the segment ''.")
	}
	if key, ok := strings.CutPrefix(segs[0], "users("); ok {
		segs = append([]string{"users", "(" + key}, segs[1:]...)
	}
	if key, ok := strings.CutPrefix(segs[0], "directoryRoles("); ok {
		segs = append([]string{"directoryRoles", "(" + key}, segs[1:]...)
	}
	switch segs[0] {
	case "me":
		return c.user(append([]string{"users", "me"}, segs[1:]...))
	case "users":
		return c.user(segs)
	case "domains":
		return c.entitySet(segs[1:], "domain", c.t.Domains)
	case "subscribedSkus":
		return c.entitySet(segs[1:], "subscribedSku", c.t.SubscribedSkus)
	case "groups":
		return c.group(segs[1:])
	case "devices":
		if len(segs) == 1 {
			return c.list("device", c.t.Devices, c.expandOwners)
		}
		if len(segs) == 3 {
			return c.deviceRelation(segs[1], segs[2])
		}
		return c.entitySet(segs[1:], "device", c.t.Devices)
	case "deviceManagement":
		return c.deviceManagement(segs[1:])
	case "identity":
		if len(segs) >= 3 && segs[1] == "conditionalAccess" && segs[2] == "policies" {
			return c.entitySet(segs[3:], "conditionalAccessPolicy", c.t.ConditionalAccessPolicies)
		}
	case "policies":
		return c.policies(segs[1:])
	case "informationProtection":
		return c.recoveryKeys(segs[1:])
	case "directory":
		return c.directory(segs[1:])
	case "auditLogs":
		return c.auditLogs(segs[1:])
	case "directoryRoles":
		return c.directoryRole(segs[1:])
	case "organization":
		org := Object{"id": c.t.TenantID, "displayName": c.t.DisplayName}
		if c.t.MDMAuthority != "" {
			org["mobileDeviceManagementAuthority"] = c.t.MDMAuthority
		}
		return c.entitySet(segs[1:], "organization", []Object{org})
	}
	return c.noSegment(segs[0])
}

func (c *call) noSegment(seg string) response {
	return errorResponse(http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+seg+"'.")
}

// entitySet serves GET /set and GET /set/{id}.
func (c *call) entitySet(rest []string, typ string, objs []Object) response {
	switch len(rest) {
	case 0:
		return c.list(typ, objs, nil)
	case 1:
		o := findObject(objs, "id", rest[0])
		if o == nil {
			return errNotFound(rest[0])
		}
		return c.entity(typ, o, nil)
	}
	return c.noSegment(rest[1])
}

// resolveUser finds a user by id or userPrincipalName, in any of the forms Graph accepts:
// /users/{id}, /users/{upn}, /users('{upn}') (needed for UPNs starting with $), and the SDK's /me
// placeholder me-token-to-replace.
func (c *call) resolveUser(key string) Object {
	if strings.HasPrefix(key, "('") && strings.HasSuffix(key, "')") {
		key = strings.ReplaceAll(key[2:len(key)-2], "''", "'")
	}
	if key == "me" || key == "me-token-to-replace" {
		key = c.t.Operator.UserPrincipalName
	}
	if o := findObject(c.t.Users, "id", key); o != nil {
		return o
	}
	return findObject(c.t.Users, "userPrincipalName", key)
}

func (c *call) user(segs []string) response {
	if len(segs) == 1 {
		return c.list("user", c.t.Users, nil)
	}
	key := segs[1]
	if strings.HasPrefix(key, "$") {
		// Graph reads a leading $ as a system segment: such UPNs must be written /users('$...').
		return c.noSegment(key)
	}
	u := c.resolveUser(key)
	if u == nil {
		return errNotFound(strings.Trim(key, "()'"))
	}
	if len(segs) == 2 {
		return c.entity("user", u, nil)
	}
	id := u.ID()
	switch segs[2] {
	case "licenseDetails":
		return c.list("licenseDetails", c.licenseDetails(u), nil)
	case "memberOf", "transitiveMemberOf":
		parents := c.directParents(id)
		if segs[2] == "transitiveMemberOf" {
			parents = c.transitiveParents(id)
		}
		return c.castList(segs[3:], parents)
	case "registeredDevices", "ownedDevices":
		field := "registeredUsers"
		if segs[2] == "ownedDevices" {
			field = "registeredOwners"
		}
		var out []Object
		for _, d := range c.t.Devices {
			if slices.Contains(d.strings(field), id) {
				out = append(out, withType(d, "device"))
			}
		}
		return c.list("device", out, nil)
	case "managedDevices":
		var out []Object
		for _, d := range c.t.ManagedDevices {
			if strings.EqualFold(d.str("userId"), id) {
				out = append(out, d)
			}
		}
		return c.entitySet(segs[3:], "managedDevice", out)
	}
	return c.noSegment(segs[2])
}

// castList serves a directoryObject collection, optionally cast to groups (/microsoft.graph.group,
// or /graph.group as the Go SDK writes it).
func (c *call) castList(rest []string, objs []Object) response {
	if len(rest) == 0 {
		return c.list("", objs, nil)
	}
	cast := strings.TrimPrefix(strings.TrimPrefix(rest[0], "microsoft."), "graph.")
	if len(rest) > 1 || (cast != "group" && cast != "directoryRole" && cast != "user" && cast != "device") {
		return c.noSegment(rest[0])
	}
	var out []Object
	for _, o := range objs {
		if o.str("@odata.type") == "#microsoft.graph."+cast {
			out = append(out, o)
		}
	}
	return c.list(cast, out, nil)
}

func (c *call) group(rest []string) response {
	if len(rest) < 2 {
		return c.entitySet(rest, "group", c.t.Groups)
	}
	g := findObject(c.t.Groups, "id", rest[0])
	if g == nil {
		return errNotFound(rest[0])
	}
	switch rest[1] {
	case "members":
		return c.castList(rest[2:], c.members(g))
	case "transitiveMembers":
		return c.castList(rest[2:], c.transitiveMembers(g))
	case "memberOf", "transitiveMemberOf":
		parents := c.directParents(g.ID())
		if rest[1] == "transitiveMemberOf" {
			parents = c.transitiveParents(g.ID())
		}
		return c.castList(rest[2:], parents)
	}
	return c.noSegment(rest[1])
}

func (c *call) deviceManagement(rest []string) response {
	if len(rest) == 0 {
		return c.noSegment("deviceManagement")
	}
	switch rest[0] {
	case "managedDevices":
		return c.entitySet(rest[1:], "managedDevice", c.t.ManagedDevices)
	case "troubleshootingEvents":
		var out []Object
		for _, e := range c.t.TroubleshootingEvents {
			out = append(out, withType(e, "enrollmentTroubleshootingEvent"))
		}
		return c.entitySet(rest[1:], "enrollmentTroubleshootingEvent", out)
	case "deviceEnrollmentConfigurations":
		expand := c.expandAssignments
		if len(rest) == 3 && rest[2] == "assignments" {
			cfg := findObject(c.t.DeviceEnrollmentConfigurations, "id", rest[1])
			if cfg == nil {
				return errNotFound(rest[1])
			}
			var out []Object
			for _, a := range objects(cfg["assignments"]) {
				out = append(out, Object(a))
			}
			return c.list("enrollmentConfigurationAssignment", out, nil)
		}
		if len(rest) > 2 {
			return c.noSegment(rest[2])
		}
		if len(rest) == 2 {
			cfg := findObject(c.t.DeviceEnrollmentConfigurations, "id", rest[1])
			if cfg == nil {
				return errNotFound(rest[1])
			}
			return c.entity("deviceEnrollmentConfiguration", cfg, expand)
		}
		return c.list("deviceEnrollmentConfiguration", c.t.DeviceEnrollmentConfigurations, expand)
	}
	return c.noSegment(rest[0])
}

// expandAssignments embeds a configuration's assignments for $expand=assignments.
func (c *call) expandAssignments(name string, o Object, out map[string]any) bool {
	if name != "assignments" {
		return false
	}
	var list []any
	for _, a := range objects(o["assignments"]) {
		list = append(list, a)
	}
	if list == nil {
		list = []any{}
	}
	out["assignments"] = list
	return true
}

func (c *call) policies(rest []string) response {
	if len(rest) == 0 {
		return c.noSegment("policies")
	}
	switch rest[0] {
	case "deviceRegistrationPolicy":
		if len(rest) > 1 {
			return c.noSegment(rest[1])
		}
		if c.t.DeviceRegistrationPolicy == nil {
			return errorResponse(http.StatusNotFound, "Request_ResourceNotFound",
				"The device registration policy does not exist.")
		}
		return c.entity("deviceRegistrationPolicy", c.t.DeviceRegistrationPolicy, nil)
	case "mobileDeviceManagementPolicies", "mobileAppManagementPolicies":
		if c.version != "beta" {
			return c.noSegment(rest[0])
		}
		objs := c.t.MobileDeviceManagementPolicies
		if rest[0] == "mobileAppManagementPolicies" {
			objs = c.t.MobileAppManagementPolicies
		}
		return c.mobilityPolicy(rest[1:], objs)
	}
	return c.noSegment(rest[0])
}

func (c *call) mobilityPolicy(rest []string, objs []Object) response {
	const typ = "mobilityManagementPolicy"
	if len(rest) == 0 {
		return c.list(typ, objs, c.expandIncludedGroups)
	}
	p := findObject(objs, "id", rest[0])
	if p == nil {
		return errorResponse(http.StatusNotFound, "ResourceNotFound",
			"The policy "+rest[0]+" does not exist in this tenant.")
	}
	switch {
	case len(rest) == 1:
		return c.entity(typ, p, c.expandIncludedGroups)
	case len(rest) == 2 && rest[1] == "includedGroups":
		return c.castList(nil, c.includedGroups(p))
	}
	return c.noSegment(rest[len(rest)-1])
}

// expandLimit is how many related directory objects Graph returns for an $expand, without a next
// link: readers must not rely on an expansion being complete.
const expandLimit = 20

func (c *call) expandIncludedGroups(name string, o Object, out map[string]any) bool {
	if name != "includedGroups" {
		return false
	}
	groups := c.includedGroups(o)
	list := []any{}
	for i, g := range groups {
		if i == expandLimit {
			break
		}
		list = append(list, map[string]any(g))
	}
	out["includedGroups"] = list
	return true
}

// expandOwners embeds a device's registered owners or users (id, userPrincipalName, displayName).
func (c *call) expandOwners(name string, o Object, out map[string]any) bool {
	if name != "registeredOwners" && name != "registeredUsers" {
		return false
	}
	list := []any{}
	for i, id := range o.strings(name) {
		if i == expandLimit {
			break
		}
		if u := findObject(c.t.Users, "id", id); u != nil {
			list = append(list, map[string]any{"@odata.type": "#microsoft.graph.user", "id": u["id"],
				"userPrincipalName": u["userPrincipalName"], "displayName": u["displayName"]})
		}
	}
	out[name] = list
	return true
}

func (c *call) includedGroups(p Object) []Object {
	var out []Object
	for _, id := range p.strings("includedGroups") {
		if g := findObject(c.t.Groups, "id", id); g != nil {
			out = append(out, withType(g, "group"))
		}
	}
	return out
}

// write serves the writes the fake knows: those of the fixes (write.go), then reference writes on
// group members and on the included groups of the mobility policies. Others answer 405.
func (c *call) write() response {
	if r, ok := c.fixWrite(); ok {
		return r
	}
	segs := c.segs
	switch {
	case len(segs) >= 4 && segs[0] == "groups" && segs[2] == "members":
		g := findObject(c.t.Groups, "id", segs[1])
		if g == nil {
			return errNotFound(segs[1])
		}
		return c.reference(g, "members", segs[3:], c.t.Users, c.t.Groups, c.t.Devices)
	case c.version == "beta" && len(segs) >= 5 && segs[0] == "policies" && segs[3] == "includedGroups" &&
		(segs[1] == "mobileDeviceManagementPolicies" || segs[1] == "mobileAppManagementPolicies"):
		objs := c.t.MobileDeviceManagementPolicies
		if segs[1] == "mobileAppManagementPolicies" {
			objs = c.t.MobileAppManagementPolicies
		}
		p := findObject(objs, "id", segs[2])
		if p == nil {
			return errorResponse(http.StatusNotFound, "ResourceNotFound",
				"The policy "+segs[2]+" does not exist in this tenant.")
		}
		return c.reference(p, "includedGroups", segs[4:], c.t.Groups)
	}
	return errorResponse(http.StatusMethodNotAllowed, "Request_BadRequest",
		"The fake Graph does not serve "+c.method+" on this path yet.")
}
