package fix

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/checks"
)

// kind is what a planned request does, read from its method and path. The machinery knows each
// kind's state (what to read before writing), when it already holds, and its inverse.
type kind int

const (
	addMember           kind = iota + 1 // POST /v1.0/groups/{group}/members/$ref
	removeMember                        // DELETE /v1.0/groups/{group}/members/{object}/$ref
	addIncluded                         // POST /beta/policies/{set}/{policy}/includedGroups/$ref
	removeIncluded                      // DELETE /beta/policies/{set}/{policy}/includedGroups/{group}/$ref
	patchScope                          // PATCH /beta/policies/{set}/{policy}
	putRegistration                     // PUT /v1.0/policies/deviceRegistrationPolicy
	createCA                            // POST /v1.0/identity/conditionalAccess/policies
	deleteCA                            // DELETE /v1.0/identity/conditionalAccess/policies/{id}
	assignLicense                       // POST /v1.0/users/{user}/assignLicense
	patchUser                           // PATCH /v1.0/users/{user}
	deleteDevice                        // DELETE /v1.0/devices/{id}
	patchDevice                         // PATCH /v1.0/devices/{id} (accountEnabled)
	deleteManagedDevice                 // DELETE /v1.0/deviceManagement/managedDevices/{id}
)

// step is one planned request and what it is about.
type step struct {
	kind kind
	req  checks.Request
	// root is the Graph root the request names (https://graph.microsoft.com), for the reads of its
	// state and the requests of its inverse.
	root string
	// set and policy name a mobility policy: mobileDeviceManagementPolicies or
	// mobileAppManagementPolicies, and its id.
	set, policy string
	// group, object, user and id name what the request changes, as its kind says.
	group, object, user, id string
	body                    map[string]json.RawMessage
	// expect, on an undo step, holds the fields the object must still show (what the fix set), so
	// that an undo never overwrites a change made since; expectWhole holds a whole object to match.
	expect      map[string]json.RawMessage
	expectWhole json.RawMessage
	// named, on a device deletion, says the operator typed the device's name.
	named bool
}

// refTarget reads the object id at the end of an @odata.id: .../directoryObjects/{id} or
// .../groups('{id}').
var refTarget = regexp.MustCompile(`(?:/|\(')([0-9A-Za-z-]+)(?:'\))?$`)

// parseStep reads what a planned request does. A request the machinery does not know is refused:
// it could neither check its state nor undo it.
func parseStep(r checks.Request) (step, error) {
	u, err := url.Parse(r.URL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return step{}, fmt.Errorf("planned request %s %s has no absolute Graph URL", r.Method, r.URL)
	}
	s := step{req: r, root: u.Scheme + "://" + u.Host}
	if len(r.Body) > 0 {
		if err := json.Unmarshal(r.Body, &s.body); err != nil || s.body == nil {
			return step{}, fmt.Errorf("planned request %s %s has a body that is not a JSON object", r.Method, r.URL)
		}
	}
	var segs []string
	for _, p := range strings.Split(strings.Trim(u.EscapedPath(), "/"), "/") {
		v, err := url.PathUnescape(p)
		if err != nil {
			return step{}, fmt.Errorf("planned request %s %s: bad path: %w", r.Method, r.URL, err)
		}
		segs = append(segs, v)
	}
	n := len(segs)
	at := func(i int, want string) bool { return i < n && segs[i] == want }
	isScope := n >= 4 && at(0, "beta") && at(1, "policies") && (at(2, "mobileDeviceManagementPolicies") || at(2, "mobileAppManagementPolicies"))
	m := r.Method
	switch {
	case m == http.MethodPost && n == 5 && at(0, "v1.0") && at(1, "groups") && at(3, "members") && at(4, "$ref"):
		s.kind, s.group, s.object = addMember, segs[2], s.refID()
	case m == http.MethodDelete && n == 6 && at(0, "v1.0") && at(1, "groups") && at(3, "members") && at(5, "$ref"):
		s.kind, s.group, s.object = removeMember, segs[2], segs[4]
	case m == http.MethodPost && isScope && n == 6 && at(4, "includedGroups") && at(5, "$ref"):
		s.kind, s.set, s.policy, s.group = addIncluded, segs[2], segs[3], s.refID()
	case m == http.MethodDelete && isScope && n == 7 && at(4, "includedGroups") && at(6, "$ref"):
		s.kind, s.set, s.policy, s.group = removeIncluded, segs[2], segs[3], segs[5]
	case m == http.MethodPatch && isScope && n == 4:
		s.kind, s.set, s.policy = patchScope, segs[2], segs[3]
	case m == http.MethodPut && n == 3 && at(0, "v1.0") && at(1, "policies") && at(2, "deviceRegistrationPolicy"):
		s.kind = putRegistration
	case n >= 4 && at(0, "v1.0") && at(1, "identity") && at(2, "conditionalAccess") && at(3, "policies"):
		switch {
		case m == http.MethodPost && n == 4:
			s.kind = createCA
		case m == http.MethodDelete && n == 5:
			s.kind, s.id = deleteCA, segs[4]
		}
	case m == http.MethodPost && n == 4 && at(0, "v1.0") && at(1, "users") && at(3, "assignLicense"):
		s.kind, s.user = assignLicense, segs[2]
	case m == http.MethodPatch && n == 3 && at(0, "v1.0") && at(1, "users"):
		s.kind, s.user = patchUser, segs[2]
	case m == http.MethodDelete && n == 3 && at(0, "v1.0") && at(1, "devices"):
		s.kind, s.id = deleteDevice, segs[2]
	case m == http.MethodPatch && n == 3 && at(0, "v1.0") && at(1, "devices"):
		s.kind, s.id = patchDevice, segs[2]
	case m == http.MethodDelete && n == 4 && at(0, "v1.0") && at(1, "deviceManagement") && at(2, "managedDevices"):
		s.kind, s.id = deleteManagedDevice, segs[3]
	}
	if s.kind == 0 || (s.kind == addMember && s.object == "") || (s.kind == addIncluded && s.group == "") {
		return step{}, fmt.Errorf("mdmdoctor does not know how to apply or undo %s %s", r.Method, r.URL)
	}
	return s, nil
}

// refID reads the id a reference body names.
func (s step) refID() string {
	var id string
	_ = json.Unmarshal(s.body["@odata.id"], &id)
	if m := refTarget.FindStringSubmatch(id); m != nil {
		return m[1]
	}
	return ""
}

// alreadyDone reports whether a failed answer means the change was in place already: a reference
// that already exists, or an object or reference that is already gone.
func (s step) alreadyDone(r Response) bool {
	switch s.kind {
	case addMember, addIncluded:
		return r.Status == http.StatusBadRequest && strings.Contains(strings.ToLower(string(r.Body)), "already exist")
	case removeMember, removeIncluded, deleteCA, deleteDevice, deleteManagedDevice:
		return r.Status == http.StatusNotFound
	}
	return false
}

// urlOf joins the step's Graph root with a path.
func (s step) urlOf(path string) string { return s.root + path }

// policyPath is the path of the step's mobility policy.
func (s step) policyPath() string {
	return "/beta/policies/" + s.set + "/" + url.PathEscape(s.policy)
}

// what names the object a step changes, for messages.
func (s step) what() string {
	switch s.kind {
	case addMember, removeMember:
		return "the membership of group " + s.group
	case addIncluded, removeIncluded, patchScope:
		return scopeName(s.set)
	case putRegistration:
		return "the device registration policy"
	case createCA, deleteCA:
		return "the Conditional Access policies"
	case assignLicense, patchUser:
		return "user " + s.user
	case deleteDevice, patchDevice:
		return "Entra device " + s.id
	case deleteManagedDevice:
		return "Intune device " + s.id
	}
	return s.req.URL
}

func scopeName(set string) string {
	if set == "mobileAppManagementPolicies" {
		return "the MAM (WIP) user scope"
	}
	return "the MDM user scope"
}
