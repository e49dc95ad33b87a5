package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// scopeReach is who a mobility policy's user scope reaches in the tenant.
type scopeReach struct {
	all bool
	// users are the user principal names reached through the included groups (nested too),
	// lower-cased, when the scope is Some.
	users map[string]bool
	// names keeps the names as Graph wrote them, in the order read, for evidence.
	names []string
}

// reachOf says who a policy reaches: everyone for All, the scope groups' members for Some, nobody for
// None or when the tenant has no such policy.
func reachOf(p *facts.MobilityPolicy, members []string) scopeReach {
	switch scopeOf(p) {
	case scopeAll:
		return scopeReach{all: true}
	case scopeSome:
		r := scopeReach{users: make(map[string]bool, len(members))}
		for _, u := range members {
			if k := strings.ToLower(u); !r.users[k] {
				r.users[k] = true
				r.names = append(r.names, u)
			}
		}
		return r
	}
	return scopeReach{}
}

// includes reports whether the scope reaches the user; an unknown user is reached only by All.
func (r scopeReach) includes(upn string) bool {
	return r.all || (upn != "" && r.users[strings.ToLower(upn)])
}

func scopeMembers(f *facts.Facts) (mdm, mam []string) {
	if f.ScopeMembers == nil {
		return nil, nil
	}
	return f.ScopeMembers.MDM, f.ScopeMembers.MAM
}

func tenantScopeCheck(links *linkCache) Check {
	return asTenantCheck(mdmScopeCheck(), "Whom does the MDM user scope of Microsoft Intune include, and did their "+
		"joined devices enroll?",
		[]facts.Source{facts.SrcMDMPolicy, facts.SrcScopeMembers, facts.SrcAllDevices, facts.SrcAllManagedDevices},
		func(f *facts.Facts) []Result { return judgeTenantScope(f, links) })
}

// judgeTenantScope gives the scope's verdict for the tenant, then one result per Windows device that
// joined Microsoft Entra under the scope but never enrolled.
func judgeTenantScope(f *facts.Facts, links *linkCache) []Result {
	p := f.MDMPolicy
	mdmUsers, _ := scopeMembers(f)
	reach := reachOf(p, mdmUsers)
	sweep := tenantSweep(f, links.of(f), sweepNeverEnrolled)
	ev := []Evidence{policyEvidence(f, facts.SrcMDMPolicy, p, "MDM")}
	membersSrc := requestOf(f, facts.SrcScopeMembers, "GET /beta/groups/{included "+
		"group}/transitiveMembers/microsoft.graph.user")
	kind := scopeOf(p)
	if kind == scopeSome {
		ev = append(ev, Evidence{Source: membersSrc, Detail: fmt.Sprintf("the included groups reach %d users, nested "+
			"groups included", len(reach.names))})
	}
	ev = append(ev, sweep.joinedEvidence(f)...)
	verdict := Result{Evidence: ev, Explanation: "Automatic enrollment only happens for users inside the MDM user " +
		"scope. Outside it a device joins or registers in Entra ID but is never enrolled in Intune (error 0x8018002b)."}
	switch {
	case p == nil || !p.Present:
		verdict = noMDMPolicy(ev)
	case kind == scopeAll:
		verdict.Status = Pass
		verdict.Summary = "The MDM user scope is All: every licensed user's Windows devices enroll when they join " +
			"or register."
	case kind == scopeSome && len(p.IncludedGroups) == 0:
		verdict.Status = Fail
		verdict.Summary = "The MDM user scope is Some with no group in it: no user is enrolled automatically."
		verdict.Remediation = "In the Intune admin center > Devices > Enrollment > Windows > Automatic Enrollment, " +
			"add the groups of the users whose devices should enroll, or set MDM user scope to All."
	case kind == scopeSome && len(reach.names) == 0:
		verdict.Status = Warn
		verdict.Summary = fmt.Sprintf("The MDM user scope is Some, but its groups (%s) "+
			"hold no users.", groupNames(p.IncludedGroups))
		verdict.Remediation = "Add the users whose devices should enroll to one of the included groups (nested " +
			"groups count), or include the groups that hold them."
	case kind == scopeSome:
		verdict.Status = Pass
		verdict.Summary = fmt.Sprintf("The MDM user scope is Some: %d "+
			"users through %s.", len(reach.names), groupNames(p.IncludedGroups))
	default:
		verdict.Status = Fail
		verdict.Summary = "The MDM user scope is None: no user is enrolled automatically."
		verdict.Remediation = "In the Intune admin center > Devices > Enrollment > Windows > Automatic Enrollment, " +
			"set MDM user scope to Some (with the groups of the users whose devices should enroll) or All."
	}
	if verdict.Status != Pass && p != nil && p.Present {
		verdict.Fixes = []Fix{mdmAddGroupFix(f, p, "Add a group to the MDM user scope (choose it "+
			"with --group)"), mdmAllFix(f, p)}
	}
	out := []Result{verdict}
	for _, d := range sweep.Findings {
		if d.Kind == SweepNeverEnrolled {
			out = append(out, d.result)
		}
	}
	return out
}

func tenantMAMCheck() Check {
	return asTenantCheck(mamConflictCheck(), "Is the MAM (WIP) user scope None, or else does no user fall into both "+
		"the MDM and the MAM scopes?",
		[]facts.Source{facts.SrcMAMPolicy, facts.SrcMDMPolicy, facts.SrcScopeMembers}, judgeTenantMAM)
}

// judgeTenantMAM counts and lists the users in both scopes, through nested groups.
func judgeTenantMAM(f *facts.Facts) []Result {
	mam := f.MAMPolicy
	ev := []Evidence{policyEvidence(f, facts.SrcMAMPolicy, mam, "MAM"), policyEvidence(f, facts.SrcMDMPolicy, f.MDMPolicy, "MDM")}
	if scopeOf(mam) == scopeNone {
		return []Result{{Status: Pass, Evidence: ev, Summary: "The MAM (WIP) user scope is None: no user can be in " +
			"both scopes."}}
	}
	mdmUsers, mamUsers := scopeMembers(f)
	inMDM, inMAM := reachOf(f.MDMPolicy, mdmUsers), reachOf(mam, mamUsers)
	membersSrc := requestOf(f, facts.SrcScopeMembers, "GET /beta/groups/{included "+
		"group}/transitiveMembers/microsoft.graph.user")
	var both []string
	everyone := inMDM.all && inMAM.all
	switch {
	case everyone:
	case inMDM.all:
		both = inMAM.names
	case inMAM.all:
		both = inMDM.names
	default:
		for _, u := range inMAM.names {
			if inMDM.includes(u) {
				both = append(both, u)
			}
		}
	}
	if !everyone && len(both) == 0 {
		return []Result{{Status: Warn, Evidence: append(ev, Evidence{Source: membersSrc,
			Detail: "no user is in both scopes"}),
			Summary: "The MAM (WIP) user scope is " + mam.AppliesTo + ", but no user is in both the MDM and " +
				"the MAM scopes.",
			Explanation: mamPrecedence + " The seed procedure recommends MAM scope None so that no user can fall " +
				"into both as groups change.",
			Remediation: mamNoneAdvice}}
	}
	r := Result{Status: Fail, Explanation: mamPrecedence,
		Remediation: "Set MAM user scope to None (recommended unless WIP without enrollment is in use), or take the " +
			"groups that hold MDM users out of the MAM user scope, in the Intune admin center > Devices > Enrollment " +
			"> Windows > Automatic Enrollment."}
	if everyone {
		r.Summary = "Both the MDM and the MAM (WIP) user scopes are All: every user is in both."
		ev = append(ev, Evidence{Source: membersSrc, Detail: "in both scopes: every user"})
	} else {
		slices.SortFunc(both, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
		r.Summary = fmt.Sprintf("%d user%s in both the MDM and the MAM (WIP) "+
			"user scopes.", len(both), pluralVerb(len(both)))
		for _, u := range both {
			ev = append(ev, Evidence{Source: membersSrc, Detail: "in both scopes: " + u})
		}
	}
	r.Evidence = ev
	if scopeOf(mam) == scopeSome {
		for _, g := range mam.IncludedGroups {
			r.Fixes = append(r.Fixes, mamRemoveGroupFix(f, mam, g))
		}
	}
	r.Fixes = append(r.Fixes, mamNoneFix(f, mam))
	return []Result{r}
}

// pluralVerb is " is" for one and "s are" for more, after a count of users.
func pluralVerb(n int) string {
	if n == 1 {
		return " is"
	}
	return "s are"
}
