package fix

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/graph"
)

// step is one planned request, its body read, and what undo expects of the object it changes.
type step struct {
	req  checks.Request
	body map[string]json.RawMessage
	// expect, on an undo step, holds the fields the object must still show (what the fix set), so
	// that an undo never overwrites a change made since; expectWhole holds a whole object to match.
	expect      map[string]json.RawMessage
	expectWhole json.RawMessage
	// named, on a device deletion, says the operator typed the device's name.
	named bool
}

// newStep takes a planned request for sending. A request no Op describes (read back from an edited
// journal), one that names no object, or one whose body is not a JSON object is refused: the
// machinery could neither check its state nor undo it.
func newStep(r checks.Request) (step, error) {
	if r.Op == 0 {
		_, err := checks.ParseRequest(r.Method(), r.URL(), r.Body)
		if err == nil {
			err = fmt.Errorf("mdmdoctor does not know how to apply or undo %s %s", r.Method(), r.URL())
		}
		return step{}, err
	}
	s := step{req: r}
	if len(r.Body) > 0 {
		if err := json.Unmarshal(r.Body, &s.body); err != nil || s.body == nil {
			return step{}, fmt.Errorf("planned request %s %s has a body that is not a JSON object", r.Method(), r.URL())
		}
	}
	if (r.Op == checks.OpAddMember && r.Member == "") || (r.Op == checks.OpAddIncluded && r.Group == "") {
		return step{}, fmt.Errorf("mdmdoctor does not know how to apply or undo %s %s", r.Method(), r.URL())
	}
	return s, nil
}

// alreadyDone reports whether a failed answer means the change was in place already: a reference
// that already exists, or an object or reference that is already gone.
func (s step) alreadyDone(r graph.Response) bool {
	switch s.req.Op {
	case checks.OpAddMember, checks.OpAddIncluded:
		e := r.Failure()
		return r.Status == http.StatusBadRequest && e != nil && strings.Contains(strings.ToLower(e.Message), "already exist")
	case checks.OpRemoveMember, checks.OpRemoveIncluded, checks.OpDeleteCA, checks.OpDeleteDevice, checks.OpDeleteManagedDevice:
		return r.Status == http.StatusNotFound
	}
	return false
}

// urlOf joins the step's Graph root with a path.
func (s step) urlOf(path string) string { return s.req.Root + path }

// what names the object a step changes, for messages.
func (s step) what() string {
	switch s.req.Op {
	case checks.OpAddMember, checks.OpRemoveMember:
		return "the membership of group " + s.req.Group
	case checks.OpAddIncluded, checks.OpRemoveIncluded, checks.OpPatchScope:
		return scopeName(s.req.Set)
	case checks.OpPutRegistration:
		return "the device registration policy"
	case checks.OpCreateCA, checks.OpDeleteCA:
		return "the Conditional Access policies"
	case checks.OpAssignLicense, checks.OpPatchUser:
		return "user " + s.req.ID
	case checks.OpDeleteDevice, checks.OpPatchDevice:
		return "Entra device " + s.req.ID
	case checks.OpDeleteManagedDevice:
		return "Intune device " + s.req.ID
	}
	return s.req.URL()
}

func scopeName(set string) string {
	if set == "mobileAppManagementPolicies" {
		return "the MAM (WIP) user scope"
	}
	return "the MDM user scope"
}
