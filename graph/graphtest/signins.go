package graphtest

import (
	"net/http"
	"strings"
)

// auditLogs serves GET /auditLogs/signIns as Graph v1.0 does: $filter (eq, ge on createdDateTime,
// and), $select, newest first. A tenant whose SignInsUnlicensed is set answers as a tenant without
// Microsoft Entra ID P1 or P2 does (403 Authentication_RequestFromNonPremiumTenantOrB2CTenant, from
// https://learn.microsoft.com/en-us/troubleshoot/entra/entra-id/users-groups-entra-apis/b2c-or-tenant-premium-license-sign-in-activities).
func (c *call) auditLogs(rest []string) response {
	if len(rest) == 0 || rest[0] != "signIns" {
		return c.noSegment(strings.Join(append([]string{"auditLogs"}, rest...), "/"))
	}
	if c.t.SignInsUnlicensed {
		return errorResponse(http.StatusForbidden, "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
			"Neither tenant is B2C or tenant doesn't have premium license")
	}
	ins := make([]Object, len(c.t.SignIns))
	for i, s := range c.t.SignIns {
		ins[len(ins)-1-i] = s
	}
	sortNewestFirst(ins)
	return c.entitySet(rest[1:], "signIn", ins)
}

// sortNewestFirst orders sign-ins by createdDateTime, newest first (RFC 3339 UTC strings sort as times).
func sortNewestFirst(ins []Object) {
	for i := 1; i < len(ins); i++ {
		for j := i; j > 0 && ins[j].str("createdDateTime") > ins[j-1].str("createdDateTime"); j-- {
			ins[j], ins[j-1] = ins[j-1], ins[j]
		}
	}
}

// directoryRole serves GET /directoryRoles, /directoryRoles/{id} and the key form
// /directoryRoles(roleTemplateId='{id}'), with /members. A role no one was ever assigned has no
// directoryRole object: 404, as Graph answers.
func (c *call) directoryRole(rest []string) response {
	if len(rest) == 0 {
		return c.list("directoryRole", c.t.DirectoryRoles, nil)
	}
	var r Object
	if key, ok := strings.CutPrefix(rest[0], "(roleTemplateId='"); ok {
		r = findObject(c.t.DirectoryRoles, "roleTemplateId", strings.TrimSuffix(key, "')"))
	} else {
		r = findObject(c.t.DirectoryRoles, "id", rest[0])
	}
	if r == nil {
		return errNotFound(rest[0])
	}
	switch {
	case len(rest) == 1:
		return c.entity("directoryRole", r, nil)
	case rest[1] == "members":
		var out []Object
		for _, id := range r.strings("members") {
			if u := findObject(c.t.Users, "id", id); u != nil {
				out = append(out, withType(u, "user"))
			} else if g := findObject(c.t.Groups, "id", id); g != nil {
				out = append(out, withType(g, "group"))
			}
		}
		return c.castList(rest[2:], out)
	}
	return c.noSegment(rest[1])
}
