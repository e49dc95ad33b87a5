package fix

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/graph"
)

// maxPages bounds how many pages of a collection a state read follows.
const maxPages = 50

// readState reads what a step is about to change, as the journal keeps it: the object's JSON, or
// null when it does not exist (an object already deleted).
func (s step) readState(ctx context.Context, r Reader) (json.RawMessage, error) {
	switch s.req.Op {
	case checks.OpAddMember, checks.OpRemoveMember:
		user := s.urlOf("/v1.0/users/" + url.PathEscape(s.req.Member))
		direct, err := list(ctx, r, user+"/memberOf?$select=id,displayName")
		if err != nil {
			return nil, err
		}
		nested, err := list(ctx, r, user+"/transitiveMemberOf?$select=id,displayName")
		if err != nil {
			return nil, err
		}
		return json.Marshal(map[string]any{"id": s.req.Member, "memberOf": direct, "transitiveMemberOf": nested})
	case checks.OpAddIncluded, checks.OpRemoveIncluded, checks.OpPatchScope:
		pol, err := get(ctx, r, s.urlOf(s.req.PolicyPath()+"?$select=id,displayName,appliesTo,discoveryUrl,termsOfUseUrl,complianceUrl"))
		if err != nil {
			return nil, err
		}
		if pol == nil {
			return nil, fmt.Errorf("%s (policy %s) no longer exists: re-check", scopeName(s.req.Set), s.req.Policy)
		}
		groups, err := list(ctx, r, s.urlOf(s.req.PolicyPath()+"/includedGroups?$select=id,displayName"))
		if err != nil {
			return nil, err
		}
		return withRaw(pol, "includedGroups", groups)
	case checks.OpPutRegistration:
		pol, err := get(ctx, r, s.urlOf("/v1.0/policies/deviceRegistrationPolicy"))
		if err == nil && pol == nil {
			err = fmt.Errorf("the device registration policy was not found: re-check")
		}
		return pol, err
	case checks.OpCreateCA:
		all, err := list(ctx, r, s.urlOf("/v1.0/identity/conditionalAccess/policies?$select=id,displayName,state"))
		if err != nil {
			return nil, err
		}
		name := stringField(s.body, "displayName")
		same := []json.RawMessage{}
		for _, p := range all {
			var o map[string]json.RawMessage
			if json.Unmarshal(p, &o) == nil && strings.EqualFold(stringField(o, "displayName"), name) {
				same = append(same, p)
			}
		}
		return json.Marshal(map[string]any{"sameName": same})
	case checks.OpDeleteCA:
		return orNull(get(ctx, r, s.urlOf("/v1.0/identity/conditionalAccess/policies/"+url.PathEscape(s.req.ID))))
	case checks.OpAssignLicense, checks.OpPatchUser:
		u, err := get(ctx, r, s.urlOf("/v1.0/users/"+url.PathEscape(s.req.ID)+"?$select=id,userPrincipalName,usageLocation,assignedLicenses"))
		if err == nil && u == nil {
			err = fmt.Errorf("user %s was not found: re-check", s.req.ID)
		}
		return u, err
	case checks.OpDeleteDevice:
		return deviceState(ctx, r, s)
	case checks.OpPatchDevice:
		d, err := get(ctx, r, s.urlOf("/v1.0/devices/"+url.PathEscape(s.req.ID)))
		if err == nil && d == nil {
			err = fmt.Errorf("the Entra device record %s was not found: re-check", s.req.ID)
		}
		return d, err
	case checks.OpDeleteManagedDevice:
		return orNull(get(ctx, r, s.urlOf("/v1.0/deviceManagement/managedDevices/"+url.PathEscape(s.req.ID))))
	}
	return nil, fmt.Errorf("no state read for %s %s", s.req.Method(), s.req.URL())
}

// holds reports whether the state already shows what the step would make of it.
func (s step) holds(state json.RawMessage) bool {
	var o map[string]json.RawMessage
	_ = json.Unmarshal(state, &o)
	switch s.req.Op {
	case checks.OpAddMember:
		return slices.Contains(ids(o["memberOf"]), strings.ToLower(s.req.Group))
	case checks.OpRemoveMember:
		return !slices.Contains(ids(o["transitiveMemberOf"]), strings.ToLower(s.req.Group))
	case checks.OpAddIncluded:
		return slices.Contains(ids(o["includedGroups"]), strings.ToLower(s.req.Group)) && strings.EqualFold(stringField(o, "appliesTo"), "selected")
	case checks.OpRemoveIncluded:
		return !slices.Contains(ids(o["includedGroups"]), strings.ToLower(s.req.Group))
	case checks.OpPatchScope, checks.OpPatchUser, checks.OpPatchDevice:
		for k, v := range s.body {
			if !sameValue(o[k], v) {
				return false
			}
		}
		return true
	case checks.OpPutRegistration:
		return sameObject(state, s.req.Body)
	case checks.OpCreateCA:
		var same []json.RawMessage
		_ = json.Unmarshal(o["sameName"], &same)
		return len(same) > 0
	case checks.OpDeleteDevice:
		ds, ok := secretsAt(state)
		return o == nil || (ok && ds.gone())
	case checks.OpDeleteCA, checks.OpDeleteManagedDevice:
		return o == nil
	case checks.OpAssignLicense:
		held := skuIDs(o["assignedLicenses"])
		for _, sku := range added(s.body) {
			if !slices.Contains(held, sku) {
				return false
			}
		}
		for _, sku := range removed(s.body) {
			if slices.Contains(held, sku) {
				return false
			}
		}
		return true
	}
	return false
}

// blocked says why the step cannot do what it is for, whatever Graph would answer; "" when it can.
func (s step) blocked(state json.RawMessage) string {
	var o map[string]json.RawMessage
	_ = json.Unmarshal(state, &o)
	g := strings.ToLower(s.req.Group)
	if s.req.Op == checks.OpRemoveMember && !slices.Contains(ids(o["memberOf"]), g) && slices.Contains(ids(o["transitiveMemberOf"]), g) {
		return "the user is in group " + s.req.Group + " only through a nested group, so removing the direct " +
			"membership is impossible: " +
			"remove the user from that nested group, or take the group out of the scope instead"
	}
	return ""
}

// changedSince says, for an undo step, how the object changed since the fix left it; "" when it
// still shows what the fix set.
func (s step) changedSince(state json.RawMessage) string {
	if s.expectWhole != nil && !sameObject(state, s.expectWhole) {
		return s.what() + " no longer matches what the fix set"
	}
	var o map[string]json.RawMessage
	_ = json.Unmarshal(state, &o)
	for k, v := range s.expect {
		if !sameValue(o[k], v) {
			return fmt.Sprintf("%s: %s is now %s, not %s as the fix left it", s.what(), k, show(o[k]), show(v))
		}
	}
	return ""
}

// get reads one object: nil when Graph says it does not exist.
func get(ctx context.Context, r Reader, u string) (json.RawMessage, error) {
	resp, err := r.Get(ctx, u)
	if err != nil {
		return nil, err
	}
	if resp.Status == http.StatusNotFound {
		return nil, nil
	}
	if resp.Status >= 300 {
		return nil, fmt.Errorf("could not read the state before writing: GET %s: %s", pathOf(u), graphSaid(resp))
	}
	return json.RawMessage(resp.Body), nil
}

// orNull turns a missing object into JSON null.
func orNull(raw json.RawMessage, err error) (json.RawMessage, error) {
	if err == nil && raw == nil {
		raw = json.RawMessage("null")
	}
	return raw, err
}

// list reads every page of a collection.
func list(ctx context.Context, r Reader, u string) ([]json.RawMessage, error) {
	out := []json.RawMessage{}
	for page := 0; u != ""; page++ {
		if page == maxPages {
			return nil, fmt.Errorf("GET %s: more than %d pages", pathOf(u), maxPages)
		}
		raw, err := get(ctx, r, u)
		if err != nil {
			return nil, err
		}
		if raw == nil {
			return nil, fmt.Errorf("could not read the state before writing: GET %s: not found: re-check", pathOf(u))
		}
		var body struct {
			Value []json.RawMessage `json:"value"`
			Next  string            `json:"@odata.nextLink"`
		}
		if err := json.Unmarshal(raw, &body); err != nil {
			return nil, fmt.Errorf("GET %s: unreadable answer: %w", pathOf(u), err)
		}
		out = append(out, body.Value...)
		u = body.Next
	}
	return out, nil
}

// withRaw returns a JSON object with one field added.
func withRaw(obj json.RawMessage, key string, v any) (json.RawMessage, error) {
	var o map[string]any
	if err := json.Unmarshal(obj, &o); err != nil {
		return nil, fmt.Errorf("unreadable object: %w", err)
	}
	o[key] = v
	return json.Marshal(o)
}

// ids returns the lower-cased ids of a JSON array of objects.
func ids(raw json.RawMessage) []string {
	var list []struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(raw, &list)
	out := make([]string, 0, len(list))
	for _, x := range list {
		out = append(out, strings.ToLower(x.ID))
	}
	return out
}

// skuIDs returns the lower-cased skuIds of assignedLicenses.
func skuIDs(raw json.RawMessage) []string {
	var list []struct {
		SkuID string `json:"skuId"`
	}
	_ = json.Unmarshal(raw, &list)
	out := make([]string, 0, len(list))
	for _, x := range list {
		out = append(out, strings.ToLower(x.SkuID))
	}
	return out
}

// added and removed read the SKUs of an checks.OpAssignLicense body, lower-cased.
func added(body map[string]json.RawMessage) []string { return skuIDs(body["addLicenses"]) }

func removed(body map[string]json.RawMessage) []string {
	var list []string
	_ = json.Unmarshal(body["removeLicenses"], &list)
	for i := range list {
		list[i] = strings.ToLower(list[i])
	}
	return list
}

func stringField(o map[string]json.RawMessage, key string) string {
	var s string
	_ = json.Unmarshal(o[key], &s)
	return s
}

// sameValue compares two JSON values as Intune compares settings: strings case-insensitively and
// without a trailing slash, an absent or null value as the empty string.
func sameValue(a, b json.RawMessage) bool {
	var x, y any
	_ = json.Unmarshal(a, &x)
	_ = json.Unmarshal(b, &y)
	if x == nil {
		x = ""
	}
	if y == nil {
		y = ""
	}
	xs, ok1 := x.(string)
	ys, ok2 := y.(string)
	if ok1 && ok2 {
		return strings.EqualFold(strings.TrimSuffix(xs, "/"), strings.TrimSuffix(ys, "/"))
	}
	return reflect.DeepEqual(x, y)
}

// sameObject compares two JSON objects property by property. Top-level annotations (@odata.context,
// @odata.type, prop@odata.type) are set aside on both sides alike: Graph may add them to a read while
// the plan's body, built from an earlier read, has none, and neither is a property of the object.
func sameObject(a, b json.RawMessage) bool {
	x, y := properties(a), properties(b)
	return x != nil && y != nil && reflect.DeepEqual(x, y)
}

// properties decodes a JSON object without its top-level annotations.
func properties(raw json.RawMessage) map[string]any {
	var o map[string]any
	if json.Unmarshal(raw, &o) != nil || o == nil {
		return nil
	}
	for k := range o {
		if strings.Contains(k, "@") {
			delete(o, k)
		}
	}
	return o
}

// withoutAnnotations re-encodes a JSON object without its top-level response annotations, for a
// body sent back to Graph.
func withoutAnnotations(raw json.RawMessage) (json.RawMessage, error) {
	o := properties(raw)
	if o == nil {
		return nil, fmt.Errorf("not a JSON object")
	}
	return json.Marshal(o)
}

func show(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return "(empty)"
	}
	// JSON escapes C0 controls but not C1 or bidi ones: the value is Graph's data, made printable.
	return checks.Printable(string(raw))
}

// pathOf is a URL's path and query, for messages.
func pathOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	return p.RequestURI()
}

// graphSaid sums up Graph's answer: status, error code and message.
func graphSaid(r graph.Response) string {
	s := fmt.Sprintf("%d %s", r.Status, http.StatusText(r.Status))
	if e := r.Failure(); e != nil && (e.Code != "" || e.Message != "") {
		// Graph's message may quote what it was sent (names from the tenant): data, made printable.
		s += checks.Printable(fmt.Sprintf(" (%s: %s)", e.Code, e.Message))
	}
	if r.RequestID != "" {
		s += ", request-id " + r.RequestID
	}
	return s
}

// withField returns a JSON object with one field replaced; nil when raw is not an object.
func withField(raw json.RawMessage, key string, v json.RawMessage) json.RawMessage {
	var o map[string]json.RawMessage
	if json.Unmarshal(raw, &o) != nil || o == nil {
		return nil
	}
	o[key] = v
	b, _ := json.Marshal(o)
	return b
}

// mfaField is the multiFactorAuthConfiguration a device registration policy body sets.
func mfaField(body json.RawMessage) json.RawMessage {
	var o map[string]json.RawMessage
	_ = json.Unmarshal(body, &o)
	return o["multiFactorAuthConfiguration"]
}
