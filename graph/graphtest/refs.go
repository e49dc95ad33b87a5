package graphtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// The reference writes Graph offers on relationships the fixtures hold as id lists: group members
// (POST members/$ref, DELETE members/{id}/$ref and members/$ref?@id=...) and the included groups of
// the beta mobility policies, with Graph's answers (204, 400 for a duplicate or a dynamic group,
// 404 for an unknown object).

// refTarget matches the object id at the end of an @odata.id: .../directoryObjects/{id},
// .../groups/{id} or .../groups('{id}').
var refTarget = regexp.MustCompile(`(?:/|\(')([0-9A-Za-z-]+)(?:'\))?$`)

// refID reads the object id a reference write names, from its body or from an @id parameter.
func refID(body []byte, query url.Values) (string, bool) {
	raw := query.Get("@id")
	if raw == "" {
		var ref struct {
			ID string `json:"@odata.id"`
		}
		if json.Unmarshal(body, &ref) != nil {
			return "", false
		}
		raw = ref.ID
	}
	m := refTarget.FindStringSubmatch(raw)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// reference serves POST and DELETE of a $ref on list (the ids held in o[field]). rest is what
// follows the relationship name: ["$ref"] or ["{id}", "$ref"]. allowed lists the collections a
// new reference may name.
func (c *call) reference(o Object, field string, rest []string, allowed ...[]Object) response {
	if len(rest) == 0 || rest[len(rest)-1] != "$ref" || len(rest) > 2 {
		return errorResponse(http.StatusMethodNotAllowed, "Request_BadRequest",
			"Only reference writes ($ref) are supported on this relationship.")
	}
	if slices.Contains(o.strings("groupTypes"), "DynamicMembership") {
		return errorResponse(http.StatusBadRequest, "Request_BadRequest", "Insufficient privileges to complete the "+
			"operation: the members of a group with dynamic membership cannot be changed.")
	}
	id := ""
	if len(rest) == 2 {
		id = rest[0]
	} else if v, ok := refID(c.body, c.query); ok {
		id = v
	} else {
		return errorResponse(http.StatusBadRequest, "Request_BadRequest", "Invalid object identifier in the reference.")
	}
	ids := o.strings(field)
	switch c.method {
	case http.MethodPost:
		if len(rest) != 1 {
			return errorResponse(http.StatusBadRequest, "Request_BadRequest",
				"POST a reference to the collection's $ref.")
		}
		found := false
		for _, objs := range allowed {
			found = found || findObject(objs, "id", id) != nil
		}
		if !found {
			return errNotFound(id)
		}
		if slices.ContainsFunc(ids, func(s string) bool { return strings.EqualFold(s, id) }) {
			return errorResponse(http.StatusBadRequest, "Request_BadRequest",
				"One or more added object references already exist for the following modified properties: '"+field+"'.")
		}
		o[field] = toAny(append(ids, id))
	case http.MethodDelete:
		i := slices.IndexFunc(ids, func(s string) bool { return strings.EqualFold(s, id) })
		if i < 0 {
			return errNotFound(id)
		}
		o[field] = toAny(slices.Delete(ids, i, i+1))
	default:
		return errorResponse(http.StatusMethodNotAllowed, "Request_BadRequest",
			"References are added with POST and removed with DELETE.")
	}
	return response{status: http.StatusNoContent, header: http.Header{}}
}

func toAny(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
