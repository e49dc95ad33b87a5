package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

const (
	scopeDocs = "https://learn.microsoft.com/en-us/intune/intune-service/enrollment/windows-enroll#enable-windows-automatic-enrollment"
)

// scopeKind is a mobility policy's user scope, the rule scope.mdm and scope.mam-conflict judge for one
// user and for the tenant alike (scopeDocs): None enrolls (or protects) no user automatically, Some the
// members of the included groups, All every user.
type scopeKind int

const (
	// scopeNone: appliesTo none, or the tenant has no such policy.
	scopeNone scopeKind = iota
	scopeSome
	scopeAll
	// scopeOther: an appliesTo Graph may add later (unknownFutureValue), judged as not reaching anyone.
	scopeOther
)

// scopeOf reads a mobility policy's user scope.
func scopeOf(p *facts.MobilityPolicy) scopeKind {
	if p == nil || !p.Present {
		return scopeNone
	}
	switch strings.ToLower(p.AppliesTo) {
	case "none":
		return scopeNone
	case "all":
		return scopeAll
	case "selected":
		return scopeSome
	}
	return scopeOther
}

// inScope says whether a mobility policy's user scope reaches the user, and through which group.
func inScope(f *facts.Facts, p *facts.MobilityPolicy) (bool, string) {
	switch scopeOf(p) {
	case scopeAll:
		return true, "All"
	case scopeSome:
		if g, ok := memberOfAny(f, p.IncludedGroups); ok {
			return true, "group \"" + g.DisplayName + "\""
		}
	}
	return false, ""
}

// noMDMPolicy is scope.mdm's verdict, for a user or the tenant, when the tenant has no MDM policy for
// Microsoft Intune.
func noMDMPolicy(ev []Evidence) Result {
	return Result{Status: Fail, Evidence: ev,
		Summary: "The tenant has no MDM user scope for Microsoft Intune.",
		Explanation: "Windows asks Entra ID for the MDM application when a device joins or registers; with no Intune " +
			"MDM policy there is nothing to enroll into.",
		Remediation: "In the Intune admin center, check the tenant has an Intune subscription and that Devices > " +
			"Enrollment > Windows > Automatic Enrollment lists Microsoft Intune; set its MDM user scope to " +
			"Some or All."}
}

// The fixes of the user scopes, offered by the user and the tenant judgments alike.

func addUserToGroupFix(f *facts.Facts, g facts.Group, title string) Fix {
	return Fix{ID: "scope.mdm.add-user-to-group", Title: title, Reversible: true, Permissions: []string{"GroupMember.ReadWrite.All"},
		Requests: []Request{AddMember(graphRoot(f.Cloud), g.ID, f.UserID())}}
}

// mdmAddGroupFix adds a group the operator chooses to the MDM user scope.
func mdmAddGroupFix(f *facts.Facts, p *facts.MobilityPolicy, title string) Fix {
	return Fix{ID: "scope.mdm.add-group", Title: title, Reversible: true, Permissions: []string{"Policy.ReadWrite.MobilityManagement"},
		Requests: []Request{AddIncluded(graphRoot(f.Cloud), MDMPolicies, p.ID, "")}}
}

func mdmAllFix(f *facts.Facts, p *facts.MobilityPolicy) Fix {
	return Fix{ID: "scope.mdm.all", Title: "Set the MDM user scope to All (every licensed user enrolls)",
		Reversible: true, Permissions: []string{"Policy.ReadWrite.MobilityManagement"},
		Requests: []Request{PatchScope(graphRoot(f.Cloud), MDMPolicies, p.ID, []byte(`{"appliesTo":"all"}`))}}
}

func mamRemoveGroupFix(f *facts.Facts, mam *facts.MobilityPolicy, g facts.Group) Fix {
	return Fix{ID: "scope.mam-conflict.remove-group", Title: fmt.Sprintf("Remove %q from the MAM user scope (affects "+
		"all its members)", g.DisplayName),
		Reversible: true, Permissions: []string{"Policy.ReadWrite.MobilityManagement"},
		Requests: []Request{RemoveIncluded(graphRoot(f.Cloud), MAMPolicies, mam.ID, g.ID)}}
}

func mamNoneFix(f *facts.Facts, mam *facts.MobilityPolicy) Fix {
	return Fix{ID: "scope.mam-conflict.mam-none", Title: "Set the MAM (WIP) user scope to None (the seed procedure's " +
		"recommendation)",
		Reversible: true, Permissions: []string{"Policy.ReadWrite.MobilityManagement"},
		Requests: []Request{PatchScope(graphRoot(f.Cloud), MAMPolicies, mam.ID, []byte(`{"appliesTo":"none"}`))}}
}

// mamPrecedence is what happens to a user in both scopes (scopeDocs).
const mamPrecedence = "When a user is in both scopes, MDM wins on a corporate-owned device and it enrolls, but MAM " +
	"wins on a personal device: the device registers for app protection (WIP) and does not enroll in Intune."

// mamNoneAdvice is the seed procedure's advice for a MAM scope that is not None.
const mamNoneAdvice = "If Windows Information Protection without enrollment is not in use, set MAM user scope to " +
	"None in the Intune admin center > Devices > Enrollment > Windows > Automatic Enrollment."

func policyEvidence(f *facts.Facts, src facts.Source, p *facts.MobilityPolicy, kind string) Evidence {
	e := Evidence{Source: f.Status(src).Endpoint}
	if p == nil || !p.Present {
		e.Detail = "no " + kind + " policy for Microsoft Intune in this tenant"
		return e
	}
	e.Detail = fmt.Sprintf("%s user scope of %q: appliesTo=%s", kind, p.DisplayName, p.AppliesTo)
	if strings.EqualFold(p.AppliesTo, "selected") {
		e.Detail += "; included groups: " + groupNames(p.IncludedGroups)
	}
	return e
}

func mdmScopeCheck() Check {
	return Check{
		ID: "scope.mdm", Title: "MDM user scope", Step: StepScope, Docs: scopeDocs, Modes: userOnly,
		Question: "Does the MDM user scope of Microsoft Intune include the user?",
		Needs:    []facts.Source{facts.SrcMDMPolicy, facts.SrcMemberOf, facts.SrcScopeNesting},
		Judge:    judgeMDMScope,
	}
}

func judgeMDMScope(f *facts.Facts) []Result {
	p := f.MDMPolicy
	ev := []Evidence{policyEvidence(f, facts.SrcMDMPolicy, p, "MDM")}
	if p == nil || !p.Present {
		return []Result{noMDMPolicy(ev)}
	}
	if ok, how := inScope(f, p); ok {
		if scopeOf(p) != scopeSome {
			return []Result{registrationEnrollment(f, p, Result{Status: Pass, Evidence: ev, Summary: "The MDM user " +
				"scope includes the user (" + how + ")."})}
		}
		sr := reachUserScope(f, p)
		switch {
		case sr.direct != nil:
			return []Result{registrationEnrollment(f, p, Result{Status: Pass, Evidence: ev,
				Summary: fmt.Sprintf("The MDM user scope includes the user (a direct member "+
					"of group %q).", sr.direct.DisplayName)})}
		case sr.unknown != "":
			return []Result{{Status: Warn, Evidence: append(ev,
				Evidence{Source: requestOf(f, facts.SrcScopeNesting, "GET /beta/users/{upn}/memberOf"),
					Detail: "direct memberships unknown: " + sr.unknown}),
				Summary: "The user is in the MDM user scope (" + how + "), but whether directly or only through " +
					"a nested group could not be read.",
				Explanation: "Microsoft does not document whether the MDM user scope follows nested groups, so " +
					"membership through nesting alone is not a sure pass.",
				Remediation: "Check in the Entra admin center that the user is a direct member of an included group; " +
					"if not and the device does not enroll, add the user directly."}}
		}
		return []Result{nestedScopeResult(f, p, sr, ev)}
	}
	r := Result{Status: Fail, Evidence: ev,
		Explanation: "Automatic enrollment only happens for users inside the MDM user scope. Outside it the device " +
			"joins or registers in Entra ID but is never enrolled in Intune (error 0x8018002b).",
	}
	switch scopeOf(p) {
	case scopeNone:
		r.Summary = "The MDM user scope is None: no user is enrolled automatically."
		r.Remediation = "In the Intune admin center > Devices > Enrollment > Windows > Automatic Enrollment, set MDM " +
			"user scope to Some (with a group holding the user) or All."
	default:
		r.Summary = fmt.Sprintf("The MDM user scope is Some and the user is in none of its "+
			"groups (%s).", groupNames(p.IncludedGroups))
		r.Remediation = "Add the user directly to one of the included groups, or add a group the user is a direct " +
			"member of to the MDM user scope in the Intune admin center > Devices > Enrollment > Windows > " +
			"Automatic Enrollment."
		ev = append(ev, Evidence{Source: f.Status(facts.SrcMemberOf).Endpoint, Detail: fmt.Sprintf("the user is a "+
			"transitive member of %d groups, none of them included", len(f.MemberOf))})
		r.Evidence = ev
		for _, g := range p.IncludedGroups {
			if g.Dynamic {
				continue
			}
			r.Fixes = append(r.Fixes, addUserToGroupFix(f, g, fmt.Sprintf("Add the user to the "+
				"included group %q", g.DisplayName)))
			break
		}
	}
	// A fix is offered only when it can be completed: adding a group needs a group that holds the user.
	if slices.ContainsFunc(f.MemberOf, func(g facts.Group) bool { return g.Kind == "" || g.Kind == "group" }) {
		r.Fixes = append(r.Fixes, mdmAddGroupFix(f, p, "Add a group that holds the user to the MDM user scope "+
			"(choose it with --group)"))
	}
	r.Fixes = append(r.Fixes, mdmAllFix(f, p))
	return []Result{r}
}

// registrationDocs: "Disable MDM enrollment when adding work or school account" controls whether users
// of the MDM scope are prompted to enroll in the work or school account registration flow; it applies to
// "users on Entra registered and workplace joined devices" and "users who add their account for the
// first time via Microsoft Edge or a native app such as Teams", and "doesn't apply to users adding their
// account through the Settings flow".
const registrationDocs = "https://learn.microsoft.com/en-us/intune/intune-service/enrollment/windows-enroll#enable-windows-automatic-enrollment"

// registrationEnrollment turns a pass into a warning when the policy disables MDM enrollment during
// registration and the device may come in by the work account path: a personal device then registers
// and never enrolls.
func registrationEnrollment(f *facts.Facts, p *facts.MobilityPolicy, r Result) Result {
	d := p.IsMdmEnrollmentDuringRegistrationDisabled
	if d == nil || !*d {
		return r
	}
	path := PathOf(f)
	r.Evidence = append(r.Evidence, Evidence{Source: f.Status(facts.SrcMDMPolicy).Endpoint,
		Detail: "isMdmEnrollmentDuringRegistrationDisabled: true (Disable MDM enrollment when adding work or school " +
			"account: Yes)"}, pathEvidence(path))
	if !path.has(facts.PathRegister) {
		return r
	}
	r.Status = Warn
	r.Summary += " But MDM enrollment is disabled when a work or school account is added: a personal device " +
		"registers and does not enroll."
	r.Explanation = "The setting \"Disable MDM enrollment when adding work or school account\" is Yes. Microsoft " +
		"documents that it applies to Entra registered (workplace joined) devices and to accounts added for the " +
		"first time through Microsoft Edge or an app such as Teams, not to accounts added " +
		"through Settings (" + registrationDocs + "). " +
		"A personal device whose user signs in to Edge or Teams is registered without being offered enrollment; " +
		"joined devices are not affected."
	if !path.single() {
		r.Explanation += " Whether it matters depends on the enrollment path (" + path.Words() + ")."
	}
	r.Remediation = "If personal devices should enroll, set Disable MDM enrollment when adding work or school " +
		"account to No (Intune admin center > Devices > Enrollment > Windows > Automatic Enrollment), or have the " +
		"user add the account through Settings > Accounts > Access work or school."
	return r
}

func mamConflictCheck() Check {
	return Check{
		ID: "scope.mam-conflict", Title: "MDM and MAM (WIP) " +
			"scope conflict", Step: StepMAM, Docs: scopeDocs, Modes: userOnly,
		Question: "Is the user outside the MAM (WIP) user scope, so that MDM wins on every device?",
		Needs:    []facts.Source{facts.SrcMAMPolicy, facts.SrcMDMPolicy, facts.SrcMemberOf},
		Judge:    judgeMAMConflict,
	}
}

func judgeMAMConflict(f *facts.Facts) []Result {
	mam := f.MAMPolicy
	ev := []Evidence{policyEvidence(f, facts.SrcMAMPolicy, mam, "MAM"), policyEvidence(f, facts.SrcMDMPolicy, f.MDMPolicy, "MDM")}
	if scopeOf(mam) == scopeNone {
		return []Result{{Status: Pass, Evidence: ev, Summary: "The MAM (WIP) user scope is None: no " +
			"conflict with MDM."}}
	}
	inMAM, mamHow := inScope(f, mam)
	inMDM, mdmHow := inScope(f, f.MDMPolicy)
	if !inMAM {
		return []Result{{Status: Warn, Evidence: ev,
			Summary: "The MAM (WIP) user scope is " + mam.AppliesTo + "; the user is outside it.",
			Explanation: mamPrecedence + " The seed procedure recommends MAM scope None so that no user can " +
				"fall into both.",
			Remediation: mamNoneAdvice}}
	}
	if !inMDM {
		return []Result{{Status: Warn, Evidence: ev,
			Summary: "The user is in the MAM (WIP) user scope (" + mamHow + ") but not in the MDM user scope.",
			Explanation: "A user only in the MAM scope gets app protection without enrollment; the device never " +
				"enrolls in Intune. " + mamPrecedence,
			Remediation: "Put the user in the MDM user scope (see scope.mdm) and take them out of the MAM user scope."}}
	}
	r := Result{Status: Fail, Evidence: ev,
		Summary: fmt.Sprintf("The user is in both the MDM (%s) and the MAM (WIP) (%s) "+
			"user scopes.", mdmHow, mamHow),
		Explanation: mamPrecedence,
		Remediation: "Remove the user from the MAM scope group, or remove that group from the MAM user scope, or set " +
			"MAM user scope to None (recommended unless WIP without enrollment is in use), in the Intune admin " +
			"center > Devices > Enrollment > Windows > Automatic Enrollment.",
	}
	if scopeOf(mam) == scopeSome {
		if g, ok := memberOfAny(f, mam.IncludedGroups); ok {
			r.Fixes = append(r.Fixes,
				Fix{ID: "scope.mam-conflict.remove-user", Title: fmt.Sprintf("Remove the user from %q (works for "+
					"direct membership only)", g.DisplayName),
					Reversible: true, Permissions: []string{"GroupMember.ReadWrite.All"},
					Requests: []Request{RemoveMember(graphRoot(f.Cloud), g.ID, f.UserID())}},
				mamRemoveGroupFix(f, mam, g))
		}
	}
	r.Fixes = append(r.Fixes, mamNoneFix(f, mam))
	return []Result{r}
}
