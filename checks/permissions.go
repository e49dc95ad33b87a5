package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

func permissionsCheck() Check {
	return Check{
		ID: "operator.permissions", Title: "Operator permissions", Step: StepRequirements, Modes: userAndTenant,
		// The Graph permission reference for scopes; Intune's RBAC page for the Entra and Intune roles
		// that read Intune data (facts.IntuneReaders, intuneRBACDocs).
		Docs:     "https://learn.microsoft.com/en-us/graph/permissions-reference",
		Source:   intuneRBACDocs,
		Question: "Can the signed-in operator read what the checks need and apply the fixes?",
		Needs:    []facts.Source{facts.SrcOperator},
		Judge:    judgePermissions,
	}
}

// fixRoles are the Entra roles any one of which may apply a fix family (by fix-id prefix).
var fixRoles = []struct {
	prefix string
	roles  []string
}{
	{"scope.mdm.add-user-to-group", []string{facts.RoleGroupsAdministrator, facts.RoleUserAdministrator, facts.RoleIntuneAdministrator}},
	{"scope.mam-conflict.remove-user", []string{facts.RoleGroupsAdministrator, facts.RoleUserAdministrator, facts.RoleIntuneAdministrator}},
	{"scope.", []string{facts.RoleCloudDeviceAdministrator}},
	{"license.", []string{facts.RoleLicenseAdministrator, facts.RoleUserAdministrator}},
	{"devices.", []string{facts.RoleIntuneAdministrator, facts.RoleCloudDeviceAdministrator}},
	{"mfa.registration.policy-not-required", []string{facts.RoleCloudDeviceAdministrator}},
	{"mfa.registration.create-ca", []string{facts.RoleConditionalAccessAdmin, facts.RoleSecurityAdministrator}},
}

// hasAny reports whether have holds any of want, case-insensitively.
func hasAny(have, want []string) bool {
	return slices.ContainsFunc(want, func(w string) bool {
		return slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(h, w) })
	})
}

func judgePermissions(f *facts.Facts) []Result {
	op := f.Operator
	src := f.Status(facts.SrcOperator).Endpoint
	if src == "" {
		src = "access token claims"
	}
	if op == nil || !op.Known {
		return []Result{{Status: Warn, Evidence: []Evidence{{Source: src, Detail: "the token could not be " +
			"read (not a JWT)"}},
			Summary:     "The operator's permissions are unknown: the access token is opaque.",
			Explanation: "Checks whose reads are refused will end in error naming the permission they needed.",
			Remediation: "Nothing to do unless checks end in error; then grant the permission they name."}}
	}
	who := op.UserPrincipalName
	if who == "" {
		who = "the operator"
	}
	if op.AppOnly {
		who = "the application"
	}
	ev := []Evidence{{Source: src, Detail: fmt.Sprintf("%s holds scopes: %s", who, strings.Join(op.Scopes, " "))}}
	if !op.AppOnly {
		var roles []string
		for _, id := range op.RoleTemplateIDs {
			roles = append(roles, facts.RoleName(id))
		}
		ev = append(ev, Evidence{Source: src, Detail: "directory roles: " + strings.Join(roles, ", ")})
	}
	// An Entra role is not the only way to read Intune data: an Intune role (Read Only Operator, Help Desk
	// Operator, a custom role) does too, and the token does not show it; such checks may run, partially.
	var cannot, intuneOnly []string
	for _, c := range ForKind(f.Target.Kind) {
		for _, s := range c.Needs {
			p := facts.ReadPermission(s)
			if len(p.Scopes) == 0 {
				continue
			}
			missing := ""
			switch {
			case !hasAny(op.Scopes, p.Scopes):
				missing = "scope " + p.Scopes[0]
			case !op.AppOnly && len(p.Roles) > 0 && !hasAny(op.RoleTemplateIDs, p.Roles) && p.IntuneRBAC:
				intuneOnly = append(intuneOnly, fmt.Sprintf("%s (reads %s)", c.ID, s))
			case !op.AppOnly && len(p.Roles) > 0 && !hasAny(op.RoleTemplateIDs, p.Roles):
				missing = "a role such as " + facts.RoleName(p.Roles[0]) + " or " +
					facts.RoleName(p.Roles[len(p.Roles)-1])
			}
			if missing != "" {
				cannot = append(cannot, fmt.Sprintf("%s (reads %s: needs %s)", c.ID, s, missing))
				break
			}
		}
	}
	intuneOnly = slices.Compact(intuneOnly)
	var noFix []string
	if !op.AppOnly && !hasAny(op.RoleTemplateIDs, []string{facts.RoleGlobalAdministrator}) {
		for _, fr := range fixRoles {
			if !hasAny(op.RoleTemplateIDs, fr.roles) {
				noFix = append(noFix, fmt.Sprintf("%s* (needs %s)", fr.prefix, facts.RoleName(fr.roles[0])))
			}
		}
	}
	switch {
	case len(cannot) > 0:
		ev = append(ev, Evidence{Source: src, Detail: "cannot run: " + strings.Join(cannot, "; ")})
		return []Result{{Status: Fail, Evidence: ev,
			Summary: fmt.Sprintf("%d checks cannot run with the operator's permissions.", len(cannot)),
			Explanation: "A check whose facts cannot be read ends in error; the cause of the enrollment failure " +
				"may hide there.",
			Remediation: "Consent to the missing delegated scopes for the mdmdoctor app registration (Entra admin " +
				"center > App registrations > API permissions), or sign in as an operator holding the role named; " +
				"the README lists each check's narrowest permission."}}
	case len(intuneOnly) > 0:
		ev = append(ev, Evidence{Source: src, Detail: "needs an Intune role the token " +
			"cannot show: " + strings.Join(intuneOnly, "; ")})
		if len(noFix) > 0 {
			ev = append(ev, Evidence{Source: src, Detail: "fixes unavailable: " + strings.Join(noFix, "; ")})
		}
		return []Result{{Status: Warn, Evidence: ev,
			Summary: "The Intune checks depend on an Intune role the operator may hold; their device and restriction " +
				"results may be partial.",
			Explanation: "The operator holds no Entra role with Intune access (Intune Administrator, Global Reader, " +
				"Helpdesk Administrator, Security Reader and the others Microsoft lists). " +
				"An Intune role such as Read Only Operator, Help Desk Operator or a custom role also reads these, " +
				"but the token does not show it: if the operator has none, those checks end in error naming " +
				"the refusal. " +
				"An Intune role limited by scope tags or scope groups hides the restrictions and devices outside its " +
				"scope, so those results say so instead of passing.",
			Remediation: "Nothing to do if the Intune checks ran; if they ended in error, assign the operator an " +
				"Intune role (Read Only Operator suffices to read) in Intune admin center > Tenant administration > " +
				"Roles, with the Default scope tag and all devices in scope."}}
	case len(noFix) > 0:
		ev = append(ev, Evidence{Source: src, Detail: "fixes unavailable: " + strings.Join(noFix, "; ")})
		return []Result{{Status: Warn, Evidence: ev,
			Summary:     "Every check can run, but the operator's roles do not allow some fixes.",
			Explanation: "Fixes write to the tenant and are refused without a role that allows the write.",
			Remediation: "Ask an administrator holding the roles named to apply those fixes, or activate the role " +
				"(Privileged Identity Management) and sign in again."}}
	}
	return []Result{{Status: Pass, Evidence: ev, Summary: "The operator can read everything the checks need and " +
		"apply every fix."}}
}
