package checks

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// Op is what a planned Graph request does. A fix is a list of requests, each an Op and the objects it
// names; package fix knows, for each Op, the state to read before the write, when the change already
// holds and how to revert it. The method and URL follow from the Op (Method, URL).
type Op int

// The requests a fix may plan, with the Graph request each one is.
const (
	OpAddMember           Op = iota + 1 // POST /v1.0/groups/{group}/members/$ref
	OpRemoveMember                      // DELETE /v1.0/groups/{group}/members/{member}/$ref
	OpAddIncluded                       // POST /beta/policies/{set}/{policy}/includedGroups/$ref
	OpRemoveIncluded                    // DELETE /beta/policies/{set}/{policy}/includedGroups/{group}/$ref
	OpPatchScope                        // PATCH /beta/policies/{set}/{policy}
	OpPutRegistration                   // PUT /v1.0/policies/deviceRegistrationPolicy
	OpCreateCA                          // POST /v1.0/identity/conditionalAccess/policies
	OpDeleteCA                          // DELETE /v1.0/identity/conditionalAccess/policies/{id}
	OpAssignLicense                     // POST /v1.0/users/{id}/assignLicense
	OpPatchUser                         // PATCH /v1.0/users/{id}
	OpDeleteDevice                      // DELETE /v1.0/devices/{id}
	OpPatchDevice                       // PATCH /v1.0/devices/{id} (accountEnabled)
	OpDeleteManagedDevice               // DELETE /v1.0/deviceManagement/managedDevices/{id}
)

// The two mobility policy collections a scope request names in Request.Set.
const (
	MDMPolicies = "mobileDeviceManagementPolicies"
	MAMPolicies = "mobileAppManagementPolicies"
)

// Request is one planned Graph request, as data: what it does and the objects it names. Its JSON form
// (the report's fixes[].requests, the journal) is the method, URL and body it sends.
type Request struct {
	Op Op
	// Root is the Graph root the request goes to (https://graph.microsoft.com), without a version.
	Root string
	// Set and Policy name a mobility policy: MDMPolicies or MAMPolicies, and its id.
	Set, Policy string
	// Group is the group a membership or scope request names; Member the object added to or removed
	// from it.
	Group, Member string
	// ID is the object the other requests name: the user, Conditional Access policy, Entra device or
	// Intune managed device.
	ID string
	// Body is the JSON body sent, nil for none.
	Body json.RawMessage
	// method and url keep, for a request read back that no Op describes, what it said, to name it in
	// messages; such a request is never sent.
	method, url string
}

// AddMember adds an object (a user) to a group as a direct member.
func AddMember(root, group, member string) Request {
	return Request{Op: OpAddMember, Root: root, Group: group, Member: member,
		Body: refBody(root + "/v1.0/directoryObjects/" + url.PathEscape(member))}
}

// RemoveMember removes an object's direct membership of a group.
func RemoveMember(root, group, member string) Request {
	return Request{Op: OpRemoveMember, Root: root, Group: group, Member: member}
}

// AddIncluded adds a group to a mobility policy's included groups; a group of "" is planned as the
// placeholder {groupId}, for the operator to choose.
func AddIncluded(root, set, policy, group string) Request {
	id := group
	if id == "" {
		id = "{groupId}"
	}
	return Request{Op: OpAddIncluded, Root: root, Set: set, Policy: policy, Group: group,
		Body: refBody(root + "/odata/groups('" + id + "')")}
}

// RemoveIncluded removes a group from a mobility policy's included groups.
func RemoveIncluded(root, set, policy, group string) Request {
	return Request{Op: OpRemoveIncluded, Root: root, Set: set, Policy: policy, Group: group}
}

// PatchScope changes properties of a mobility policy (appliesTo, the MDM URLs).
func PatchScope(root, set, policy string, body json.RawMessage) Request {
	return Request{Op: OpPatchScope, Root: root, Set: set, Policy: policy, Body: body}
}

// PutRegistration replaces the device registration policy with body.
func PutRegistration(root string, body json.RawMessage) Request {
	return Request{Op: OpPutRegistration, Root: root, Body: body}
}

// CreateCA creates the Conditional Access policy body describes.
func CreateCA(root string, body json.RawMessage) Request {
	return Request{Op: OpCreateCA, Root: root, Body: body}
}

// DeleteCA deletes a Conditional Access policy.
func DeleteCA(root, id string) Request { return Request{Op: OpDeleteCA, Root: root, ID: id} }

// AssignLicense adds or removes a user's licences as body says.
func AssignLicense(root, user string, body json.RawMessage) Request {
	return Request{Op: OpAssignLicense, Root: root, ID: user, Body: body}
}

// PatchUser changes properties of a user (usageLocation).
func PatchUser(root, user string, body json.RawMessage) Request {
	return Request{Op: OpPatchUser, Root: root, ID: user, Body: body}
}

// DeleteDevice deletes an Entra device record.
func DeleteDevice(root, id string) Request { return Request{Op: OpDeleteDevice, Root: root, ID: id} }

// PatchDevice changes an Entra device record (accountEnabled).
func PatchDevice(root, id string, body json.RawMessage) Request {
	return Request{Op: OpPatchDevice, Root: root, ID: id, Body: body}
}

// DeleteManagedDevice deletes an Intune managed device record.
func DeleteManagedDevice(root, id string) Request {
	return Request{Op: OpDeleteManagedDevice, Root: root, ID: id}
}

func refBody(u string) json.RawMessage {
	b, _ := json.Marshal(map[string]string{"@odata.id": u})
	return b
}

// Method is the HTTP method the request sends.
func (r Request) Method() string {
	switch r.Op {
	case OpAddMember, OpAddIncluded, OpCreateCA, OpAssignLicense:
		return http.MethodPost
	case OpRemoveMember, OpRemoveIncluded, OpDeleteCA, OpDeleteDevice, OpDeleteManagedDevice:
		return http.MethodDelete
	case OpPatchScope, OpPatchUser, OpPatchDevice:
		return http.MethodPatch
	case OpPutRegistration:
		return http.MethodPut
	}
	return r.method
}

// URL is the absolute URL the request is sent to. Every name in it is path-escaped, so that an id
// read from the tenant can neither change the path nor carry a control character to a terminal.
func (r Request) URL() string {
	if r.Op == 0 {
		return r.url
	}
	return r.Root + r.Path()
}

// Path is the URL's path, from the version on.
func (r Request) Path() string {
	esc := url.PathEscape
	switch r.Op {
	case OpAddMember:
		return "/v1.0/groups/" + esc(r.Group) + "/members/$ref"
	case OpRemoveMember:
		return "/v1.0/groups/" + esc(r.Group) + "/members/" + esc(r.Member) + "/$ref"
	case OpAddIncluded:
		return r.PolicyPath() + "/includedGroups/$ref"
	case OpRemoveIncluded:
		return r.PolicyPath() + "/includedGroups/" + esc(r.Group) + "/$ref"
	case OpPatchScope:
		return r.PolicyPath()
	case OpPutRegistration:
		return "/v1.0/policies/deviceRegistrationPolicy"
	case OpCreateCA:
		return "/v1.0/identity/conditionalAccess/policies"
	case OpDeleteCA:
		return "/v1.0/identity/conditionalAccess/policies/" + esc(r.ID)
	case OpAssignLicense:
		return "/v1.0/users/" + esc(r.ID) + "/assignLicense"
	case OpPatchUser:
		return "/v1.0/users/" + esc(r.ID)
	case OpDeleteDevice, OpPatchDevice:
		return "/v1.0/devices/" + esc(r.ID)
	case OpDeleteManagedDevice:
		return "/v1.0/deviceManagement/managedDevices/" + esc(r.ID)
	}
	if u, err := url.Parse(r.url); err == nil {
		return u.RequestURI()
	}
	return r.url
}

// PolicyPath is the path of the mobility policy a scope request names.
func (r Request) PolicyPath() string {
	return "/beta/policies/" + url.PathEscape(r.Set) + "/" + url.PathEscape(r.Policy)
}

// requestJSON is a request's JSON form: what it sends.
type requestJSON struct {
	Method string          `json:"method"`
	URL    string          `json:"url"`
	Body   json.RawMessage `json:"body,omitempty"`
}

// MarshalJSON writes the request as the method, URL and body it sends.
func (r Request) MarshalJSON() ([]byte, error) {
	return json.Marshal(requestJSON{Method: r.Method(), URL: r.URL(), Body: r.Body})
}

// UnmarshalJSON reads a request written by MarshalJSON (a journal line). A request no Op describes
// is kept, with Op 0, for messages to name; ParseRequest says why it is not one.
func (r *Request) UnmarshalJSON(b []byte) error {
	var j requestJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	p, err := ParseRequest(j.Method, j.URL, j.Body)
	if err != nil {
		p = Request{Body: j.Body, method: j.Method, url: j.URL}
	}
	*r = p
	return nil
}

// refTarget reads the object id at the end of an @odata.id: .../directoryObjects/{id} or
// .../groups('{id}').
var refTarget = regexp.MustCompile(`(?:/|\(')([0-9A-Za-z-]+)(?:'\))?$`)

// ParseRequest reads a request from the method, URL and body it sends, as the journal holds them. A
// request none of the Ops describes is refused: a fix could neither check its state nor undo it.
func ParseRequest(method, rawURL string, body json.RawMessage) (Request, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return Request{}, fmt.Errorf("planned request %s %s has no absolute Graph URL", method, rawURL)
	}
	r := Request{Root: u.Scheme + "://" + u.Host, Body: body}
	var fields map[string]json.RawMessage
	if len(body) > 0 {
		if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
			return Request{}, fmt.Errorf("planned request %s %s has a body that is not a JSON object", method, rawURL)
		}
	}
	var segs []string
	for _, p := range strings.Split(strings.Trim(u.EscapedPath(), "/"), "/") {
		v, err := url.PathUnescape(p)
		if err != nil {
			return Request{}, fmt.Errorf("planned request %s %s: bad path: %w", method, rawURL, err)
		}
		segs = append(segs, v)
	}
	refID := func() string {
		var id string
		_ = json.Unmarshal(fields["@odata.id"], &id)
		if m := refTarget.FindStringSubmatch(id); m != nil {
			return m[1]
		}
		return ""
	}
	n := len(segs)
	at := func(i int, want string) bool { return i < n && segs[i] == want }
	isScope := n >= 4 && at(0, "beta") && at(1, "policies") && (at(2, MDMPolicies) || at(2, MAMPolicies))
	m := method
	switch {
	case m == http.MethodPost && n == 5 && at(0, "v1.0") && at(1, "groups") && at(3, "members") && at(4, "$ref"):
		r.Op, r.Group, r.Member = OpAddMember, segs[2], refID()
	case m == http.MethodDelete && n == 6 && at(0, "v1.0") && at(1, "groups") && at(3, "members") && at(5, "$ref"):
		r.Op, r.Group, r.Member = OpRemoveMember, segs[2], segs[4]
	case m == http.MethodPost && isScope && n == 6 && at(4, "includedGroups") && at(5, "$ref"):
		r.Op, r.Set, r.Policy, r.Group = OpAddIncluded, segs[2], segs[3], refID()
	case m == http.MethodDelete && isScope && n == 7 && at(4, "includedGroups") && at(6, "$ref"):
		r.Op, r.Set, r.Policy, r.Group = OpRemoveIncluded, segs[2], segs[3], segs[5]
	case m == http.MethodPatch && isScope && n == 4:
		r.Op, r.Set, r.Policy = OpPatchScope, segs[2], segs[3]
	case m == http.MethodPut && n == 3 && at(0, "v1.0") && at(1, "policies") && at(2, "deviceRegistrationPolicy"):
		r.Op = OpPutRegistration
	case m == http.MethodPost && n == 4 && at(0, "v1.0") && at(1, "identity") && at(2, "conditionalAccess") && at(3, "policies"):
		r.Op = OpCreateCA
	case m == http.MethodDelete && n == 5 && at(0, "v1.0") && at(1, "identity") && at(2, "conditionalAccess") && at(3, "policies"):
		r.Op, r.ID = OpDeleteCA, segs[4]
	case m == http.MethodPost && n == 4 && at(0, "v1.0") && at(1, "users") && at(3, "assignLicense"):
		r.Op, r.ID = OpAssignLicense, segs[2]
	case m == http.MethodPatch && n == 3 && at(0, "v1.0") && at(1, "users"):
		r.Op, r.ID = OpPatchUser, segs[2]
	case m == http.MethodDelete && n == 3 && at(0, "v1.0") && at(1, "devices"):
		r.Op, r.ID = OpDeleteDevice, segs[2]
	case m == http.MethodPatch && n == 3 && at(0, "v1.0") && at(1, "devices"):
		r.Op, r.ID = OpPatchDevice, segs[2]
	case m == http.MethodDelete && n == 4 && at(0, "v1.0") && at(1, "deviceManagement") && at(2, "managedDevices"):
		r.Op, r.ID = OpDeleteManagedDevice, segs[3]
	}
	if r.Op == 0 || (r.Op == OpAddMember && r.Member == "") || (r.Op == OpAddIncluded && r.Group == "") {
		return Request{}, fmt.Errorf("mdmdoctor does not know how to apply or undo %s %s", method, rawURL)
	}
	return r, nil
}
