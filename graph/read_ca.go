package graph

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// signInWindow is how far back the sign-in log is read: the 30 days Microsoft Entra ID P1 keeps it
// (https://learn.microsoft.com/en-us/entra/identity/monitoring-health/reference-reports-data-retention).
const signInWindow = 30 * 24 * time.Hour

// nonPremiumCode is Graph's error code when the tenant's licence does not allow reading sign-in logs
// (https://learn.microsoft.com/en-us/troubleshoot/entra/entra-id/users-groups-entra-apis/b2c-or-tenant-premium-license-sign-in-activities).
const nonPremiumCode = "Authentication_RequestFromNonPremiumTenantOrB2CTenant"

const selSignIn = "id,createdDateTime,userPrincipalName,appId,appDisplayName,resourceId,resourceDisplayName,clientAppUsed," +
	"correlationId,conditionalAccessStatus,status,deviceDetail,appliedConditionalAccessPolicies"

// caJobs adds, for a user's triage, the sources of the Conditional Access checks and fix: what the
// enabled All-users policies share as exclusions (named, with the users they reach) and how many
// users the tenant has, read once the policies are; and the user's sign-ins to the apps enrollment
// signs in to.
func (p *plan) caJobs() {
	var ca *fetch
	for _, j := range p.jobs {
		if j.source == facts.SrcConditionalAccess {
			ca = j.fetches[0]
		}
	}
	p.exclusionsJob(ca)
	p.signInsJob()
}

// exclusion is one excluded object's reads: the object, and the users it reaches.
type exclusion struct {
	kind, id        string
	object, members *fetch
}

func (p *plan) exclusionsJob(ca *fetch) {
	j := &job{source: facts.SrcCAExclusions, version: "v1.0", after: []*fetch{ca},
		endpoint: "GET /v1.0/users, groups and directoryRoles the All-users policies exclude + /users?$count=true"}
	var excl []exclusion
	var from []string
	// The user count needs no policy: it goes in the first round.
	count := p.fetch("v1.0", "/users", "$select=id&$count=true&$top=1", false)
	count.headers, count.firstPage = map[string]string{"ConsistencyLevel": "eventual"}, true
	j.fetches = []*fetch{count}
	j.more = func() []*fetch {
		ws, err := values[wireCAPolicy](ca)
		if ca.failed() || err != nil {
			return nil
		}
		var users, groups, roles []string
		users, groups, roles, from = facts.SharedExclusions(caPolicies(ws))
		var out []*fetch
		add := func(kind, id string, object, members *fetch) {
			excl = append(excl, exclusion{kind, id, object, members})
			out = append(out, object)
			if members != nil {
				out = append(out, members)
			}
		}
		for _, id := range users {
			if !isGUID(id) {
				continue // GuestsOrExternalUsers and the like: a keyword, not an object
			}
			add("user", id, p.fetch("v1.0", "/users/"+url.PathEscape(id), "$select=id,displayName,userPrincipalName", false), nil)
		}
		for _, id := range groups {
			g := "/groups/" + url.PathEscape(id)
			add("group", id, p.fetch("v1.0", g, "$select=id,displayName", false),
				p.fetch("v1.0", g+"/transitiveMembers/microsoft.graph.user", "$select=id"+topMax, false))
		}
		for _, id := range roles {
			r := "/directoryRoles(roleTemplateId='" + url.PathEscape(id) + "')"
			add("role", id, p.fetch("v1.0", r, "$select=id,displayName,roleTemplateId", false),
				p.fetch("v1.0", r+"/members/microsoft.graph.user", "$select=id"+topMax, false))
		}
		return out
	}
	j.build = func() facts.Delta {
		if ca.failed() {
			return facts.Delta{Err: p.failure(facts.SrcConditionalAccess, ca)}
		}
		if _, err := values[wireCAPolicy](ca); err != nil {
			return bad(err)
		}
		x := &facts.CAExclusions{Policies: from, TenantUsers: -1}
		for _, e := range excl {
			o, err := p.excludedObject(e)
			if err != nil {
				// Kept, not failed: mfa.registration needs this source and judges without it.
				x.Unreadable = append(x.Unreadable, e.kind+" "+e.id+": "+err.Error())
			}
			switch e.kind {
			case "user":
				x.Users = append(x.Users, o)
			case "group":
				x.Groups = append(x.Groups, o)
			default:
				x.Roles = append(x.Roles, o)
			}
		}
		var page struct {
			Count *int `json:"@odata.count"`
		}
		if !count.failed() && len(count.pages) > 0 && json.Unmarshal(count.pages[0], &page) == nil && page.Count != nil {
			x.TenantUsers = *page.Count
		}
		return facts.Delta{Apply: func(f *facts.Facts) { f.CAExclusions = x }}
	}
	p.jobs = append(p.jobs, j)
}

// excludedObject decodes one excluded object. An object deleted since the policy named it is kept,
// not found; a role no one holds has no directoryRole object (Graph activates a role when it is
// first assigned), so a 404 there means no members.
func (p *plan) excludedObject(e exclusion) (facts.DirectoryObject, error) {
	o := facts.DirectoryObject{ID: e.id}
	if e.kind == "role" {
		o.DisplayName = facts.RoleName(e.id)
	}
	switch {
	case e.object.failed() && e.object.status == http.StatusNotFound:
		o.Found = e.kind == "role"
		return o, nil
	case e.object.failed():
		return o, p.failure(facts.SrcCAExclusions, e.object)
	}
	w, err := entity[struct {
		ID                string `json:"id"`
		DisplayName       string `json:"displayName"`
		UserPrincipalName string `json:"userPrincipalName"`
	}](e.object)
	if err != nil {
		return o, fmt.Errorf("%w: Graph answered in an unexpected shape; run with --debug and report it", err)
	}
	o.Found, o.DisplayName, o.UserPrincipalName = true, w.DisplayName, w.UserPrincipalName
	if e.kind == "user" {
		o.UserIDs = []string{e.id}
		return o, nil
	}
	if e.members.failed() {
		return o, p.failure(facts.SrcCAExclusions, e.members)
	}
	ms, err := values[struct {
		Type string `json:"@odata.type"`
		ID   string `json:"id"`
	}](e.members)
	if err != nil {
		return o, fmt.Errorf("%w: Graph answered in an unexpected shape; run with --debug and report it", err)
	}
	for _, m := range ms {
		if m.Type == "" || strings.EqualFold(m.Type, "#microsoft.graph.user") {
			o.UserIDs = append(o.UserIDs, m.ID)
		}
	}
	return o, nil
}

// signInsJob reads the user's sign-ins of the last 30 days to the enrollment apps, as client app or
// as resource: one filtered read each, so that only these reach the client.
func (p *plan) signInsJob() {
	since := time.Now().UTC().Add(-signInWindow).Format(time.RFC3339)
	upn := strings.ReplaceAll(p.upn, "'", "''")
	var fetches []*fetch
	for _, app := range facts.EnrollmentApps {
		for _, prop := range []string{"appId", "resourceId"} {
			filter := fmt.Sprintf("userPrincipalName eq '%s' and %s eq '%s' and createdDateTime ge %s", upn, prop, app, since)
			fetches = append(fetches, p.fetch("v1.0", "/auditLogs/signIns", "$filter="+url.QueryEscape(filter)+"&$select="+selSignIn, false))
		}
	}
	j := p.add(facts.SrcSignIns, "v1.0", nil, fetches...)
	j.endpoint = "GET /v1.0/auditLogs/signIns (the user's sign-ins to the enrollment apps)"
	j.build = func() facts.Delta { return decodeSignIns(p, fetches) }
}

// decodeSignIns merges the sign-in reads, each sign-in once. A tenant whose licence does not let
// Graph read sign-in logs skips the source, saying so; any other failure fails it.
func decodeSignIns(p *plan, fetches []*fetch) facts.Delta {
	for _, f := range fetches {
		if !f.failed() {
			continue
		}
		if f.status == http.StatusForbidden && graphCode(f.errBody) == nonPremiumCode {
			return facts.Delta{Skip: "the tenant's licence does not let Graph read sign-in logs (" + nonPremiumCode +
				"): they need Microsoft Entra ID P1 or P2; read the user's sign-ins in the Entra admin center instead"}
		}
		return facts.Delta{Err: p.failure(facts.SrcSignIns, f)}
	}
	seen := map[string]bool{}
	var out []facts.SignIn
	for _, f := range fetches {
		ws, err := values[wireSignIn](f)
		if err != nil {
			return bad(err)
		}
		for _, w := range ws {
			if w.ID != "" && seen[w.ID] {
				continue
			}
			seen[w.ID] = true
			out = append(out, w.fact())
		}
	}
	return facts.Delta{Apply: func(f *facts.Facts) { f.SignIns = out }}
}

// graphCode is the error code of a Graph error body.
func graphCode(body []byte) string {
	var ge graphError
	_ = json.Unmarshal(body, &ge)
	return ge.Error.Code
}

// wireSignIn is a signIn as Graph v1.0 returns it (https://learn.microsoft.com/en-us/graph/api/resources/signin).
type wireSignIn struct {
	ID                      string    `json:"id"`
	CreatedDateTime         time.Time `json:"createdDateTime"`
	UserPrincipalName       string    `json:"userPrincipalName"`
	AppID                   string    `json:"appId"`
	AppDisplayName          string    `json:"appDisplayName"`
	ResourceID              string    `json:"resourceId"`
	ResourceDisplayName     string    `json:"resourceDisplayName"`
	ClientAppUsed           string    `json:"clientAppUsed"`
	CorrelationID           string    `json:"correlationId"`
	ConditionalAccessStatus string    `json:"conditionalAccessStatus"`
	Status                  struct {
		ErrorCode         int    `json:"errorCode"`
		FailureReason     string `json:"failureReason"`
		AdditionalDetails string `json:"additionalDetails"`
	} `json:"status"`
	DeviceDetail struct {
		DeviceID        string `json:"deviceId"`
		DisplayName     string `json:"displayName"`
		OperatingSystem string `json:"operatingSystem"`
		IsCompliant     bool   `json:"isCompliant"`
		IsManaged       bool   `json:"isManaged"`
		TrustType       string `json:"trustType"`
	} `json:"deviceDetail"`
	AppliedConditionalAccessPolicies []struct {
		ID                    string   `json:"id"`
		DisplayName           string   `json:"displayName"`
		Result                string   `json:"result"`
		EnforcedGrantControls []string `json:"enforcedGrantControls"`
	} `json:"appliedConditionalAccessPolicies"`
}

func (w wireSignIn) fact() facts.SignIn {
	s := facts.SignIn{ID: w.ID, CreatedDateTime: w.CreatedDateTime, UserPrincipalName: w.UserPrincipalName, AppID: w.AppID,
		AppDisplayName: w.AppDisplayName, ResourceID: w.ResourceID, ResourceDisplayName: w.ResourceDisplayName,
		ClientAppUsed: w.ClientAppUsed, CorrelationID: w.CorrelationID, ConditionalAccessStatus: w.ConditionalAccessStatus,
		ErrorCode: w.Status.ErrorCode, FailureReason: w.Status.FailureReason, AdditionalDetails: w.Status.AdditionalDetails,
		DeviceID: w.DeviceDetail.DeviceID, DeviceName: w.DeviceDetail.DisplayName, OperatingSystem: w.DeviceDetail.OperatingSystem,
		IsCompliant: w.DeviceDetail.IsCompliant, IsManaged: w.DeviceDetail.IsManaged, TrustType: w.DeviceDetail.TrustType}
	for _, a := range w.AppliedConditionalAccessPolicies {
		s.AppliedPolicies = append(s.AppliedPolicies, facts.AppliedCAPolicy{ID: a.ID, DisplayName: a.DisplayName, Result: a.Result, EnforcedGrantControls: a.EnforcedGrantControls})
	}
	return s
}
