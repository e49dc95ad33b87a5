package graphtest

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// navigation names the fixture's relationship keys: never returned as properties.
var navigation = map[string]bool{
	"members": true, "registeredOwners": true, "registeredUsers": true, "includedGroups": true, "assignments": true,
}

// defaultUserProperties is what Graph v1.0 returns for a user without $select: accountEnabled,
// usageLocation and assignedLicenses come back only when selected.
var defaultUserProperties = []string{"businessPhones", "displayName", "givenName", "jobTitle", "mail",
	"mobilePhone", "officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id"}

// expander adds the expanded relationship name to a projected object, reporting false when the
// type has no such relationship to expand.
type expander func(name string, o Object, out map[string]any) bool

// entity answers a single object.
func (c *call) entity(typ string, o Object, expand expander) response {
	sel, errResp := c.selection(typ)
	if errResp != nil {
		return *errResp
	}
	out, errResp := c.project(typ, o, sel, expand)
	if errResp != nil {
		return *errResp
	}
	out["@odata.context"] = c.s.url + "/" + c.version + "/$metadata#" + typ + "/$entity"
	return jsonResponse(http.StatusOK, out)
}

// list answers a collection: $filter, then a page of $top (bounded by the server's page size)
// from $skiptoken, projected by $select, with @odata.nextLink when more remain.
func (c *call) list(typ string, objs []Object, expand expander) response {
	sel, errResp := c.selection(typ)
	if errResp != nil {
		return *errResp
	}
	if f := c.query.Get("$filter"); f != "" {
		filtered, err := applyFilter(f, objs)
		if err != nil {
			return errorResponse(http.StatusBadRequest, "Request_UnsupportedQuery",
				"Invalid filter clause: "+err.Error())
		}
		objs = filtered
	}
	size := defaultPageSize
	if top := c.query.Get("$top"); top != "" {
		n, err := strconv.Atoi(top)
		if err != nil || n < 1 || n > maxPageSize {
			return errorResponse(http.StatusBadRequest, "Request_BadRequest",
				"Invalid page size specified: '"+top+"'. Must be between 1 and 999 inclusive.")
		}
		size = n
	}
	size = min(size, c.s.pageSize)
	offset := 0
	if tok := c.query.Get("$skiptoken"); tok != "" {
		n, err := decodeSkipToken(tok)
		if err != nil {
			return errorResponse(http.StatusBadRequest, "Request_BadRequest", "Invalid skip token.")
		}
		offset = n
	}
	page := []any{}
	for i := offset; i < len(objs) && i < offset+size; i++ {
		out, errResp := c.project(typ, objs[i], sel, expand)
		if errResp != nil {
			return *errResp
		}
		page = append(page, out)
	}
	body := map[string]any{
		"@odata.context": c.s.url + "/" + c.version + "/$metadata#" + typ,
		"value":          page,
	}
	if c.query.Get("$count") == "true" {
		body["@odata.count"] = len(objs)
	}
	if offset+size < len(objs) {
		q := url.Values{}
		for k, v := range c.query {
			q[k] = v
		}
		q.Set("$skiptoken", encodeSkipToken(offset+size))
		body["@odata.nextLink"] = c.s.url + "/" + c.version + c.path + "?" + q.Encode()
	}
	return jsonResponse(http.StatusOK, body)
}

// selection parses $select, rejecting properties the type does not define as Graph does.
func (c *call) selection(typ string) ([]string, *response) {
	raw := c.query.Get("$select")
	if raw == "" {
		return nil, nil
	}
	var sel []string
	for _, p := range strings.Split(raw, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !c.knows(typ, p) {
			r := errorResponse(http.StatusBadRequest, "Request_BadRequest",
				fmt.Sprintf("Could not find a property named '%s' on type 'microsoft.graph.%s'.", p, typeName(typ)))
			return nil, &r
		}
		sel = append(sel, p)
	}
	return sel, nil
}

func typeName(typ string) string {
	if typ == "" {
		return "directoryObject"
	}
	return typ
}

// knows reports whether typ defines prop; a mixed directoryObject collection accepts the
// properties of any type it can hold, as Graph does.
func (c *call) knows(typ, prop string) bool {
	if typ != "" {
		return knownProperty(typ, prop)
	}
	for _, t := range []string{"user", "group", "directoryRole", "device"} {
		if knownProperty(t, prop) {
			return true
		}
	}
	return false
}

// project copies the selected properties of o (all but relationships when sel is empty; the
// default set for users) and the expansions $expand asks for.
func (c *call) project(typ string, o Object, sel []string, expand expander) (map[string]any, *response) {
	out := map[string]any{}
	if t, ok := o["@odata.type"]; ok {
		out["@odata.type"] = t
	}
	switch {
	case len(sel) > 0:
		for _, p := range sel {
			if v, ok := o[p]; ok && !navigation[p] {
				out[p] = v
			}
		}
	case typ == "user":
		for _, p := range defaultUserProperties {
			if v, ok := o[p]; ok {
				out[p] = v
			}
		}
	default:
		for k, v := range o {
			if !navigation[k] {
				out[k] = v
			}
		}
	}
	if ex := c.query.Get("$expand"); ex != "" {
		name, _, _ := strings.Cut(ex, "(")
		if expand == nil || !expand(name, o, out) {
			r := errorResponse(http.StatusBadRequest, "Request_BadRequest",
				fmt.Sprintf("Could not find a navigation property named '%s' on type 'microsoft.graph.%s'.", name,
					typeName(typ)))
			return nil, &r
		}
	}
	return out, nil
}

func encodeSkipToken(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("offset=" + strconv.Itoa(offset)))
}

func decodeSkipToken(tok string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, err
	}
	n, ok := strings.CutPrefix(string(b), "offset=")
	if !ok {
		return 0, fmt.Errorf("not a skip token")
	}
	return strconv.Atoi(n)
}

// applyFilter evaluates the $filter forms mdmdoctor uses: comparisons (eq, ne, gt, ge, lt, le)
// of a property with a string, boolean, number, null or date literal, and startswith(prop,'x'),
// joined by all "and" or all "or".
func applyFilter(expr string, objs []Object) ([]Object, error) {
	join := " and "
	if strings.Contains(expr, " or ") {
		if strings.Contains(expr, " and ") {
			return nil, fmt.Errorf("mixing and with or is not supported")
		}
		join = " or "
	}
	var clauses []clause
	for _, part := range strings.Split(expr, join) {
		cl, err := parseClause(strings.TrimSpace(part))
		if err != nil {
			return nil, err
		}
		clauses = append(clauses, cl)
	}
	var out []Object
	for _, o := range objs {
		match := join == " and "
		for _, cl := range clauses {
			ok := cl.eval(o)
			if join == " and " {
				match = match && ok
			} else {
				match = match || ok
			}
		}
		if match {
			out = append(out, o)
		}
	}
	return out, nil
}

type clause struct {
	prop, op string
	value    any
}

func parseClause(s string) (clause, error) {
	if rest, ok := strings.CutPrefix(s, "startswith("); ok {
		prop, lit, ok := strings.Cut(strings.TrimSuffix(rest, ")"), ",")
		if !ok || !strings.HasSuffix(rest, ")") {
			return clause{}, fmt.Errorf("bad startswith in %q", s)
		}
		v, err := parseLiteral(strings.TrimSpace(lit))
		if err != nil {
			return clause{}, err
		}
		return clause{prop: strings.TrimSpace(prop), op: "startswith", value: v}, nil
	}
	fields := strings.SplitN(s, " ", 3)
	if len(fields) != 3 {
		return clause{}, fmt.Errorf("cannot parse %q", s)
	}
	switch fields[1] {
	case "eq", "ne", "gt", "ge", "lt", "le":
	default:
		return clause{}, fmt.Errorf("operator %q is not supported", fields[1])
	}
	v, err := parseLiteral(fields[2])
	if err != nil {
		return clause{}, err
	}
	return clause{prop: fields[0], op: fields[1], value: v}, nil
}

func parseLiteral(s string) (any, error) {
	switch {
	case len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'':
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'"), nil
	case s == "true" || s == "false":
		return s == "true", nil
	case s == "null":
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f, nil
	}
	return nil, fmt.Errorf("cannot read literal %q", s)
}

func (cl clause) eval(o Object) bool {
	v := o[cl.prop]
	if cl.op == "startswith" {
		s, _ := v.(string)
		p, _ := cl.value.(string)
		return strings.HasPrefix(strings.ToLower(s), strings.ToLower(p))
	}
	cmp, ok := compare(v, cl.value)
	if !ok {
		return cl.op == "ne"
	}
	switch cl.op {
	case "eq":
		return cmp == 0
	case "ne":
		return cmp != 0
	case "gt":
		return cmp > 0
	case "ge":
		return cmp >= 0
	case "lt":
		return cmp < 0
	}
	return cmp <= 0
}

// compare orders a property value against a literal; ok is false when they cannot be compared.
func compare(v, lit any) (int, bool) {
	switch l := lit.(type) {
	case nil:
		if v == nil {
			return 0, true
		}
		return 1, true
	case string:
		s, ok := v.(string)
		if !ok {
			return 0, false
		}
		return strings.Compare(strings.ToLower(s), strings.ToLower(l)), true
	case bool:
		b, ok := v.(bool)
		if !ok {
			return 0, false
		}
		if b == l {
			return 0, true
		}
		return 1, true
	case float64:
		f, ok := v.(float64)
		if !ok {
			return 0, false
		}
		return cmp.Compare(f, l), true
	case time.Time:
		s, _ := v.(string)
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return 0, false
		}
		return t.Compare(l), true
	}
	return 0, false
}
